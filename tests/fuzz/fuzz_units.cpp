// Fuzz target: the quantity parser (units::parse_quantity) in every dimension, and the
// formatters on what it accepts. Any text must give a value or an error message, never a
// crash or UB; an accepted value is finite and not negative.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "units.hpp"

using namespace coexlab::units;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (Dimension d :
       {Dimension::size, Dimension::rate, Dimension::time, Dimension::clock, Dimension::share}) {
    const ParsedQuantity q = parse_quantity(text, d);
    if (!q.ok()) continue;
    if (!std::isfinite(q.base_value) || q.base_value < 0) {
      std::fprintf(stderr, "accepted a value that is not finite and >= 0: %g\n", q.base_value);
      std::abort();
    }
    (void)format_bytes(Bytes{q.base_value});
    (void)format_duration(Seconds{q.base_value});
    (void)format_bits_per_second(BytesPerSecond{q.base_value});
  }
  return 0;
}
