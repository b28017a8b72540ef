// A minimal SVG toolkit for report.html: linear scales, time-axis ticks and element builders
// that return markup as strings. Kept apart from the report so that chart geometry (where a
// bar starts, how wide it is) can be unit-tested without parsing HTML.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coexlab::svg {

// Escapes text for HTML and XML, in element content and in quoted attribute values alike
// (& < > " ', the quote as &#39;, which HTML 4 knows and &apos; is not), and a control
// character XML 1.0 forbids as a space. The one escaper: report.html, its SVG charts and the
// JUnit XML of `coexlab test`. Every string that comes from a scenario goes through this.
std::string escape(std::string_view text);

// A number for an SVG attribute: at most two decimals, trailing zeros dropped ("12.5", "3"),
// so that output is deterministic and compact.
std::string num(double v);

// Maps the domain [d0, d1] linearly onto the range [r0, r1] (r1 < r0 for a y axis pointing
// up). A degenerate domain maps everything to r0.
struct LinearScale {
  double d0 = 0, d1 = 1;
  double r0 = 0, r1 = 1;
  double operator()(double v) const;
};

// A tick on a time axis: seconds from the scenario start and its label ("+2 d", "+6 h").
struct Tick {
  double t = 0;
  std::string label;
};

// Ticks over [t0, t1] at a round step (1 h, 2 h, 3 h, 6 h, 12 h, 1 d, 2 d, 7 d, 14 d, 28 d, ...)
// chosen so that there are at most `max_ticks` of them.
std::vector<Tick> time_ticks(double t0, double t1, int max_ticks);

// "+0", "+45 min", "+6 h", "+1 d", "+1 d 6 h": an offset from the start, days and hours.
std::string offset_label(double seconds);

// Element builders. `extra` is appended verbatim inside the tag (already-escaped
// attributes); `title` (escaped here) becomes a hover tooltip when not empty.
std::string rect(double x, double y, double w, double h, std::string_view fill,
                 std::string_view extra = "", std::string_view title = "");
std::string line(double x1, double y1, double x2, double y2, std::string_view stroke,
                 std::string_view extra = "");
// `content` is escaped here.
std::string text(double x, double y, std::string_view content, std::string_view extra = "");
std::string polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke,
                     std::string_view extra = "");
std::string polygon(const std::vector<std::pair<double, double>>& points, std::string_view fill,
                    std::string_view extra = "");

// An <svg> element of the given user-space size that scales to its container's width
// (viewBox + width 100 %), so a chart fits a printed page. `label` is escaped here.
std::string open(double width, double height, std::string_view label);
inline std::string close() {
  return "</svg>\n";
}

}  // namespace coexlab::svg
