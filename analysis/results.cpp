#include "results.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "bottleneck.hpp"
#include "calendar.hpp"
#include "coexlab/version.hpp"
#include "csv.hpp"
#include "lower_bound.hpp"
#include "resolved.hpp"
#include "summary.hpp"
#include "table.hpp"
#include "windows.hpp"

namespace coexlab {

using json = nlohmann::ordered_json;

std::string_view to_string(MoveState s) {
  switch (s) {
    case MoveState::moved:
      return "moved";
    case MoveState::cancelled:
      return "cancelled";
    case MoveState::failed:
      return "failed";
    case MoveState::unfinished:
      return "unfinished";
  }
  return "?";
}

std::string_view to_string(StopReason r) {
  switch (r) {
    case StopReason::done:
      return "done";
    case StopReason::horizon:
      return "horizon";
    case StopReason::stalled:
      return "stalled";
  }
  return "?";
}

double percentile_nearest_rank(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * double(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

MigrationMetrics migration_metrics(const RunData& run) {
  MigrationMetrics m;
  m.mailboxes_total = static_cast<std::int64_t>(run.queue.size());
  struct Attempts {  // one request's attempts, summed (not coexlab::Mailbox, the generated one)
    double first_queued = 0, first_start = 0, last_end = 0, in_attempts = 0;
    MoveState last = MoveState::unfinished;
  };
  std::map<int, Attempts> by_queue_index;
  for (const MoveAttempt& a : run.recording.attempts) {  // in order of their start
    const auto [it, first] = by_queue_index.try_emplace(a.queue_index);
    Attempts& mb = it->second;
    if (first) {
      mb.first_queued = a.queued.value;
      mb.first_start = a.start.value;
    }
    mb.last_end = std::max(mb.last_end, a.end.value);
    mb.in_attempts += a.end.value - a.start.value;
    mb.last = a.state;
    if (!m.first_start_s || a.start.value < *m.first_start_s) m.first_start_s = a.start.value;
    if (!m.last_end_s || a.end.value > *m.last_end_s) m.last_end_s = a.end.value;
    switch (a.state) {
      case MoveState::moved:
        ++m.mailboxes_moved;
        m.bytes_moved += a.bytes_copied.value;
        break;
      case MoveState::failed:
        ++m.mailboxes_failed;
        break;
      case MoveState::cancelled:
        ++m.attempts_cancelled;
        break;
      case MoveState::unfinished:
        break;
    }
  }
  if (m.first_start_s) m.duration_s = *m.last_end_s - *m.first_start_s;
  m.completed = m.mailboxes_moved == m.mailboxes_total;
  if (by_queue_index.empty()) return m;
  std::vector<double> downtime;
  double downtime_sum = 0, wait_sum = 0, slowdown_sum = 0;
  int ended = 0;
  for (const auto& [q, mb] : by_queue_index) {
    downtime.push_back(mb.in_attempts);
    downtime_sum += mb.in_attempts;
    wait_sum += mb.first_start - mb.first_queued;
    if (mb.last == MoveState::moved || mb.last == MoveState::failed) {
      const double turnaround = mb.last_end - mb.first_queued;
      slowdown_sum += std::max(1.0, turnaround / std::max(mb.in_attempts, kSlowdownBound_s));
      ++ended;
    }
  }
  const auto n = double(downtime.size());
  m.downtime_mean_s = downtime_sum / n;
  m.downtime_max_s = *std::max_element(downtime.begin(), downtime.end());
  m.downtime_p95_s = percentile_nearest_rank(downtime, 95);
  m.wait_mean_s = wait_sum / n;
  if (ended > 0) m.bounded_slowdown_mean = slowdown_sum / ended;
  return m;
}

// For each sample interval, whether at least one move ran during it (merged attempt spans
// swept against the sample times: linear after a sort).
std::vector<bool> intervals_with_moves(const RunData& run) {
  std::vector<std::pair<double, double>> spans;
  for (const MoveAttempt& a : run.recording.attempts)
    spans.emplace_back(a.start.value, a.end.value);
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& sp : spans) {
    if (!merged.empty() && sp.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, sp.second);
    else
      merged.push_back(sp);
  }
  const auto& times = run.recording.sample_times;
  std::vector<bool> out(times.size(), false);
  size_t k = 0;
  double prev = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    while (k < merged.size() && merged[k].second <= prev) ++k;  // spans that ended before
    out[i] = k < merged.size() && merged[k].first < times[i] && merged[k].second > prev;
    prev = times[i];
  }
  return out;
}

ResourceStats resource_stats(const RunData& run, const ResourceSeries& r) {
  return resource_stats(run, r, intervals_with_moves(run));
}

ResourceStats resource_stats(const RunData& run, const ResourceSeries& r,
                             const std::vector<bool>& moving) {
  ResourceStats st;
  if (r.samples.empty()) return st;
  const auto& times = run.recording.sample_times;
  double sum = 0, total = 0, peak = 0, busy_sum = 0, busy_total = 0;
  double prev = 0;
  for (size_t i = 0; i < r.samples.size() && i < times.size(); ++i) {
    const double dt = times[i] - prev;
    const double u = r.samples[i];
    sum += u * dt;
    total += dt;
    peak = std::max(peak, u);
    if (i < moving.size() && moving[i]) {
      busy_sum += u * dt;
      busy_total += dt;
    }
    prev = times[i];
  }
  if (total > 0) st.mean = sum / total;
  st.peak = peak;
  if (busy_total > 0) st.busy_during_moves = busy_sum / busy_total;
  return st;
}

// ---- Window overrun (scheduler benchmarks) ----------------------------------------------------

double window_overrun(const RunData& run) {
  const Scenario& s = run.scenario;
  const std::vector<Interval> windows =
      expand_windows(s.migration.windows, s.start, s.simulation.horizon);
  double overrun = 0;
  for (const MoveAttempt& a : run.recording.attempts) {
    const auto w = window_at_or_after(windows, a.start);
    if (w && w->contains(a.start) && a.end.value > w->to.value)
      overrun += a.end.value - w->to.value;
  }
  return overrun;
}

namespace {

// Rounds every floating-point number of a JSON tree to 12 significant digits. The last bits
// of a double depend on how the compiler scheduled the arithmetic (an optimised build and a
// sanitizer build differed in the 17th digit of a utilisation); 12 digits are far beyond
// what the model can claim and keep summary.json byte-identical across builds and machines.
void round_numbers(json& v) {
  if (v.is_number_float()) {
    v = round_to_12_digits(v.get<double>());
  } else if (v.is_structured()) {
    for (json& child : v) round_numbers(child);
  }
}

}  // namespace

double round_to_12_digits(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  // std::to_chars / std::from_chars: no locale, no exception, and a subnormal or an extreme
  // exponent is just a number (std::stod threw std::out_of_range on 1e-310).
  char buf[64];
  const auto w = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 12);
  if (w.ec != std::errc{}) return x;
  double r = 0;
  const auto p = std::from_chars(buf, w.ptr, r, std::chars_format::general);
  if (p.ec == std::errc::result_out_of_range) return x;  // cannot happen for a finite x: keep it
  return p.ec == std::errc{} ? r : x;
}

