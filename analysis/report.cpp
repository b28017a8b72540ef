#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "bottleneck.hpp"
#include "calendar.hpp"
#include "coexlab/version.hpp"
#include "lower_bound.hpp"
#include "report_parts.hpp"
#include "table.hpp"

namespace coexlab {
namespace {
constexpr std::string_view kRankingBegin = "<!-- coexlab:ranking -->\n";
constexpr std::string_view kRankingEnd = "<!-- /coexlab:ranking -->\n";
}  // namespace

using svg::escape;
using namespace report_detail;  // NOLINT(google-build-using-namespace): the report's own parts

// ---- Geometry ---------------------------------------------------------------------------------

std::string_view state_colour(MoveState s) {
  switch (s) {
    case MoveState::moved:
      return "#2e7d32";  // green
    case MoveState::failed:
      return "#c62828";  // red
    case MoveState::cancelled:
      return "#ef6c00";  // orange
    case MoveState::unfinished:
      return "#9e9e9e";  // grey
  }
  return "#000000";
}

namespace {

// Severity for merging sub-pixel attempts: a pixel shows its most alarming attempt, so that a
// failure among hundreds of successful moves stays visible.
int severity(MoveState s) {
  switch (s) {
    case MoveState::moved:
      return 0;
    case MoveState::unfinished:
      return 1;
    case MoveState::cancelled:
      return 2;
    case MoveState::failed:
      return 3;
  }
  return 0;
}
constexpr MoveState kBySeverity[] = {MoveState::moved, MoveState::unfinished, MoveState::cancelled,
                                     MoveState::failed};

}  // namespace

GanttGeometry gantt_geometry(const Recording& rec, int threads,
                             const std::vector<Interval>& windows, double t_end,
                             const GanttFrame& frame) {
  GanttGeometry g;
  g.x = {0, std::max(t_end, 1.0), frame.plot_left, frame.plot_right};
  g.threads = threads;
  for (const MoveAttempt& a : rec.attempts) g.threads = std::max(g.threads, a.thread);
  // Rows stay readable up to 40 threads; beyond, the chart keeps about 640 units of rows.
  g.row_height = g.threads <= 40 ? 16 : std::max(2.0, 640.0 / g.threads);
  for (const Interval& w : windows) {
    const double a = std::max(0.0, w.from.value), b = std::min(g.x.d1, w.to.value);
    if (b > a) g.windows.emplace_back(g.x(a), g.x(b) - g.x(a));
  }

  const auto pixels = static_cast<int>(std::ceil(frame.plot_right - frame.plot_left));
  // Per row, the severity shown in each pixel column (-1: no sub-pixel attempt there);
  // allocated only for rows that have narrow attempts.
  std::vector<std::vector<std::int8_t>> columns(size_t(g.threads) + 1);
  std::vector<GanttBar> exact;
  for (size_t i = 0; i < rec.attempts.size(); ++i) {
    const MoveAttempt& a = rec.attempts[i];
    if (a.thread < 1) continue;
    const double xs = g.x(a.start.value), xe = g.x(std::max(a.end.value, a.start.value));
    if (xe - xs >= 1.0) {
      exact.push_back({a.thread, xs, xe - xs, a.state, int(i)});
      continue;
    }
    auto& row = columns[size_t(a.thread)];
    if (row.empty()) row.assign(size_t(pixels), -1);
    const auto col = [&](double x) {
      return std::clamp(static_cast<int>(std::floor(x - frame.plot_left)), 0, pixels - 1);
    };
    for (int c = col(xs); c <= col(xe); ++c) {
      row[size_t(c)] = std::max<std::int8_t>(row[size_t(c)], std::int8_t(severity(a.state)));
    }
  }
  for (int t = 1; t <= g.threads; ++t) {
    const auto& row = columns[size_t(t)];
    for (int c = 0; c < int(row.size());) {
      const std::int8_t s = row[size_t(c)];
      int e = c + 1;
      while (e < int(row.size()) && row[size_t(e)] == s) ++e;
      if (s >= 0) g.bars.push_back({t, frame.plot_left + c, double(e - c), kBySeverity[s], -1});
      c = e;
    }
  }
  g.bars.insert(g.bars.end(), exact.begin(), exact.end());
  return g;
}

std::vector<SeriesPoint> downsample(const std::vector<double>& sample_times,
                                    const std::vector<double>& values, size_t max_points) {
  const size_t n = std::min(sample_times.size(), values.size());
  std::vector<SeriesPoint> out;
  if (n == 0 || max_points == 0) return out;
  const size_t per_bucket = (n + max_points - 1) / max_points;
  for (size_t b = 0; b < n; b += per_bucket) {
    const size_t e = std::min(n, b + per_bucket);
    const double begin = b == 0 ? 0 : sample_times[b - 1];
    double sum = 0, total = 0, peak = values[b];
    for (size_t i = b; i < e; ++i) {
      const double dt = sample_times[i] - (i == 0 ? 0 : sample_times[i - 1]);
      sum += values[i] * dt;
      total += dt;
      peak = std::max(peak, values[i]);
    }
    out.push_back({(begin + sample_times[e - 1]) / 2, total > 0 ? sum / total : values[b], peak});
  }
  return out;
}

// ---- The page ---------------------------------------------------------------------------------

namespace {

constexpr size_t kMaxPointsPerSeries = 1000;  // per utilisation or log-space series
constexpr size_t kUtilisationCharts = 6;      // busiest rate resources shown, at most
constexpr double kChartMinBusyShare = 0.05;   // busy share while moves run worth a chart
// Hover tooltips on exact Gantt bars cost ~100 bytes each: only for runs small enough that
// the page stays light.
constexpr size_t kMaxTooltips = 2000;

// ---- Summary ----

std::string summary_section(const RunData& run, const MigrationMetrics& m) {
  const Scenario& s = run.scenario;
  double total_bytes = 0;
  for (const MoveRequest& r : run.queue) {
    if (r.mailbox >= 0 && size_t(r.mailbox) < run.mailboxes.size()) {
      total_bytes += run.mailboxes[size_t(r.mailbox)].size.value;
    }
  }
  std::string out = "<section>\n";
  const Recording& rec = run.recording;
  const std::int64_t not_moved = m.mailboxes_total - m.mailboxes_moved - m.mailboxes_failed;
  if (m.completed) {
    out += R"(<div class="status ok">COMPLETED: every mailbox moved</div>)";
  } else {
    out += fmt::format(R"(<div class="status bad">NOT COMPLETED: {} of {} mailboxes moved, {} )"
                       R"(failed, {} not moved{}</div>)",
                       with_thousands(m.mailboxes_moved), with_thousands(m.mailboxes_total),
                       with_thousands(m.mailboxes_failed), with_thousands(not_moved),
                       rec.stopped_by == StopReason::done
                           ? ""
                           : escape(fmt::format(" — stopped by the {}: {}",
                                                to_string(rec.stopped_by), rec.stop_detail)));
  }
  out += "\n<table class=\"kv\">\n";
  const auto row = [&](std::string_view k, const std::string& v_escaped) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", k, v_escaped);
  };
  row("Scenario", escape(s.name));
  row("Seed", fmt::format("{}", s.seed));
  row("Start", escape(s.start.human()) + " (the scenario clock; every date below is on it)");
  if (m.duration_s) {
    row("Duration",
        fmt::format("<b>{}</b> (first start {}, last end <b>{}</b>)", duration(*m.duration_s),
                    at(s, *m.first_start_s), at(s, *m.last_end_s)));
  } else {
    row("Duration", "no move started before the horizon");
  }
  if (const auto lb = run_lower_bound(run)) {
    // The bound is on the whole migration; a run that stopped with work left measured less.
    row("Lower bound",
        (std::isfinite(*lb) ? duration(*lb) : "none: the windows can never hold the work") +
            (rec.stopped_by == StopReason::done
                 ? std::string()
                 : fmt::format(" — for the whole migration. This run was stopped by the {} with "
                               "{} mailbox(es) not moved, so its duration measures only the part "
                               "it simulated{}; the whole migration needs at least the bound",
                               to_string(rec.stopped_by), with_thousands(not_moved),
                               m.duration_s && std::isfinite(*lb) && *lb > *m.duration_s
                                   ? " and can be shorter than the bound"
                                   : "")));
  }
  row("Mailboxes",
      fmt::format("{} to move ({}): {} moved, {} failed, {} not moved; {} cancelled attempts",
                  with_thousands(m.mailboxes_total),
                  escape(units::format_bytes(Bytes{total_bytes})),
                  with_thousands(m.mailboxes_moved), with_thousands(m.mailboxes_failed),
                  with_thousands(not_moved), with_thousands(m.attempts_cancelled)));
  row("Bytes moved", escape(units::format_bytes(Bytes{m.bytes_moved})));
  row("User downtime",
      m.downtime_mean_s
          ? fmt::format("mean {}, p95 {}, max {} per user", duration(*m.downtime_mean_s),
                        duration(*m.downtime_p95_s), duration(*m.downtime_max_s))
          : "no move ran");
  const Bottleneck b = bottleneck_of(run, m);
  row("Bottleneck (estimate)", b.resource.empty()
                                   ? escape(b.reason)
                                   : "<b>" + escape(b.resource) + "</b>: " + escape(b.reason));
  // fmt rather than "+" + string: g++ 12 reports a false -Wrestrict on the latter.
  row("Simulated until",
      fmt::format("{} (stopped by: {}{})", at(s, rec.end_time.value), to_string(rec.stopped_by),
                  rec.stop_detail.empty() ? "" : ", " + escape(rec.stop_detail)));
  row("coexlab", escape(kVersion));
  out += "</table>\n</section>\n";
  return out;
}

// ---- Gantt ----

std::string gantt_section(const RunData& run, const std::vector<Interval>& windows, double t_end) {
  const Recording& rec = run.recording;
  const GanttFrame frame;
  const GanttGeometry g =
      gantt_geometry(rec, run.scenario.migration.max_threads, windows, t_end, frame);
  const double rows_bottom = frame.top + g.threads * g.row_height;
  std::string out = "<section>\n<h2>Moves by mover thread</h2>\n";
  out += "<div class=\"legend\">" + legend_item(state_colour(MoveState::moved), "moved") +
         legend_item(state_colour(MoveState::failed), "failed") +
         legend_item(state_colour(MoveState::cancelled), "cancelled") +
         legend_item(state_colour(MoveState::unfinished), "unfinished");
  if (!run.scenario.migration.windows.empty()) out += legend_item(kWindowFill, "move window open");
  out += "</div>\n";
  out +=
      svg::open(frame.width, rows_bottom + 22, "Gantt chart of the move attempts by mover thread");
  if (!run.scenario.migration.windows.empty()) {
    for (const auto& [x, w] : g.windows)
      out += svg::rect(x, frame.top, w, rows_bottom - frame.top, kWindowFill);
  }
  out += time_axis(run.scenario, g.x, frame.top, rows_bottom, 14);
  // Thread labels: every row when there is room, else every few rows.
  const int label_every = std::max(1, static_cast<int>(std::ceil(12.0 / g.row_height)));
  for (int t = 1; t <= g.threads; ++t) {
    const double y = frame.top + (t - 1) * g.row_height;
    if ((t - 1) % label_every == 0) {
      out += svg::text(frame.plot_left - 6, y + std::min(g.row_height, 12.0) * 0.85,
                       fmt::format("thread {}", t), R"(text-anchor="end")");
    }
  }
  size_t exact_bars = 0;
  for (const GanttBar& b : g.bars) exact_bars += b.attempt >= 0;
  const bool tooltips = exact_bars <= kMaxTooltips;
  std::string bars;
  for (const GanttBar& b : g.bars) {
    const double y = frame.top + (b.thread - 1) * g.row_height + g.row_height * 0.15;
    std::string title;
    if (tooltips && b.attempt >= 0) {
      const MoveAttempt& a = rec.attempts[size_t(b.attempt)];
      const std::string who = a.mailbox >= 0 && size_t(a.mailbox) < run.mailboxes.size()
                                  ? run.mailboxes[size_t(a.mailbox)].id
                                  : fmt::format("mailbox {}", a.mailbox);
      title = fmt::format("{} (attempt {}): {}, {} → {}", who, a.attempt, to_string(a.state),
                          at(run.scenario, a.start.value), at(run.scenario, a.end.value));
    }
    bars += svg::rect(b.x, y, b.width, g.row_height * 0.7, state_colour(b.state), "", title);
  }
  out += bars;
  out += svg::line(frame.plot_left, rows_bottom, frame.plot_right, rows_bottom, "#888");
  out += svg::close();
  out += fmt::format(
      "<p class=\"note\">{} attempts; time from the scenario start. Attempts narrower than a "
      "pixel are merged into runs of pixels (a pixel shows its most alarming state).{}</p>\n",
      rec.attempts.size(), tooltips ? " Hover a bar for its mailbox." : "");
  return out + "</section>\n";
}

// ---- Series charts ----

struct Marker {
  double t = 0;
  std::string label;
};

// A small chart of one utilisation series in [0, 1] over [0, t_end]: the bucket maxima as a
// light area, the bucket means as a line, the windows shaded, markers as red dashed lines.
std::string series_chart(const std::string& caption, const RunData& run,
                         const std::vector<double>& values, const std::vector<Interval>& windows,
                         double t_end, const std::vector<Marker>& markers) {
  constexpr double kW = 600, kH = 170, kLeft = 40, kRight = 590, kTop = 8, kBottom = 140;
  const svg::LinearScale x{0, std::max(t_end, 1.0), kLeft, kRight};
  const svg::LinearScale y{0, 1, kBottom, kTop};
  std::string out = "<figure><figcaption>" + escape(caption) + "</figcaption>\n";
  out += svg::open(kW, kH, caption);
  if (!run.scenario.migration.windows.empty()) {
    for (const Interval& w : windows) {
      const double a = std::max(0.0, w.from.value), b = std::min(x.d1, w.to.value);
      if (b > a) out += svg::rect(x(a), kTop, x(b) - x(a), kBottom - kTop, kWindowFill);
    }
  }
  for (double v : {0.0, 0.5, 1.0}) {
    out += svg::line(kLeft, y(v), kRight, y(v), kGridStroke, R"(stroke-width="0.6")");
    out += svg::text(kLeft - 4, y(v) + 4, percent(v), R"(text-anchor="end")");
  }
  out += time_axis(run.scenario, x, kTop, kBottom, 7);
  const std::vector<SeriesPoint> pts =
      downsample(run.recording.sample_times, values, kMaxPointsPerSeries);
  if (!pts.empty()) {
    std::vector<std::pair<double, double>> area{{x(pts.front().t), y(0)}}, mean;
    for (const SeriesPoint& p : pts) {
      area.emplace_back(x(p.t), y(std::clamp(p.max, 0.0, 1.0)));
      mean.emplace_back(x(p.t), y(std::clamp(p.mean, 0.0, 1.0)));
    }
    area.emplace_back(x(pts.back().t), y(0));
    out += svg::polygon(area, kMaxFill);
    out += svg::polyline(mean, kLineStroke, R"(stroke-width="1.2")");
  }
  for (const Marker& mk : markers) {
    out += svg::line(x(mk.t), kTop, x(mk.t), kBottom, "#c62828", R"(stroke-dasharray="3,2")");
  }
  out += svg::line(kLeft, kBottom, kRight, kBottom, "#888");
  out += svg::close();
  return out + "</figure>\n";
}

std::string utilisation_section(const RunData& run, const std::vector<Interval>& windows,
                                double t_end) {
  std::vector<std::pair<double, const ResourceSeries*>> busiest;
  const std::vector<bool> moving = intervals_with_moves(run);
  for (const ResourceSeries& r : run.recording.resources) {
    if (is_space(r.kind) || r.samples.empty()) continue;
    const ResourceStats st = resource_stats(run, r, moving);
    if (st.busy_during_moves && *st.busy_during_moves > 0)
      busiest.emplace_back(*st.busy_during_moves, &r);
  }
  std::stable_sort(busiest.begin(), busiest.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out = "<section>\n<h2>Utilisation of the busiest resources</h2>\n";
  if (busiest.empty())
    return out + "<p>No resource carried load while moves ran.</p>\n</section>\n";
  // Only the busy ones that matter: a flat line near 1 % tells the reader nothing. At least
  // the busiest is shown.
  size_t shown = 1;
  while (shown < busiest.size() && shown < kUtilisationCharts &&
         busiest[shown].first >= kChartMinBusyShare)
    ++shown;
  out += fmt::format(
      "<p class=\"note\">The {} rate resource(s) busiest while moves run{}. Line: mean per "
      "point; orange area: highest sample per point (at most {} points per chart).</p>\n",
      shown,
      shown < busiest.size()
          ? fmt::format(" ({} more were busy less than {} of that time, or are beyond the first "
                        "{}: see the resource table)",
                        busiest.size() - shown, percent(kChartMinBusyShare), kUtilisationCharts)
          : "",
      kMaxPointsPerSeries);
  out += "<div class=\"grid\">\n";
  for (size_t i = 0; i < shown; ++i) {
    const ResourceSeries& r = *busiest[i].second;
    out +=
        series_chart(fmt::format("{} — {} busy while moves run", r.id, percent(busiest[i].first)),
                     run, r.samples, windows, t_end, {});
  }
  return out + "</div>\n</section>\n";
}

std::string log_space_section(const RunData& run, const std::vector<Interval>& windows,
                              double t_end) {
  std::string charts;
  for (const ResourceSeries& r : run.recording.resources) {
    if (r.kind != ResourceKind::log_space || r.samples.empty()) continue;
    const auto [lo, hi] = std::minmax_element(r.samples.begin(), r.samples.end());
    if (*hi <= 0 || *hi <= *lo) continue;  // no growth: nothing to see
    const std::string server = r.id.substr(0, r.id.find('/'));
    std::vector<Marker> dismounts;
    for (const SimEvent& e : run.recording.events) {
      if (e.kind == EventKind::dismount && e.server == server)
        dismounts.push_back({e.time.value, describe(e)});
    }
    std::string caption = fmt::format("{} — peak {}", r.id, percent(*hi));
    if (r.capacity) caption += " of " + units::format_bytes(Bytes{*r.capacity});
    if (!dismounts.empty()) caption += fmt::format(", {} dismount(s) (red)", dismounts.size());
    charts += series_chart(caption, run, r.samples, windows, t_end, dismounts);
  }
  std::string out = "<section>\n<h2>Log space</h2>\n";
  if (charts.empty())
    return out + "<p>No server's log space grew during the run.</p>\n</section>\n";
  return out +
         "<p class=\"note\">Share of each log disk in use; the nightly backup truncates the logs. "
         "A "
         "full log disk dismounts the server's databases.</p>\n<div class=\"grid\">\n" +
         charts + "</div>\n</section>\n";
}

}  // namespace

std::string with_simulated_ranking(const std::string& report,
                                   const std::vector<std::map<std::string, std::string>>& rows) {
  const size_t begin = report.find(kRankingBegin);
  const size_t end = report.find(kRankingEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return "";
  return report.substr(0, begin + kRankingBegin.size()) + ranking_section(rows, true) +
         report.substr(end);
}

std::string bottlenecks_html(const std::string& scenario, const std::string& baseline,
                             const std::vector<std::map<std::string, std::string>>& rows,
                             const std::vector<std::string>& advice) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>coexlab bottlenecks — " + escape(scenario) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n";
  out += "<h1>coexlab bottlenecks — " + escape(scenario) + "</h1>\n";
  out += "<section>\n<p>" + escape(baseline) + "</p>\n</section>\n";
  out += ranking_section(rows, true);
  out += "<section>\n<h2>Advice</h2>\n<ul>\n";
  for (const std::string& a : advice) out += "<li><code>" + escape(a) + "</code></li>\n";
  if (advice.empty()) out += "<li>no single change gains 1 % or more</li>\n";
  out += "</ul>\n</section>\n</body>\n</html>\n";
  return out;
}

std::string report_html(const RunData& given, const ReportOptions& options) {
  const Scenario& s = given.scenario;
  const MigrationMetrics m = migration_metrics(given);
  // The bottleneck estimate once, for the summary's row and the ranking, unless the caller
  // computed it.
  std::optional<Bottleneck> own;
  if (!given.bottleneck) own = estimate_bottleneck(given, m);
  const RunData run{given.scenario, given.mailboxes, given.queue, given.recording,
                    given.bottleneck ? given.bottleneck : &*own};
  // The time axis of every chart: from the scenario start to the end of the simulation (or
  // of the last attempt, if later).
  const double t_end = std::max(run.recording.end_time.value, m.last_end_s.value_or(0));
  const std::vector<Interval> windows =
      expand_windows(s.migration.windows, s.start, s.simulation.horizon);
  const ScenarioText typed(s.file);  // capacities in the units the file used

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>coexlab report — " + escape(s.name) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n";
  out += "<h1>coexlab report — " + escape(s.name) + "</h1>\n";
  out += summary_section(run, m);
  out += scenario_section(run, options.warnings);
  out += progress_section(run, windows, t_end);
  out += windows_section(run, windows);
  out += gantt_section(run, windows, t_end);
  out += utilisation_section(run, windows, t_end);
  out += space_section(run, typed);
  out += log_space_section(run, windows, t_end);
  out += mail_section(run);
  // Between markers, so that `bottlenecks --out DIR` can put its simulated ranking in place
  // of the estimate in the baseline run's page (with_simulated_ranking).
  out += kRankingBegin;
  out += options.bottleneck_rows ? ranking_section(*options.bottleneck_rows, true)
                                 : estimated_ranking_section(run, m);
  out += kRankingEnd;
  out += resources_section(run, typed);
  out += events_section(run);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace coexlab
