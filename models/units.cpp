#include "units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace coexlab::units {
namespace {

struct UnitDef {
  std::string_view symbol;
  Dimension dim;
  double factor;  // multiply by this to get the SI base unit of dim
};

constexpr double kKi = 1024.0;
// Rates in bits per second are stored as bytes per second (÷ 8).
constexpr std::array kUnits{
    UnitDef{"B", Dimension::size, 1.0},
    UnitDef{"KB", Dimension::size, 1e3},
    UnitDef{"MB", Dimension::size, 1e6},
    UnitDef{"GB", Dimension::size, 1e9},
    UnitDef{"TB", Dimension::size, 1e12},
    UnitDef{"KiB", Dimension::size, kKi},
    UnitDef{"MiB", Dimension::size, kKi* kKi},
    UnitDef{"GiB", Dimension::size, kKi* kKi* kKi},
    UnitDef{"TiB", Dimension::size, kKi* kKi* kKi* kKi},
    UnitDef{"bps", Dimension::rate, 1.0 / 8},
    UnitDef{"Kbps", Dimension::rate, 1e3 / 8},
    UnitDef{"Mbps", Dimension::rate, 1e6 / 8},
    UnitDef{"Gbps", Dimension::rate, 1e9 / 8},
    UnitDef{"B/s", Dimension::rate, 1.0},
    UnitDef{"KB/s", Dimension::rate, 1e3},
    UnitDef{"MB/s", Dimension::rate, 1e6},
    UnitDef{"GB/s", Dimension::rate, 1e9},
    UnitDef{"KiB/s", Dimension::rate, kKi},
    UnitDef{"MiB/s", Dimension::rate, kKi* kKi},
    UnitDef{"GiB/s", Dimension::rate, kKi* kKi* kKi},
    UnitDef{"us", Dimension::time, 1e-6},
    UnitDef{"ms", Dimension::time, 1e-3},
    UnitDef{"s", Dimension::time, 1.0},
    UnitDef{"min", Dimension::time, 60.0},
    UnitDef{"h", Dimension::time, 3600.0},
    UnitDef{"d", Dimension::time, 86400.0},
    UnitDef{"Hz", Dimension::clock, 1.0},
    UnitDef{"MHz", Dimension::clock, 1e6},
    UnitDef{"GHz", Dimension::clock, 1e9},
    UnitDef{"%", Dimension::share, 0.01},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The unit a mistyped one most likely means, among the units of `dim`: the same letters in
// another case ("gbps", "ghz"), or a spelled-out or common alias ("days", "sec", "MB/sec");
// empty when nothing is close.
std::string_view unit_suggestion(std::string_view unit, Dimension dim) {
  const auto lower = [](std::string_view t) {
    std::string out(t);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string wanted = lower(unit);
  for (const UnitDef& u : kUnits) {
    if (u.dim == dim && lower(u.symbol) == wanted) return u.symbol;
  }
  struct Alias {
    std::string_view text;  // lower case
    std::string_view symbol;
  };
  static constexpr Alias kAliases[] = {
      {"sec", "s"},       {"secs", "s"},     {"second", "s"},    {"seconds", "s"},
      {"msec", "ms"},     {"usec", "us"},    {"µs", "us"},       {"m", "min"},
      {"mins", "min"},    {"minute", "min"}, {"minutes", "min"}, {"hr", "h"},
      {"hrs", "h"},       {"hour", "h"},     {"hours", "h"},     {"day", "d"},
      {"days", "d"},      {"percent", "%"},  {"kbit/s", "Kbps"}, {"mbit/s", "Mbps"},
      {"gbit/s", "Gbps"}, {"b/sec", "B/s"},  {"kb/sec", "KB/s"}, {"mb/sec", "MB/s"},
      {"gb/sec", "GB/s"}, {"bytes", "B"},    {"byte", "B"},
  };
  for (const Alias& a : kAliases) {
    if (a.text != wanted) continue;
    for (const UnitDef& u : kUnits) {
      if (u.symbol == a.symbol && u.dim == dim) return u.symbol;
    }
  }
  return {};
}

}  // namespace

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::size:
      return "size";
    case Dimension::rate:
      return "rate";
    case Dimension::time:
      return "time";
    case Dimension::clock:
      return "clock rate";
    case Dimension::share:
      return "share";
  }
  return "?";
}