std::string format_latency(double seconds) {
  return seconds < 1 ? fmt::format("{:.0f} ms", seconds * 1e3)
                     : units::format_duration(Seconds{seconds});
}

namespace {

json latency_json(const WeightedLatency& l) {
  return {{"mean", l.mean}, {"p50", l.p50}, {"p95", l.p95}, {"max", l.max}};
}

json mail_flow_json(const MailRecording& mail) {
  if (!mail.simulated) return nullptr;
  const MailLatencies lat = mail_latencies(mail);
  const WeightedLatency& l = lat.all;
  json out;
  out["mode"] = mail.mode;
  out["messages_delivered"] = std::llround(l.total);
  out["latency_s"] = l.total > 0 ? latency_json(l) : json(nullptr);
  json paths = json::array();
  for (const auto& [name, p] : lat.by_path) {
    paths.push_back(
        {{"path", name}, {"messages", std::llround(p.total)}, {"latency_s", latency_json(p)}});
  }
  out["paths"] = paths;
  json hubs = json::array();
  for (const HubQueueStats& h : mail.hubs) {
    hubs.push_back({{"server", h.server},
                    {"messages", std::llround(h.messages)},
                    {"mean_wait_s", h.mean_wait_s},
                    {"mean_sojourn_s", h.mean_sojourn_s},
                    {"mean_queue_length", h.mean_in_hub},
                    {"peak_queue_length", h.peak_in_hub}});
  }
  out["hubs"] = hubs;
  out["undelivered"] = std::llround(mail.undelivered);
  out["delayed_by_moves"] = {
      {"messages", std::llround(mail.delayed_messages)},
      {"mean_s", mail.delayed_messages > 0 ? json(mail.delayed_seconds_sum / mail.delayed_messages)
                                           : json(nullptr)},
      {"max_s", mail.delayed_messages > 0 ? json(mail.delayed_max_s) : json(nullptr)}};
  return out;
}

}  // namespace

