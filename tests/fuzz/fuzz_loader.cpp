// Fuzz target: bytes -> YAML -> validated Scenario (load_scenario_text + check_rules), what
// `coexlab validate` does to a file. Hostile input may only ever produce diagnostics: a crash,
// an abort, a hang, an absurd allocation or an exception escaping the loader is a finding.
// Every error must carry a position (SPEC: FILE:LINE:COLUMN: error: MESSAGE).
// Triage: COEXLAB_FUZZ_PRINT=1 prints the diagnostics of each input (to write a regression's
// `# expect:` lines).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "loader.hpp"
#include "rules.hpp"

using namespace coexlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  LoadResult r = load_scenario_text(text, "fuzz.yaml");
  if (!r.usage_error.empty()) {  // no --set given: a usage error here is a loader bug
    std::fprintf(stderr, "usage error without overrides: %s\n", r.usage_error.c_str());
    std::abort();
  }
  if (r.scenario) check_rules(*r.scenario, r.diagnostics);
  static const bool print = std::getenv("COEXLAB_FUZZ_PRINT") != nullptr;
  for (const Diagnostic& d : r.diagnostics.sorted()) {
    if (print) std::fprintf(stderr, "%s\n", d.format().c_str());
    if (d.severity == Severity::error && (d.pos.line < 1 || d.pos.column < 1)) {
      std::fprintf(stderr, "error without a position: %s\n", d.format().c_str());
      std::abort();
    }
  }
  return 0;
}
