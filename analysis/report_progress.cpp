// report.html's account of the schedule against the windows: mailboxes moved over time, a
// table per window, space against capacity, and the scenario's own notes.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "calendar.hpp"
#include "report_parts.hpp"
#include "table.hpp"

namespace coexlab::report_detail {

using svg::escape;

std::string progress_section(const RunData& run, const std::vector<Interval>& windows,
                             double t_end) {
  const Scenario& s = run.scenario;
  std::vector<double> ends;  // when each mailbox finished moving
  for (const MoveAttempt& a : run.recording.attempts) {
    if (a.state == MoveState::moved) ends.push_back(a.end.value);
  }
  std::sort(ends.begin(), ends.end());
  const auto total = static_cast<double>(std::max<size_t>(run.queue.size(), 1));
  constexpr double kW = 1200, kH = 230, kLeft = 70, kRight = 1190, kTop = 8, kBottom = 200;
  const svg::LinearScale x{0, std::max(t_end, 1.0), kLeft, kRight};
  const svg::LinearScale y{0, total, kBottom, kTop};
  std::string out = "<section>\n<h2>Mailboxes moved over time</h2>\n<div class=\"legend\">";
  out += legend_item(kLineStroke, "mailboxes moved (cumulative)");
  if (!s.migration.windows.empty()) out += legend_item(kWindowFill, "move window open");
  out += "</div>\n" + svg::open(kW, kH, "Mailboxes moved over time against the move windows");
  if (!s.migration.windows.empty()) {
    for (const Interval& w : windows) {
      const double a = std::max(0.0, w.from.value), b = std::min(x.d1, w.to.value);
      if (b > a) out += svg::rect(x(a), kTop, x(b) - x(a), kBottom - kTop, kWindowFill);
    }
  }
  for (double share : {0.0, 0.5, 1.0}) {
    out += svg::line(kLeft, y(total * share), kRight, y(total * share), kGridStroke,
                     R"(stroke-width="0.6")");
    out += svg::text(kLeft - 4, y(total * share) + 4, with_thousands(std::llround(total * share)),
                     R"(text-anchor="end")");
  }
  out += time_axis(s, x, kTop, kBottom, 14);
  // A point every 1.5 units at most (under 750 over the plot): 100,000 moves stay light.
  std::vector<std::pair<double, double>> pts{{x(0), y(0)}};
  double last_x = x(0);
  for (size_t i = 0; i < ends.size(); ++i) {
    const double px = x(ends[i]);
    if (px - last_x < 1.5 && i + 1 < ends.size()) continue;
    pts.emplace_back(px, y(double(i + 1)));
    last_x = px;
  }
  pts.emplace_back(x(t_end), pts.back().second);
  out += svg::polyline(pts, kLineStroke, R"(stroke-width="1.5")");
  out += svg::line(kLeft, kBottom, kRight, kBottom, "#888");
  out += svg::close();
  out += fmt::format("<p class=\"note\">{} of {} mailboxes moved{}.</p>\n",
                     with_thousands(std::int64_t(ends.size())), with_thousands(run.queue.size()),
                     ends.empty() ? "" : ", the last at " + escape(at(s, ends.back())));
  return out + "</section>\n";
}

std::string windows_section(const RunData& run, const std::vector<Interval>& windows) {
  const Scenario& s = run.scenario;
  // Without windows the run is one window, up to the horizon.
  std::vector<Interval> spans = windows;
  if (s.migration.windows.empty() || spans.empty())
    spans = {Interval{Seconds{0}, s.simulation.horizon}};
  struct Row {
    std::int64_t started = 0, moved = 0, failed = 0, cancelled = 0, unfinished = 0;
    double bytes = 0, last_end = -1;
  };
  std::vector<Row> rows(spans.size());
  for (const MoveAttempt& a : run.recording.attempts) {
    // The window the attempt started in (or the one before, for one started between).
    auto it = std::upper_bound(spans.begin(), spans.end(), a.start.value,
                               [](double t, const Interval& w) { return t < w.from.value; });
    if (it == spans.begin()) continue;
    Row& r = rows[size_t(it - spans.begin() - 1)];
    ++r.started;
    r.last_end = std::max(r.last_end, a.end.value);
    switch (a.state) {
      case MoveState::moved:
        ++r.moved;
        r.bytes += run.mailboxes[size_t(a.mailbox)].size.value;
        break;
      case MoveState::failed:
        ++r.failed;
        break;
      case MoveState::cancelled:
        ++r.cancelled;
        break;
      case MoveState::unfinished:
        ++r.unfinished;
        break;
    }
  }
  std::string out = fmt::format("<section>\n<h2>{}</h2>\n",
                                s.migration.windows.empty() ? "The run" : "Per move window");
  out +=
      "<table>\n<tr><th>window</th><th>opens</th><th>closes</th><th class=\"n\">moved</th>"
      "<th class=\"n\">bytes moved</th><th class=\"n\">failed / cancelled / unfinished</th>"
      "<th>last end</th><th class=\"n\">spare or overrun</th></tr>\n";
  size_t shown = 0, empty = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const Row& r = rows[i];
    if (r.started == 0) {
      ++empty;
      continue;
    }
    if (++shown > kMaxWindowRows) continue;
    const double spare = spans[i].to.value - r.last_end;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{} / {} / {}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
        i + 1, escape(at(s, spans[i].from.value)), escape(at(s, spans[i].to.value)),
        with_thousands(r.moved), escape(units::format_bytes(Bytes{r.bytes})),
        with_thousands(r.failed), with_thousands(r.cancelled), with_thousands(r.unfinished),
        escape(at(s, r.last_end)),
        spare >= 0 ? "spare " + duration(spare) : "<b>overrun " + duration(-spare) + "</b>");
  }
  out += "</table>\n";
  if (shown > kMaxWindowRows)
    out += fmt::format("<p class=\"note\">… and {} more windows with moves.</p>\n",
                       shown - kMaxWindowRows);
  out += fmt::format(
      "<p class=\"note\">A move belongs to the window it started in; spare: the time left "
      "between the window's last move ending and its close; overrun: how long moves ran past "
      "it{}.{}</p>\n",
      s.migration.on_window_end == WindowEndPolicy::cancel ? " (they are cancelled there)" : "",
      empty ? fmt::format(" {} window(s) without a move are left out.", empty) : "");
  return out + "</section>\n";
}

