// Helpers shared by the models/ tests: a small valid scenario to mutate, loading YAML text
// with the rules applied, and queries on the diagnostics.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "loader.hpp"
#include "rules.hpp"

#include "fixtures.hpp"

namespace coexlab::testing {

// One site, a 2003 back-end that is also the bridgehead (10 mailboxes of 300 MB) and a
// three-role 2007 box; one batch moves every mailbox. Valid, with two warnings (the implicit
// coexistence connector of L7 and the decommissioning hint of L11). tests/fixtures/base.yaml.
inline const std::string kBaseScenario = fixture("base.yaml");

// A server entry (list item) with complete hardware, for appending to `servers`.
inline std::string server_yaml(const std::string& name, const std::string& version,
                               const std::string& site, const std::string& roles,
                               const std::string& extra = "") {
  return "  - name: " + name + "\n    version: " + version + "\n    site: " + site + "\n" + extra +
         "    roles: [" + roles + "]\n" +
         "    hardware: { cores: 4, clock: 2.66 GHz, memory: 8 GiB, nic: 1 Gbps,\n"
         "                database_disk: { iops: 500 },\n"
         "                log_disk: { throughput: 60 MB/s, capacity: 50 GiB } }\n";
}

// `text` with the one occurrence of `from` replaced; a test failure when it is not there
// exactly once (so that a mutation can never silently miss).
inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    ADD_FAILURE() << "'" << from << "' is not in the text exactly once";
    return text;
  }
  return text.replace(at, from.size(), to);
}

// Loads YAML text and, when it parsed, applies the rules: what `validate` does.
inline LoadResult load_checked(const std::string& text, const LoadOptions& options = {}) {
  LoadResult r = load_scenario_text(text, "test.yaml", options);
  if (r.scenario) check_rules(*r.scenario, r.diagnostics);
  return r;
}

inline std::vector<Diagnostic> of_severity(const Diagnostics& d, Severity s) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& x : d.all()) {
    if (x.severity == s) out.push_back(x);
  }
  return out;
}
inline std::vector<Diagnostic> errors(const Diagnostics& d) {
  return of_severity(d, Severity::error);
}
inline std::vector<Diagnostic> warnings(const Diagnostics& d) {
  return of_severity(d, Severity::warning);
}

// The formatted diagnostics, one a line, for failure messages.
inline std::string dump(const Diagnostics& d) {
  std::string out;
  for (const Diagnostic& x : d.sorted()) out += x.format() + "\n";
  return out.empty() ? "(no diagnostics)\n" : out;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// True when a diagnostic of severity `s` has a message containing `part`.
inline bool has(const Diagnostics& d, Severity s, const std::string& part) {
  return std::any_of(d.all().begin(), d.all().end(), [&](const Diagnostic& x) {
    return x.severity == s && contains(x.message, part);
  });
}
inline bool has_error(const Diagnostics& d, const std::string& part) {
  return has(d, Severity::error, part);
}
inline bool has_warning(const Diagnostics& d, const std::string& part) {
  return has(d, Severity::warning, part);
}

// The first error whose message contains `part`, or nullptr.
inline const Diagnostic* find_error(const Diagnostics& d, const std::string& part) {
  for (const Diagnostic& x : d.all()) {
    if (x.severity == Severity::error && contains(x.message, part)) return &x;
  }
  return nullptr;
}

}  // namespace coexlab::testing
