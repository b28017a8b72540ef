// Test harness for simulations: scenarios from YAML text, one simulate() per test process
// (SimGrid allows one engine per process; gtest_discover_tests runs each TEST alone).
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "loader.hpp"
#include "results.hpp"
#include "rules.hpp"
#include "simulate.hpp"

namespace coexlab::test {

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

struct Simulated {
  Scenario scenario;
  sim::SimulationOutput out;
  RunData run() const { return RunData{scenario, out.mailboxes, out.queue, out.recording}; }
  MigrationMetrics metrics() const { return migration_metrics(run()); }
  const MoveAttempt& attempt(size_t i) const { return out.recording.attempts.at(i); }
  const ResourceSeries& resource(const std::string& id) const {
    for (const ResourceSeries& r : out.recording.resources) {
      if (r.id == id) return r;
    }
    throw std::runtime_error("no resource " + id);
  }
};

inline Simulated simulate_yaml(const std::string& yaml) {
  Simulated s{load_valid(yaml), {}};
  s.out = sim::simulate(s.scenario);
  return s;
}

// Relative closeness for exact arithmetic: floating point only.
inline void expect_exact(double actual, double expected, const char* what) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * 1e-9 + 1e-9) << what;
}

}  // namespace coexlab::test
