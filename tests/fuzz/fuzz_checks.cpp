// Fuzz target: the `checks` expression parser (parse_check), then the same text as a check
// of the shipped contoso-weekend scenario (check_scenario_checks: resource ids, positions).
// Any text gives a parsed check or an error inside the expression, never a crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "checks.hpp"
#include "loader.hpp"

using namespace coexlab;

namespace {
const Scenario& contoso() {
  static const Scenario s = [] {
    LoadResult r = load_scenario_file(COEXLAB_SOURCE_DIR "/scenarios/contoso-weekend.yaml");
    if (!r.scenario || r.diagnostics.has_errors()) std::abort();
    return *r.scenario;
  }();
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_check(text);
  if (const auto* e = std::get_if<CheckError>(&parsed)) {
    if (e->offset < 0 || static_cast<std::size_t>(e->offset) > size || e->message.empty()) {
      std::fprintf(stderr, "error offset %d outside the expression (%zu bytes)\n", e->offset, size);
      std::abort();
    }
  }
  Scenario s = contoso();
  s.checks = {{std::string(text), {"fuzz.yaml", 3, 5}}};
  Diagnostics d;
  check_scenario_checks(s, d);
  return 0;
}
