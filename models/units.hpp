// Units of coexlab: every dimensioned value lives in one of these types, in SI base units
// (bytes, seconds, bytes per second, hertz, fractions). The parser is strict: a dimensioned
// scenario field must carry a unit of its dimension ("300 MB", "10 Mbps", "30 ms").
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace coexlab::units {

// A double tagged with its unit, so that a size cannot be passed where a time is expected.
template <class Tag>
struct Quantity {
  double value = 0.0;  // in the SI base unit named by Tag

  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : value(v) {}
  constexpr auto operator<=>(const Quantity&) const = default;

  constexpr Quantity operator+(Quantity o) const { return Quantity{value + o.value}; }
  constexpr Quantity operator-(Quantity o) const { return Quantity{value - o.value}; }
  constexpr Quantity& operator+=(Quantity o) { value += o.value; return *this; }
  constexpr Quantity& operator-=(Quantity o) { value -= o.value; return *this; }
  constexpr Quantity operator*(double k) const { return Quantity{value * k}; }
  constexpr Quantity operator/(double k) const { return Quantity{value / k}; }
  constexpr double operator/(Quantity o) const { return value / o.value; }  // a plain ratio
};

using Bytes = Quantity<struct BytesTag>;             // B
using Seconds = Quantity<struct SecondsTag>;         // s
using BytesPerSecond = Quantity<struct RateTag>;     // B/s (links and NICs: bits/s = × 8)
using Hertz = Quantity<struct HertzTag>;             // Hz (CPU clock)
using Fraction = Quantity<struct FractionTag>;       // 0..1 (a share written "40 %")

constexpr Seconds operator/(Bytes b, BytesPerSecond r) { return Seconds{b.value / r.value}; }
constexpr Bytes operator*(BytesPerSecond r, Seconds t) { return Bytes{r.value * t.value}; }
constexpr BytesPerSecond operator/(Bytes b, Seconds t) { return BytesPerSecond{b.value / t.value}; }

constexpr double bits_per_second(BytesPerSecond r) { return r.value * 8.0; }
constexpr BytesPerSecond from_bits_per_second(double bps) { return BytesPerSecond{bps / 8.0}; }

// What a scenario field measures; decides which unit suffixes are accepted.
enum class Dimension { size, rate, time, clock, share };

std::string_view dimension_name(Dimension d);
// The accepted units of a dimension and an example, for error messages.
std::string_view dimension_units(Dimension d);
std::string_view dimension_example(Dimension d);

struct ParsedQuantity {
  double base_value = 0.0;  // in the SI base unit of the dimension (B, B/s, s, Hz, fraction)
  std::string error;      // empty on success
  bool ok() const { return error.empty(); }
};

// Parses "NUMBER UNIT" (space optional) of the given dimension. A bare number, an unknown
// unit, a unit of another dimension, a non-finite or negative number are errors.
ParsedQuantity parse_quantity(std::string_view text, Dimension dim);

// Human formatting, for summaries and messages ("1.5 GB", "2 h 05 min", "10 Mbps").
std::string format_bytes(Bytes b);
std::string format_duration(Seconds s);
std::string format_bits_per_second(BytesPerSecond r);

}  // namespace coexlab::units