WeightedLatency weighted_latency(std::vector<std::pair<double, double>> v) {  // (value, weight)
  WeightedLatency out;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (const auto& [x, w] : v) {
    out.total += w;
    sum += x * w;
  }
  if (out.total <= 0) return out;
  out.mean = sum / out.total;
  out.max = v.back().first;
  const auto at = [&](double p) {
    double cum = 0;
    for (const auto& [x, w] : v) {
      if ((cum += w) >= p * out.total) return x;
    }
    return v.back().first;
  };
  out.p50 = at(0.50);
  out.p95 = at(0.95);
  return out;
}

MailLatencies mail_latencies(const MailRecording& mail) {
  std::vector<std::pair<double, double>> all;
  std::map<std::string, std::vector<std::pair<double, double>>> by_path;
  for (const DeliveredMail& d : mail.mail) {
    all.emplace_back(d.latency_s, d.weight);
    by_path[d.path_class].emplace_back(d.latency_s, d.weight);
  }
  MailLatencies out;
  out.all = weighted_latency(std::move(all));
  for (auto& [name, v] : by_path) out.by_path[name] = weighted_latency(std::move(v));
  return out;
}

json summary_json(const RunData& run, const json& checks) {
  const MigrationMetrics m = migration_metrics(run);
  const auto opt = [](const std::optional<double>& v) -> json {
    return v ? json(*v) : json(nullptr);
  };
  json out;
  out["coexlab_version"] = kVersion;
  out["scenario"] = run.scenario.name;
  out["seed"] = run.scenario.seed;
  out["resolved"] = resolved_scenario(run.scenario);
  json mig;
  mig[summary_key::duration_s] = opt(m.duration_s);
  mig[summary_key::lower_bound_s] = opt(run_lower_bound(run));  // analysis/lower_bound.hpp
  mig["mailboxes_total"] = m.mailboxes_total;
  mig[summary_key::mailboxes_moved] = m.mailboxes_moved;
  mig["mailboxes_failed"] = m.mailboxes_failed;
  mig["attempts_cancelled"] = m.attempts_cancelled;
  mig["bytes_moved"] = m.bytes_moved;
  mig[summary_key::completed] = m.completed;
  mig["stopped_by"] = to_string(run.recording.stopped_by);
  mig["stop_detail"] =
      run.recording.stop_detail.empty() ? json(nullptr) : json(run.recording.stop_detail);
  mig["first_start_s"] = opt(m.first_start_s);
  mig["last_end_s"] = opt(m.last_end_s);
  mig["user_downtime_s"] = m.downtime_mean_s ? json{{"mean", *m.downtime_mean_s},
                                                    {"p95", *m.downtime_p95_s},
                                                    {"max", *m.downtime_max_s}}
                                             : json(nullptr);
  mig["wait_mean_s"] = opt(m.wait_mean_s);
  mig["bounded_slowdown_mean"] = opt(m.bounded_slowdown_mean);
  json events = json::array();
  const auto text_or_null = [](const std::string& t) {
    return t.empty() ? json(nullptr) : json(t);
  };
  for (const SimEvent& e : run.recording.events) {
    events.push_back({{"time_s", e.time.value},
                      {"kind", to_string(e.kind)},
                      {"what", describe(e)},
                      {"server", text_or_null(e.server)},
                      {"resource", text_or_null(e.resource)}});
  }
  mig["events"] = events;
  mig["window_overrun_s"] = window_overrun(run);
  out[summary_key::migration] = mig;
  const Bottleneck b = bottleneck_of(run, m);
  if (b.resource.empty()) {
    out[summary_key::bottleneck] = nullptr;
  } else {
    // The estimate's own ranking (analysis/bottleneck.hpp), the five best factors.
    json estimated = json::array();
    for (const FactorEstimate& f : b.ranked) {
      if (estimated.size() == 5) break;
      estimated.push_back({{"factor", f.factor}, {"change", f.change}, {"gain_s", f.gain_s}});
    }
    out[summary_key::bottleneck] = {
        {summary_key::resource, b.resource}, {"reason", b.reason}, {"estimated", estimated}};
  }
  json resources = json::array();
  const std::vector<bool> moving = intervals_with_moves(run);
  for (const ResourceSeries& r : run.recording.resources) {
    const ResourceStats st = resource_stats(run, r, moving);
    resources.push_back({{summary_key::id, r.id},
                         {summary_key::kind, to_string(r.kind)},
                         {"capacity", opt(r.capacity)},
                         {"unit", r.unit},
                         {summary_key::mean_utilisation, opt(st.mean)},
                         {summary_key::peak_utilisation, opt(st.peak)},
                         {summary_key::busy_during_moves, opt(st.busy_during_moves)}});
  }
  out[summary_key::resources] = resources;
  out["mail_flow"] = mail_flow_json(run.recording.mail);
  out["checks"] = checks;
  out["simulated_until_s"] = run.recording.end_time.value;
  round_numbers(out);
  return out;
}