namespace {
// Used space in the unit of its capacity's text ("100 GiB" -> GiB), to three decimals at most.
std::string used_like(double bytes, const std::string& capacity) {
  const std::string like = format_like(bytes, capacity);
  if (like.empty()) return units::format_bytes(Bytes{bytes});
  const size_t unit_at = like.find(' ');
  return fmt::format("{:.2f}{}", std::stod(like.substr(0, unit_at)), like.substr(unit_at));
}
}  // namespace

std::string space_section(const RunData& run, const ScenarioText& text) {
  std::string rows;
  const std::vector<bool> moving = intervals_with_moves(run);
  for (const ResourceSeries& r : run.recording.resources) {
    if ((r.kind != ResourceKind::log_space && r.kind != ResourceKind::database_space) ||
        !r.capacity || r.samples.empty())
      continue;
    const ResourceStats st = resource_stats(run, r, moving);
    if (!st.peak) continue;
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        escape(r.id.substr(0, r.id.find('/'))),
        r.kind == ResourceKind::log_space ? "log space" : "database space",
        escape(used_like(*st.peak * *r.capacity, capacity_text(text, r))),
        escape(capacity_text(text, r)),
        *st.peak >= 0.9 ? "<b>" + percent(*st.peak) + "</b>" : percent(*st.peak));
  }
  std::string out = "<section>\n<h2>Database and log space</h2>\n";
  if (rows.empty())
    return out + "<p>No server's space has a capacity to compare.</p>\n</section>\n";
  return out +
         "<table>\n<tr><th>server</th><th>space</th><th class=\"n\">peak used</th>"
         "<th class=\"n\">capacity</th><th class=\"n\">peak share</th></tr>\n" +
         rows +
         "</table>\n<p class=\"note\">Peak of the sampled level. A full log disk dismounts the "
         "server's databases until a backup; a full database disk for the rest of the "
         "run.</p>\n</section>\n";
}

std::string scenario_section(const RunData& run, const std::vector<std::string>& warnings) {
  const Scenario& s = run.scenario;
  if (s.description.empty() && warnings.empty()) return "";
  std::string out = "<section>\n<h2>The scenario</h2>\n";
  if (!s.description.empty()) out += "<p class=\"description\">" + escape(s.description) + "</p>\n";
  if (!warnings.empty()) {
    out += fmt::format("<p>{} warning(s) from <code>coexlab validate</code>:</p>\n<ul>\n",
                       warnings.size());
    for (const std::string& w : warnings) out += "<li><code>" + escape(w) + "</code></li>\n";
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

}  // namespace coexlab::report_detail
