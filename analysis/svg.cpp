#include "svg.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace coexlab::svg {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // XML 1.0 forbids the other control characters (a JUnit reader would refuse the file).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

double LinearScale::operator()(double v) const {
  if (d1 == d0) return r0;
  return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

std::string offset_label(double seconds) {
  if (seconds <= 0) return "+0";
  const auto total_min = static_cast<long long>(std::llround(seconds / 60));
  const long long days = total_min / 1440, hours = (total_min % 1440) / 60, mins = total_min % 60;
  if (days == 0 && hours == 0) return fmt::format("+{} min", mins);
  if (days == 0)
    return mins ? fmt::format("+{} h {:02} min", hours, mins) : fmt::format("+{} h", hours);
  return hours ? fmt::format("+{} d {} h", days, hours) : fmt::format("+{} d", days);
}

std::vector<Tick> time_ticks(double t0, double t1, int max_ticks) {
  constexpr double h = 3600, d = 86400;
  static constexpr std::array kSteps{60.0,  300.0,  900.0, 1800.0, h,     2 * h,  3 * h,
                                     6 * h, 12 * h, d,     2 * d,  7 * d, 14 * d, 28 * d};
  const double span = std::max(t1 - t0, 1.0);
  double step = kSteps.back();
  for (double s : kSteps) {
    if (span / s <= max_ticks) {
      step = s;
      break;
    }
  }
  // Beyond 28-day steps (horizons are at most a few years): multiples of 28 days.
  while (span / step > max_ticks) step += 28 * d;
  std::vector<Tick> out;
  for (double t = std::ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
    out.push_back({t, offset_label(t)});
  }
  return out;
}

namespace {
// Strings are built with fmt or +=, never `"literal" + std::string`: g++ 12 reports a false
// -Wrestrict on the latter at -O2.
std::string title_element(std::string_view title) {
  return title.empty() ? "" : fmt::format("<title>{}</title>", escape(title));
}
std::string points_attr(const std::vector<std::pair<double, double>>& points) {
  std::string out;
  for (const auto& [x, y] : points) {
    if (!out.empty()) out += ' ';
    out += num(x);
    out += ',';
    out += num(y);
  }
  return out;
}
std::string with_space(std::string_view extra) {
  return extra.empty() ? "" : fmt::format(" {}", extra);
}
}  // namespace

std::string rect(double x, double y, double w, double h, std::string_view fill,
                 std::string_view extra, std::string_view title) {
  std::string head = fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{})",
                                 num(x), num(y), num(w), num(h), fill, with_space(extra));
  if (title.empty()) return head + "/>";
  head += '>';
  head += title_element(title);
  return head + "</rect>";
}

std::string line(double x1, double y1, double x2, double y2, std::string_view stroke,
                 std::string_view extra) {
  return fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"{}/>)", num(x1), num(y1),
                     num(x2), num(y2), stroke, with_space(extra));
}

std::string text(double x, double y, std::string_view content, std::string_view extra) {
  return fmt::format(R"(<text x="{}" y="{}"{}>{}</text>)", num(x), num(y), with_space(extra),
                     escape(content));
}

std::string polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke,
                     std::string_view extra) {
  return fmt::format(R"(<polyline fill="none" stroke="{}" points="{}"{}/>)", stroke,
                     points_attr(points), with_space(extra));
}

std::string polygon(const std::vector<std::pair<double, double>>& points, std::string_view fill,
                    std::string_view extra) {
  return fmt::format(R"(<polygon fill="{}" points="{}"{}/>)", fill, points_attr(points),
                     with_space(extra));
}

std::string open(double width, double height, std::string_view label) {
  // Inline SVG in HTML needs no xmlns; leaving it out keeps the page free of any URL.
  return fmt::format(R"(<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">)",
                     num(width), num(height), escape(label));
}

}  // namespace coexlab::svg
