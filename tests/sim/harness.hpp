// Test harness for simulations: scenarios from YAML text, one simulate() per test process
// (SimGrid allows one engine per process; gtest_discover_tests runs each TEST alone).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "loader.hpp"
#include "results.hpp"
#include "rules.hpp"
#include "simulate.hpp"

#include "cli_runner.hpp"
#include "load_support.hpp"

namespace coexlab::test {

using coexlab::testing::load_valid;  // tests/support/load_support.hpp

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

// What the coexlab binary printed and its exit code.
struct CliOutput {
  int code = -1;
  std::string out;  // stdout, and stderr too when asked for
};

// Runs `coexlab ARGS` (the binary these tests are built with); `with_stderr` merges stderr in.
inline CliOutput run_cli(const std::string& args, bool with_stderr = false) {
  const auto r = coexlab::testing::run_coexlab(
      args, with_stderr ? coexlab::testing::Stderr::merge : coexlab::testing::Stderr::drop);
  return {r.exit_code, r.out};
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh directory under the temp dir for one test process, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to a file in the directory; returns its path.
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(path_ / file) << text;
    return (path_ / file).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace coexlab::test
