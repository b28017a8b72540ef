// The tables of report.html and the helpers its pages share (analysis/report_parts.hpp).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "bottleneck.hpp"
#include "calendar.hpp"
#include "report_parts.hpp"
#include "table.hpp"

namespace coexlab::report_detail {

using svg::escape;

std::string duration(double s) {
  return units::format_duration(Seconds{s});
}
std::string percent(double fraction) {
  return fmt::format("{:.0f} %", fraction * 100);
}
std::string opt_duration(const std::optional<double>& s) {
  return s ? duration(*s) : "—";
}
std::string at(const Scenario& s, double t) {
  return civil_at(s.start, t).human();
}

// A capacity in the unit of its resource (SPEC §4), in the units a planner reads.
std::string capacity_text(const ScenarioText& text, const ResourceSeries& r) {
  if (!r.capacity) return "—";
  const double c = *r.capacity;
  if (r.unit == "B") {
    // In the unit family the scenario typed it in ("100 GiB" stays binary).
    const std::string server = r.id.substr(0, r.id.find('/'));
    const std::string disk = r.kind == ResourceKind::log_space ? "log_disk" : "database_disk";
    const std::string typed = text.at("servers." + server + ".hardware." + disk + ".capacity");
    if (std::string like = format_like(c, typed); !like.empty()) return like;
    return units::format_bytes(Bytes{c});
  }
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
std::string time_axis(const Scenario& s, const svg::LinearScale& x, double y_top, double y_bottom,
                      int max_ticks) {
  // Ticks at round instants of the calendar: the steps of time_ticks counted from the midnight
  // before the start (the steps beyond a day count whole days from it).
  const double since_midnight = s.start.hour * 3600.0 + s.start.minute * 60.0 + s.start.second;
  std::string out;
  for (const svg::Tick& t :
       svg::time_ticks(x.d0 + since_midnight, x.d1 + since_midnight, max_ticks)) {
    const double at_t = t.t - since_midnight;
    if (at_t < x.d0 - 1e-9) continue;
    out += svg::line(x(at_t), y_top, x(at_t), y_bottom, kGridStroke, R"(stroke-width="0.6")");
    out += svg::text(x(at_t), y_bottom + 13, axis_label(civil_at(s.start, at_t)),
                     R"(text-anchor="middle")");
  }
  return out;
}

// ---- Tables ----

std::string resources_section(const RunData& run, const ScenarioText& text) {
  struct Row {
    const ResourceSeries* r;
    ResourceStats st;
  };
  std::vector<Row> rows;
  const std::vector<bool> moving = intervals_with_moves(run);
  for (const ResourceSeries& r : run.recording.resources) {
    if (!r.samples.empty()) rows.push_back({&r, resource_stats(run, r, moving)});
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
    const std::string cap = capacity_text(text, r);
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        escape(r.id), escape(std::string(to_string(r.kind))), escape(cap),
        pct(rows[i].st.busy_during_moves), pct(rows[i].st.mean), pct(rows[i].st.peak));
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
                       escape(at(run.scenario, events[i].time.value)),
                       escape(to_string(events[i].kind)), escape(describe(events[i])));
  }
  out += "</table>\n";
  if (events.size() > kMaxEvents) {
    out += fmt::format("<p class=\"note\">… and {} more events (all {} in summary.json).</p>\n",
                       events.size() - kMaxEvents, events.size());
  }
  return out + "</section>\n";
}

namespace {

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

}  // namespace

std::string ranking_section(std::vector<std::map<std::string, std::string>> rows, bool simulated) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return number(a, "gain_s").value_or(-1e300) > number(b, "gain_s").value_or(-1e300);
  });
  double top = 0;
  for (const auto& r : rows) top = std::max(top, number(r, "gain_fraction").value_or(0));
  std::string out = simulated ? "<section>\n<h2>Bottleneck ranking (simulated)</h2>\n"
                              : "<section>\n<h2>Bottleneck ranking (estimated)</h2>\n";
  out += simulated ? "<p class=\"note\">Simulated by <code>coexlab bottlenecks</code>: each factor "
                     "improved alone in its own run, ranked by how much sooner the migration "
                     "ends.</p>\n"
                   : "<p class=\"note\">Estimated from this run (a queueing model of the moves, "
                     "calibrated on it: docs/model.md, \"Bottleneck\"), not simulated: "
                     "<code>coexlab bottlenecks FILE --out DIR</code> simulates each change and "
                     "writes DIR/report.html with that ranking.</p>\n";
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
  if (!m.duration_s) return "";
  const std::vector<FactorEstimate> ranked = bottleneck_of(run, m).ranked;
  if (ranked.empty()) return "";
  std::vector<std::map<std::string, std::string>> rows;
  for (const FactorEstimate& f : ranked) {
    if (rows.size() == 8) break;
    rows.push_back({{"factor", f.factor},
                    {"change", f.change},
                    {"duration_s", fmt::format("{}", f.duration_s)},
                    {"gain_s", fmt::format("{}", f.gain_s)},
                    {"gain_fraction", fmt::format("{}", f.gain_s / *m.duration_s)},
                    {"status", "estimate"}});
  }
  return ranking_section(rows, false);
}

}  // namespace coexlab::report_detail