std::string_view dimension_units(Dimension d) {
  switch (d) {
    case Dimension::size:
      return "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB";
    case Dimension::rate:
      return "bps, Kbps, Mbps, Gbps, B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s";
    case Dimension::time:
      return "us, ms, s, min, h, d";
    case Dimension::clock:
      return "Hz, MHz, GHz";
    case Dimension::share:
      return "%";
  }
  return "?";
}

std::string_view dimension_example(Dimension d) {
  switch (d) {
    case Dimension::size:
      return "300 MB";
    case Dimension::rate:
      return "10 Mbps";
    case Dimension::time:
      return "30 ms";
    case Dimension::clock:
      return "2.66 GHz";
    case Dimension::share:
      return "40 %";
  }
  return "?";
}

ParsedQuantity parse_quantity(std::string_view text, Dimension dim) {
  const auto expected = [dim] {
    return fmt::format("expected a {} with a unit ({}), e.g. '{}'", dimension_name(dim),
                       dimension_units(dim), dimension_example(dim));
  };
  std::string_view s = trim(text);
  if (s.empty()) return {0.0, fmt::format("empty value: {}", expected())};

  // The number: digits, optional fraction and exponent (std::from_chars, locale-free).
  double number = 0.0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, number, std::chars_format::general);
  if (ec != std::errc{} || ptr == first) {
    return {0.0, fmt::format("'{}' does not start with a number: {}", s, expected())};
  }
  std::string_view unit = trim(std::string_view(ptr, static_cast<size_t>(last - ptr)));
  if (unit.empty()) return {0.0, fmt::format("'{}' has no unit: {}", s, expected())};
  if (!std::isfinite(number)) return {0.0, fmt::format("'{}' is not a finite number", s)};
  if (number < 0) return {0.0, fmt::format("'{}' is negative: {}", s, expected())};

  for (const UnitDef& u : kUnits) {
    if (u.symbol != unit) continue;
    if (u.dim != dim) {
      return {0.0, fmt::format("'{}' is a {}, not a {}: {}", s, dimension_name(u.dim),
                               dimension_name(dim), expected())};
    }
    const double si = number * u.factor;
    if (!std::isfinite(si)) return {0.0, fmt::format("'{}' is out of range", s)};
    return {si, {}};
  }
  if (const std::string_view hint = unit_suggestion(unit, dim); !hint.empty()) {
    const std::string_view digits = trim(std::string_view(s.data(), size_t(ptr - s.data())));
    return {0.0, fmt::format("unknown unit '{}' in '{}' (did you mean '{} {}'?): {}", unit, s,
                             digits, hint, expected())};
  }
  return {0.0, fmt::format("unknown unit '{}' in '{}': {}", unit, s, expected())};
}

std::string format_bytes(Bytes b) {
  const double v = b.value;
  if (v >= 1e12) return fmt::format("{:.2f} TB", v / 1e12);
  if (v >= 1e9) return fmt::format("{:.2f} GB", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.1f} MB", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f} KB", v / 1e3);
  return fmt::format("{:.0f} B", v);
}

std::string format_duration(Seconds s) {
  double t = s.value;
  if (t < 60) return fmt::format("{:.1f} s", t);
  const auto total_min = static_cast<long long>(std::llround(t / 60.0));
  const long long days = total_min / (24LL * 60);
  const long long hours = (total_min / 60) % 24;
  const long long mins = total_min % 60;
  if (days > 0) return fmt::format("{} d {:02} h {:02} min", days, hours, mins);
  if (hours > 0) return fmt::format("{} h {:02} min", hours, mins);
  return fmt::format("{} min", mins);
}

std::string format_bits_per_second(BytesPerSecond r) {
  const double bps = bits_per_second(r);
  if (bps >= 1e9) return fmt::format("{:g} Gbps", bps / 1e9);
  if (bps >= 1e6) return fmt::format("{:g} Mbps", bps / 1e6);
  if (bps >= 1e3) return fmt::format("{:g} Kbps", bps / 1e3);
  return fmt::format("{:g} bps", bps);
}

}  // namespace coexlab::units
