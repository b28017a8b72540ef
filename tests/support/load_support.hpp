// Loading a scenario the tests expect to be valid (tests/models, tests/sim): load + rules,
// a test failure listing the errors otherwise. The one copy of that helper.
#pragma once

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "loader.hpp"
#include "rules.hpp"

namespace coexlab::testing {

inline Scenario load_valid(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "test.yaml");
  if (r.scenario) check_rules(*r.scenario, r.diagnostics);
  std::string errors;
  for (const Diagnostic& d : r.diagnostics.all()) {
    if (d.severity == Severity::error) errors += d.format() + "\n";
  }
  EXPECT_EQ(errors, "");
  if (!r.scenario) throw std::runtime_error("invalid test scenario:\n" + errors);
  return *r.scenario;
}

}  // namespace coexlab::testing
