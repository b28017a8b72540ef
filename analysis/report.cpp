#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "bottleneck.hpp"
#include "coexlab/version.hpp"
#include "lower_bound.hpp"

namespace coexlab {

using svg::escape;

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

constexpr std::string_view kWindowFill = "#dcebf9";
constexpr std::string_view kGridStroke = "#d0d0d0";
constexpr std::string_view kLineStroke = "#1565c0";
constexpr std::string_view kMaxFill = "#bbdefb";

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
constexpr size_t kUtilisationCharts = 6;      // busiest rate resources shown
constexpr size_t kMaxEvents = 200;            // rows of the events table
constexpr size_t kMaxResourceRows = 40;       // rows of the resource table
// Hover tooltips on exact Gantt bars cost ~100 bytes each: only for runs small enough that
// the page stays light.
constexpr size_t kMaxTooltips = 2000;

std::string duration(double s) {
  return units::format_duration(Seconds{s});
}
std::string percent(double fraction) {
  return fmt::format("{:.0f} %", fraction * 100);
}
std::string opt_duration(const std::optional<double>& s) {
  return s ? duration(*s) : "—";
}
// An instant as an offset from the scenario start, to the minute: "+1 d 01 h 05 min".
std::string at(double s) {
  return fmt::format("+{}", duration(s));
}

// A capacity in the unit of its resource (SPEC §4), in the units a planner reads.
std::string capacity_text(const ResourceSeries& r) {
  if (!r.capacity) return "—";
  const double c = *r.capacity;
  if (r.unit == "B") return units::format_bytes(Bytes{c});
  if (r.unit == "B/s") return fmt::format("{}/s", units::format_bytes(Bytes{c}));
  if (r.unit == "bit/s") return units::format_bits_per_second(BytesPerSecond{c / 8});
  if (r.unit == "Hz") return fmt::format("{:.3g} GHz", c / 1e9);
  return fmt::format("{:.4g} {}", c, r.unit);
}

const char* const kStyle = R"(
:root { color-scheme: light; }
body { font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: #1a1a1a;
       background: #fff; max-width: 1240px; margin: 20px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; border-bottom: 1px solid #bbb; padding-bottom: 2px; margin: 1.6em 0 0.5em; }
.status { display: inline-block; border: 3px solid; padding: 6px 14px; font-weight: bold;
          font-size: 1.3em; margin: 8px 0; }
.status.ok { border-color: #2e7d32; color: #1b5e20; background: #edf7ee; }
.status.bad { border-color: #c62828; color: #b71c1c; background: #fdecea; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { text-align: left; padding: 3px 14px 3px 0; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { font-weight: 600; color: #444; min-width: 11em; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px 28px; }
figure { margin: 0; }
figcaption { font-size: 0.92em; font-weight: 600; margin-bottom: 2px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #333; }
.legend { font-size: 0.9em; margin: 4px 0; }
.sw { display: inline-block; width: 0; height: 11px; border-left: 12px solid; margin: 0 4px 0 12px;
      vertical-align: -1px; }
.sw:first-child { margin-left: 0; }
.note { color: #555; font-size: 0.9em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  figure, table.kv, .status { break-inside: avoid; }
}
@page { margin: 12mm; }
)";

std::string legend_item(std::string_view colour, std::string_view label) {
  // A coloured left border, not a background: browsers print borders by default.
  return fmt::format(R"(<span class="sw" style="border-left-color:{}"></span>{})", colour, label);
}

// Vertical grid lines and labels of a time axis between y_top and y_bottom.
std::string time_axis(const svg::LinearScale& x, double y_top, double y_bottom, int max_ticks) {
  std::string out;
  for (const svg::Tick& t : svg::time_ticks(x.d0, x.d1, max_ticks)) {
    out += svg::line(x(t.t), y_top, x(t.t), y_bottom, kGridStroke, R"(stroke-width="0.6")");
    out += svg::text(x(t.t), y_bottom + 13, t.label, R"(text-anchor="middle")");
  }
  return out;
}

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
                       m.mailboxes_moved, m.mailboxes_total, m.mailboxes_failed, not_moved,
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
  row("Start", escape(s.start.iso()) + " (scenario clock; times below are offsets from it)");
  if (m.duration) {
    row("Duration",
        fmt::format("<b>{}</b> (first start at +{}, last end at +{})", duration(*m.duration),
                    duration(*m.first_start), duration(*m.last_end)));
  } else {
    row("Duration", "no move started before the horizon");
  }
  if (const auto lb = run_lower_bound(run)) {
    // The bound is on the whole migration; a run that stopped with work left measured less.
    row("Lower bound",
        (std::isfinite(*lb) ? duration(*lb) : "none: the windows can never hold the work") +
            (rec.stopped_by == StopReason::done
                 ? std::string()
                 : std::string(" — for the whole migration; this run stopped with work left, so "
                               "its duration is only a lower bound too and the two are not "
                               "comparable")));
  }
  row("Mailboxes",
      fmt::format("{} to move ({}): {} moved, {} failed, {} not moved; {} cancelled attempts",
                  m.mailboxes_total, escape(units::format_bytes(Bytes{total_bytes})),
                  m.mailboxes_moved, m.mailboxes_failed,
                  m.mailboxes_total - m.mailboxes_moved - m.mailboxes_failed,
                  m.attempts_cancelled));
  row("Bytes moved", escape(units::format_bytes(Bytes{m.bytes_moved})));
  row("User downtime",
      m.downtime_mean ? fmt::format("mean {}, p95 {}, max {} per user", duration(*m.downtime_mean),
                                    duration(*m.downtime_p95), duration(*m.downtime_max))
                      : "no move ran");
  const Bottleneck b = estimate_bottleneck(run, m);
  row("Bottleneck (estimate)", b.resource.empty()
                                   ? escape(b.reason)
                                   : "<b>" + escape(b.resource) + "</b>: " + escape(b.reason));
  // fmt rather than "+" + string: g++ 12 reports a false -Wrestrict on the latter.
  row("Simulated until",
      fmt::format("+{} (stopped by: {}{})", duration(rec.end_time.value), to_string(rec.stopped_by),
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
  out += time_axis(g.x, frame.top, rows_bottom, 14);
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
                          at(a.start.value), at(a.end.value));
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
  out += time_axis(x, kTop, kBottom, 7);
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
  for (const ResourceSeries& r : run.recording.resources) {
    if (is_space(r.kind) || r.samples.empty()) continue;
    const ResourceStats st = resource_stats(run, r);
    if (st.busy_during_moves && *st.busy_during_moves > 0)
      busiest.emplace_back(*st.busy_during_moves, &r);
  }
  std::stable_sort(busiest.begin(), busiest.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out = "<section>\n<h2>Utilisation of the busiest resources</h2>\n";
  if (busiest.empty())
    return out + "<p>No resource carried load while moves ran.</p>\n</section>\n";
  out += fmt::format(
      "<p class=\"note\">The {} rate resources with the highest busy share while moves run. Line: "
      "mean per point; light area: highest sample per point (at most {} points per chart).</p>\n",
      std::min(busiest.size(), kUtilisationCharts), kMaxPointsPerSeries);
  out += "<div class=\"grid\">\n";
  for (size_t i = 0; i < busiest.size() && i < kUtilisationCharts; ++i) {
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
      if (e.kind == "dismount" && e.what.rfind(server + ":", 0) == 0)
        dismounts.push_back({e.time.value, e.what});
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

// ---- Tables ----

std::string resources_section(const RunData& run) {
  struct Row {
    const ResourceSeries* r;
    ResourceStats st;
  };
  std::vector<Row> rows;
  for (const ResourceSeries& r : run.recording.resources) {
    if (!r.samples.empty()) rows.push_back({&r, resource_stats(run, r)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.st.busy_during_moves.value_or(-1) > b.st.busy_during_moves.value_or(-1);
  });
  std::string out = "<section>\n<h2>Resources</h2>\n";
  out +=
      "<table>\n<tr><th>resource</th><th>kind</th><th class=\"n\">capacity</th><th "
      "class=\"n\">while moves "
      "run</th><th class=\"n\">mean</th><th class=\"n\">peak</th></tr>\n";
  const auto pct = [](const std::optional<double>& v) {
    return v ? percent(*v) : std::string("—");
  };
  for (size_t i = 0; i < rows.size() && i < kMaxResourceRows; ++i) {
    const ResourceSeries& r = *rows[i].r;
    const std::string cap = capacity_text(r);
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        escape(r.id), escape(std::string(to_string(r.kind))), escape(cap), pct(rows[i].st.busy_during_moves),
        pct(rows[i].st.mean), pct(rows[i].st.peak));
  }
  out +=
      "</table>\n<p class=\"note\">Rates (cpu, disks, nic, lan, link): share of the capacity busy; "
      "log_space and database_space: share of the capacity in use.</p>\n";
  if (rows.size() > kMaxResourceRows) {
    out += fmt::format("<p class=\"note\">… and {} more resources (all in summary.json).</p>\n",
                       rows.size() - kMaxResourceRows);
  }
  return out + "</section>\n";
}

std::string mail_section(const RunData& run) {
  const MailRecording& mail = run.recording.mail;
  std::string out = "<section>\n<h2>Mail latency</h2>\n";
  // mail_flow is null in summary.json without users: say so, never a made-up latency.
  if (!mail.simulated) {
    return out +
           "<p>No mail flow simulated: this run has no users' mail (<code>mail_flow</code> is "
           "null in summary.json), so there is no latency to show.</p>\n</section>\n";
  }
  const MailLatencies lat = mail_latencies(mail);
  out += fmt::format("<p>{} messages delivered, simulated {}; submission to delivery.</p>\n",
                     std::llround(lat.all.total),
                     mail.mode == "per_message" ? "message by message" : "as aggregated flows");
  out +=
      "<table>\n<tr><th>path</th><th class=\"n\">messages</th><th class=\"n\">mean</th><th "
      "class=\"n\">p50</th><th class=\"n\">p95</th><th class=\"n\">max</th></tr>\n";
  const auto row = [&](const std::string& name, const WeightedLatency& l) {
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        escape(name), std::llround(l.total), format_latency(l.mean), format_latency(l.p50),
        format_latency(l.p95), format_latency(l.max));
  };
  for (const auto& [name, l] : lat.by_path) row(name, l);
  row("all", lat.all);
  out += "</table>\n";
  if (!mail.hubs.empty()) {
    out +=
        "<table>\n<tr><th>Hub Transport</th><th class=\"n\">messages</th><th "
        "class=\"n\">mean wait</th><th class=\"n\">mean time in hub</th><th "
        "class=\"n\">mean queue</th><th class=\"n\">peak queue</th></tr>\n";
    for (const HubQueueStats& h : mail.hubs) {
      out += fmt::format(
          "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
          "class=\"n\">{}</td><td class=\"n\">{:.2f}</td><td class=\"n\">{:.2f}</td></tr>\n",
          escape(h.server), std::llround(h.messages), format_latency(h.mean_wait_s),
          format_latency(h.mean_sojourn_s), h.mean_in_hub, h.peak_in_hub);
    }
    out += "</table>\n";
  }
  if (mail.mode == "aggregate") {
    out +=
        "<p class=\"note\">Aggregated: percentiles range over the means of each interval and "
        "path class, not over single messages.</p>\n";
  }
  return out + "</section>\n";
}

std::string events_section(const RunData& run) {
  const auto& events = run.recording.events;
  std::string out = "<section>\n<h2>Events</h2>\n";
  if (events.empty()) return out + "<p>No dismount, remount or failure.</p>\n</section>\n";
  out += "<table>\n<tr><th class=\"n\">time</th><th>event</th><th>what</th></tr>\n";
  for (size_t i = 0; i < events.size() && i < kMaxEvents; ++i) {
    out += fmt::format("<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>\n",
                       escape(at(events[i].time.value)), escape(events[i].kind),
                       escape(events[i].what));
  }
  out += "</table>\n";
  if (events.size() > kMaxEvents) {
    out += fmt::format("<p class=\"note\">… and {} more events (all {} in summary.json).</p>\n",
                       events.size() - kMaxEvents, events.size());
  }
  return out + "</section>\n";
}

std::optional<double> number(const std::map<std::string, std::string>& row,
                             const std::string& key) {
  const auto it = row.find(key);
  if (it == row.end() || it->second.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used != it->second.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string field(const std::map<std::string, std::string>& row, const std::string& key) {
  const auto it = row.find(key);
  return it == row.end() ? "" : it->second;
}

std::string ranking_section(std::vector<std::map<std::string, std::string>> rows, bool simulated) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return number(a, "gain_s").value_or(-1e300) > number(b, "gain_s").value_or(-1e300);
  });
  double top = 0;
  for (const auto& r : rows) top = std::max(top, number(r, "gain_fraction").value_or(0));
  std::string out = "<section>\n<h2>Bottleneck ranking</h2>\n";
  out += simulated
             ? "<p class=\"note\">From <code>coexlab bottlenecks</code>: each factor improved "
               "alone, ranked by how much sooner the migration ends.</p>\n"
             : "<p class=\"note\">Estimated from this run (a queueing model of the moves, "
               "calibrated on it: docs/model.md, \"Bottleneck\"); <code>coexlab bottlenecks</code> "
               "simulates each change.</p>\n";
  out +=
      "<table>\n<tr><th>factor</th><th>change</th><th class=\"n\">duration</th><th "
      "class=\"n\">gain</th>"
      "<th class=\"n\">gain %</th><th></th><th class=\"n\">busy share</th><th>status</th></tr>\n";
  for (const auto& r : rows) {
    const auto d = number(r, "duration_s"), gain = number(r, "gain_s"),
               frac = number(r, "gain_fraction"), busy = number(r, "busy_share");
    std::string bar;
    if (frac && *frac > 0 && top > 0) {
      bar = svg::open(120, 10, "gain") + svg::rect(0, 0, 120 * *frac / top, 10, kLineStroke) +
            svg::close();
    }
    const std::string status = field(r, "status");
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td>"
        "<td style=\"width:120px\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
        escape(field(r, "factor")), escape(field(r, "change")), opt_duration(d),
        gain ? (*gain < 0 ? fmt::format("−{}", duration(-*gain)) : duration(*gain)) : "—",
        frac ? fmt::format("{:.1f} %", *frac * 100) : "—", bar, busy ? percent(*busy) : "—",
        escape(status == "ok" ? status : status + " " + field(r, "error")));
  }
  return out + "</table>\n</section>\n";
}

// Without `coexlab bottlenecks`' simulated ranking: the in-run estimate's
// (analysis/bottleneck.hpp).
std::string estimated_ranking_section(const RunData& run, const MigrationMetrics& m) {
  const std::vector<FactorEstimate> ranked = estimate_factors(run, m);
  if (ranked.empty() || !m.duration) return "";
  std::vector<std::map<std::string, std::string>> rows;
  for (const FactorEstimate& f : ranked) {
    if (rows.size() == 8) break;
    rows.push_back({{"factor", f.factor},
                    {"change", f.change},
                    {"duration_s", fmt::format("{}", f.duration_s)},
                    {"gain_s", fmt::format("{}", f.gain_s)},
                    {"gain_fraction", fmt::format("{}", f.gain_s / *m.duration)},
                    {"status", "estimate"}});
  }
  return ranking_section(rows, false);
}

}  // namespace

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

std::string report_html(const RunData& run, const ReportOptions& options) {
  const Scenario& s = run.scenario;
  const MigrationMetrics m = migration_metrics(run);
  // The time axis of every chart: from the scenario start to the end of the simulation (or
  // of the last attempt, if later).
  const double t_end = std::max(run.recording.end_time.value, m.last_end.value_or(0));
  const std::vector<Interval> windows =
      expand_windows(s.migration.windows, s.start, s.simulation.horizon);

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>coexlab report — " + escape(s.name) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n";
  out += "<h1>coexlab report — " + escape(s.name) + "</h1>\n";
  out += summary_section(run, m);
  out += gantt_section(run, windows, t_end);
  out += utilisation_section(run, windows, t_end);
  out += log_space_section(run, windows, t_end);
  out += mail_section(run);
  out += options.bottleneck_rows ? ranking_section(*options.bottleneck_rows, true)
                                 : estimated_ranking_section(run, m);
  out += resources_section(run);
  out += events_section(run);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace coexlab
