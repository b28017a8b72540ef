// Fuzz target: bytes -> YAML -> validated Scenario (load_scenario_text + check_rules), what
// `coexlab validate` does to a file. Hostile input may only ever produce diagnostics: a crash,
// an abort, a hang, an absurd allocation or an exception escaping the loader is a finding.
// Every error must carry a position (SPEC: FILE:LINE:COLUMN: error: MESSAGE). A valid scenario
// of at most 5,000 mailboxes also has its mailboxes generated and its move queue built (what
// every simulation does next): sizes finite and not negative, at least one item each.
// Triage: COEXLAB_FUZZ_PRINT=1 prints the diagnostics of each input (to write a regression's
// `# expect:` lines).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "loader.hpp"
#include "mailboxes.hpp"
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
  if (!r.scenario || r.diagnostics.has_errors()) return 0;
  std::int64_t total = 0;
  for (const Server& sv : r.scenario->servers) {
    for (const Database& db : sv.databases) total += db.mailboxes.count;
  }
  if (total > 5000) return 0;
  const std::vector<Mailbox> mailboxes = generate_mailboxes(*r.scenario);
  for (const Mailbox& m : mailboxes) {
    if (!std::isfinite(m.size.value) || m.size.value < 0 || m.items < 1) {
      std::fprintf(stderr, "mailbox %s: size %g B, %lld items\n", m.id.c_str(), m.size.value,
                   static_cast<long long>(m.items));
      std::abort();
    }
  }
  (void)build_move_queue(*r.scenario, mailboxes);
  return 0;
}