void write_moves_csv(const RunData& run, const std::function<void(std::string_view)>& emit) {
  std::string line;
  append_csv_record(
      line, {"mailbox", "source", "target", "size_bytes", "items", "attempt", "queued_s", "start_s",
             "end_s", "thread", "state", "name", "start", "end"});
  emit(line);
  for (const MoveAttempt& a : run.recording.attempts) {
    const MoveRequest& r = run.queue[size_t(a.queue_index)];
    const Mailbox& mb = run.mailboxes[size_t(a.mailbox)];
    const Server& src = run.scenario.servers[size_t(r.source_server)];
    const Server& tgt = run.scenario.servers[size_t(r.target_server)];
    line.clear();
    append_csv_record(line,
                      {mb.id, src.name + "/" + src.databases[size_t(r.source_database)].name,
                       tgt.name + "/" + tgt.databases[size_t(r.target_database)].name,
                       fmt::format("{:.0f}", mb.size.value), fmt::format("{}", mb.items),
                       fmt::format("{}", a.attempt), fmt::format("{:.3f}", a.queued.value),
                       fmt::format("{:.3f}", a.start.value), fmt::format("{:.3f}", a.end.value),
                       fmt::format("{}", a.thread), std::string(to_string(a.state)), mb.name,
                       civil_at(run.scenario.start, a.start.value).iso(),
                       civil_at(run.scenario.start, a.end.value).iso()});
    emit(line);
  }
}

std::string mailboxes_csv(const RunData& run) {
  struct Outcome {
    MoveState state = MoveState::unfinished;
    int attempts = 0;
    double first_start = 0, last_end = 0;
  };
  std::vector<Outcome> by_request(run.queue.size());
  for (const MoveAttempt& a : run.recording.attempts) {  // in start order
    Outcome& o = by_request[size_t(a.queue_index)];
    if (o.attempts++ == 0) o.first_start = a.start.value;
    o.last_end = std::max(o.last_end, a.end.value);
    o.state = a.state;
  }
  const Scenario& s = run.scenario;
  const auto when = [&s](double t) { return civil_at(s.start, t).iso(); };
  std::string out;
  append_csv_record(out, {"mailbox", "name", "batch", "source", "target", "size_bytes", "items",
                          "state", "attempts", "first_start", "last_end"});
  for (const MoveRequest& r : run.queue) {
    const Outcome& o = by_request[size_t(r.queue_index)];
    const Mailbox& mb = run.mailboxes[size_t(r.mailbox)];
    const Server& src = s.servers[size_t(r.source_server)];
    const Server& tgt = s.servers[size_t(r.target_server)];
    const bool started = o.attempts > 0;
    append_csv_record(out, {mb.id, mb.name, s.migration.batches[size_t(r.batch)].name,
                            src.name + "/" + src.databases[size_t(r.source_database)].name,
                            tgt.name + "/" + tgt.databases[size_t(r.target_database)].name,
                            fmt::format("{:.0f}", mb.size.value), fmt::format("{}", mb.items),
                            std::string(started ? to_string(o.state) : "not_started"),
                            fmt::format("{}", o.attempts), started ? when(o.first_start) : "",
                            started ? when(o.last_end) : ""});
  }
  return out;
}

void write_utilisation_csv(const RunData& run, const std::function<void(std::string_view)>& emit) {
  std::string line;
  append_csv_record(line, {"time_s", "resource", "utilisation"});
  emit(line);
  const auto& times = run.recording.sample_times;
  std::vector<std::string> ids;  // quoted once, not once per sample
  for (const ResourceSeries& r : run.recording.resources) ids.push_back(csv_field(r.id));
  std::string time;  // formatted once per sample, not once per resource
  for (size_t i = 0; i < times.size(); ++i) {
    line.clear();
    time.clear();
    fmt::format_to(std::back_inserter(time), "{:.3f},", times[i]);
    for (size_t k = 0; k < run.recording.resources.size(); ++k) {
      const ResourceSeries& r = run.recording.resources[k];
      if (i >= r.samples.size()) continue;
      line += time;
      line += ids[k];
      fmt::format_to(std::back_inserter(line), ",{:.6f}\n", r.samples[i]);
    }
    emit(line);
  }
}

void write_utilisation_wide_csv(const RunData& run,
                                const std::function<void(std::string_view)>& emit) {
  const auto& resources = run.recording.resources;
  std::string line = "time_s";
  for (const ResourceSeries& r : resources) line += "," + csv_field(r.id);
  emit(line + "\n");
  const auto& times = run.recording.sample_times;
  for (size_t i = 0; i < times.size(); ++i) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{:.3f}", times[i]);
    for (const ResourceSeries& r : resources) {
      line += ',';  // a resource not sampled at this time: an empty cell
      if (i < r.samples.size()) fmt::format_to(std::back_inserter(line), "{:.6f}", r.samples[i]);
    }
    line += '\n';
    emit(line);
  }
}

std::string moves_csv(const RunData& run) {
  std::string out;
  write_moves_csv(run, [&](std::string_view piece) { out.append(piece); });
  return out;
}

std::string utilisation_csv(const RunData& run) {
  std::string out;
  write_utilisation_csv(run, [&](std::string_view piece) { out.append(piece); });
  return out;
}

std::string human_summary(const RunData& run, const std::string& out_dir) {
  const MigrationMetrics m = migration_metrics(run);
  double total_bytes = 0;
  for (const MoveRequest& r : run.queue) total_bytes += run.mailboxes[size_t(r.mailbox)].size.value;
  // An instant for people: the date with its weekday, and the offset from the start.
  const auto date = [&run](double t) {
    return fmt::format("{} (+{})", civil_at(run.scenario.start, t).human(),
                       units::format_duration(Seconds{t}));
  };
  std::string out =
      fmt::format("{} (seed {}): {} mailboxes to move, {}; start {}\n", run.scenario.name,
                  run.scenario.seed, with_thousands(m.mailboxes_total),
                  units::format_bytes(Bytes{total_bytes}), run.scenario.start.human());
  if (m.duration_s) {
    out += fmt::format("  migration   {}, from {} to {} (last end at +{}){}\n",
                       units::format_duration(Seconds{*m.duration_s}),
                       civil_at(run.scenario.start, *m.first_start_s).human(),
                       civil_at(run.scenario.start, *m.last_end_s).human(),
                       units::format_duration(Seconds{*m.last_end_s}),
                       m.completed ? "" : " — NOT COMPLETED");
  } else {
    out += "  migration   no move started before the horizon — NOT COMPLETED\n";
  }
  if (run.recording.stopped_by != StopReason::done) {
    out += fmt::format("  stopped by  {} at {}: {}{}\n", to_string(run.recording.stopped_by),
                       date(run.recording.end_time.value), run.recording.stop_detail,
                       m.duration_s ? "; the duration above is only a lower bound on the whole "
                                      "migration's"
                                    : "");
  }
  out += fmt::format("  mailboxes   {} moved, {} failed, {} not moved; {} cancelled attempts\n",
                     with_thousands(m.mailboxes_moved), with_thousands(m.mailboxes_failed),
                     with_thousands(m.mailboxes_total - m.mailboxes_moved - m.mailboxes_failed),
                     with_thousands(m.attempts_cancelled));
  if (m.downtime_mean_s) {
    out += fmt::format("  downtime    mean {}, p95 {}, max {} per user\n",
                       units::format_duration(Seconds{*m.downtime_mean_s}),
                       units::format_duration(Seconds{*m.downtime_p95_s}),
                       units::format_duration(Seconds{*m.downtime_max_s}));
  }
  const Bottleneck b = bottleneck_of(run, m);
  if (!b.resource.empty()) out += fmt::format("  bottleneck  {}: {}\n", b.resource, b.reason);
  std::vector<std::pair<double, std::string>> busiest;
  const std::vector<bool> moving = intervals_with_moves(run);
  for (const ResourceSeries& r : run.recording.resources) {
    const ResourceStats st = resource_stats(run, r, moving);
    if (st.busy_during_moves && r.kind != ResourceKind::database_space) {
      busiest.emplace_back(*st.busy_during_moves,
                           fmt::format("{} {:.0f} % (peak {:.0f} %)", r.id,
                                       *st.busy_during_moves * 100, *st.peak * 100));
    }
  }
  std::stable_sort(busiest.begin(), busiest.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (!busiest.empty()) {
    out += "  busiest     ";
    for (size_t i = 0; i < std::min<size_t>(3, busiest.size()); ++i)
      out += (i ? ", " : "") + busiest[i].second;
    out += " (while moves run)\n";
  }
  if (const MailRecording& mail = run.recording.mail; mail.simulated) {
    const MailLatencies lat = mail_latencies(mail);
    const WeightedLatency& l = lat.all;
    out += fmt::format("  mail        {} messages delivered ({}), latency mean {}, p95 {}\n",
                       with_thousands(std::llround(l.total)), mail.mode, format_latency(l.mean),
                       format_latency(l.p95));
    if (mail.delayed_messages >= 0.5) {
      out += fmt::format(
          "  locked      {} messages waited for their mailbox's move: mean {}, "
          "longest {}\n",
          with_thousands(std::llround(mail.delayed_messages)),
          format_latency(mail.delayed_seconds_sum / mail.delayed_messages),
          format_latency(mail.delayed_max_s));
    }
    std::string worst;
    double worst_p95 = -1;
    for (const auto& [name, p] : lat.by_path) {
      if (p.p95 > worst_p95) {
        worst_p95 = p.p95;
        worst = fmt::format("{} (p95 {}, {} messages)", name, format_latency(p.p95),
                            with_thousands(std::llround(p.total)));
      }
    }
    if (!worst.empty()) out += fmt::format("  worst path  {}\n", worst);
  }
  for (const SimEvent& e : run.recording.events) {
    if (e.kind != EventKind::failure)
      out += fmt::format("  event       {} {}: {}\n", date(e.time.value), to_string(e.kind),
                         describe(e));
  }
  if (!out_dir.empty()) out += fmt::format("  results     {}/\n", out_dir);
  return out;
}

}  // namespace coexlab
