// coexlab size end to end: each simulated variant is a child `coexlab run`.
//
// The scenario: 2 mailboxes of 1 GB over one WAN link, one thread, ideal mode, and a single
// weekly window of 30 min (Fri 20:00, the scenario's start) under `finish`: a move takes
// T = 30 ms + 8e9 / bandwidth seconds; the second move starts at T if T < 1800 s, else in
// next week's window. With the target `migration.duration <= 4500 s`:
//   1 Mbps:  T = 8000 s, lower bound 2T > 4500 s: pruned, never simulated
//   4 Mbps:  T = 2000 s, lower bound 2T = 4000 s (windows are not in the bound): simulated,
//            duration 7 d + T (the second move waits for next Friday): does not meet
//   8 Mbps:  T = 1000 s, duration 2T = 2000 s: meets; the answer
//   16 Mbps: meets too, but costs more: never evaluated
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "size_scenario.hpp"
#include "sweep.hpp"

namespace fs = std::filesystem;

namespace {
using coexlab::testing::size_scenario_yaml;

constexpr double kLatency = 0.030;
constexpr double kWeek = 7 * 86400.0;
double move_time(double mbps) {
  return kLatency + 8e9 / (mbps * 1e6);
}

struct Output {
  int code = -1;
  std::string out;
};

Output run_coexlab(const std::string& args) {
  const auto r = coexlab::testing::run_coexlab(args, coexlab::testing::Stderr::drop);
  return {r.exit_code, r.out};
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kAscending = "--vary 'links.A-B.bandwidth=1 Mbps,4 Mbps,8 Mbps,16 Mbps'";
const char* kTarget = "--target 'migration.duration <= 4500 s'";

class Size : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("coexlab-size-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    scenario_ = write("size.yaml", "");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& costs) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << size_scenario_yaml(costs);
    return path;
  }
  fs::path dir_;
  std::string scenario_;
};

// The rows of the ascending search, whatever --jobs: variants 0 (pruned), 1 (too slow), 2.
void expect_ascending_rows(const nlohmann::json& rows) {
  ASSERT_EQ(rows.size(), 3u) << rows.dump(1);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i]["variant_index"], int(i));
    EXPECT_EQ(rows[i]["status"], "ok");
    EXPECT_EQ(rows[i]["error"], "");
    EXPECT_EQ(rows[i]["cost"], int(i)) << "no costs: section: the position of the value";
    EXPECT_EQ(rows[i]["cost_basis"], "order");
  }
  EXPECT_EQ(rows[0]["links.A-B.bandwidth"], "1 Mbps");
  EXPECT_EQ(rows[1]["links.A-B.bandwidth"], "4 Mbps");
  EXPECT_EQ(rows[2]["links.A-B.bandwidth"], "8 Mbps");
  // 1 Mbps: the bound (2 GB over the link) proves it too slow; not simulated.
  EXPECT_EQ(rows[0]["pruned"], true);
  EXPECT_EQ(rows[0]["meets_target"], false);
  EXPECT_TRUE(rows[0]["duration_s"].is_null());
  EXPECT_TRUE(rows[0]["completed"].is_null());
  // One thread: both moves, each with its route latency, one after the other.
  EXPECT_NEAR(rows[0]["lower_bound_s"].get<double>(), 2 * move_time(1), 1e-6);
  // 4 Mbps: simulated (its bound, 4000 s, does not exclude it); the window makes it miss.
  EXPECT_EQ(rows[1]["pruned"], false);
  EXPECT_EQ(rows[1]["meets_target"], false);
  EXPECT_EQ(rows[1]["completed"], true);
  EXPECT_NEAR(rows[1]["duration_s"].get<double>(), kWeek + move_time(4), 1e-6);
  EXPECT_NEAR(rows[1]["target_value"].get<double>(), kWeek + move_time(4), 1e-6);
  // 8 Mbps: meets.
  EXPECT_EQ(rows[2]["pruned"], false);
  EXPECT_EQ(rows[2]["meets_target"], true);
  EXPECT_EQ(rows[2]["completed"], true);
  EXPECT_NEAR(rows[2]["duration_s"].get<double>(), 2 * move_time(8), 1e-6);
  EXPECT_FALSE(rows[2]["lower_bound_s"].is_null());
}

}  // namespace

TEST_F(Size, ThirdCheapestMeetsCheaperOnesEvaluatedOrPruned) {
  const Output o = run_coexlab(fmt::format("size {} {} {} --json", scenario_, kAscending, kTarget));
  ASSERT_EQ(o.code, 0);
  expect_ascending_rows(nlohmann::json::parse(o.out));
}

TEST_F(Size, RowsDoNotDependOnJobs) {
  const Output one =
      run_coexlab(fmt::format("size {} {} {} --json --jobs 1", scenario_, kAscending, kTarget));
  const Output three =
      run_coexlab(fmt::format("size {} {} {} --json --jobs 3", scenario_, kAscending, kTarget));
  ASSERT_EQ(one.code, 0);
  ASSERT_EQ(three.code, 0);
  // With 3 jobs, 4, 8 and 16 Mbps share a round: 16 Mbps meets too but costs more.
  expect_ascending_rows(nlohmann::json::parse(three.out));
  EXPECT_EQ(one.out, three.out);
}

TEST_F(Size, TerminalNamesTheCheapestMeetingVariant) {
  const Output o = run_coexlab(fmt::format("size {} {} {}", scenario_, kAscending, kTarget));
  ASSERT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("cheapest variant meeting 'migration.duration <= 4500 s': variant 2: "
                       "links.A-B.bandwidth=8 Mbps (cost 2)"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("searched 3 of 4 variants"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("position of the values given"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("1 pruned by the lower bound"), std::string::npos) << o.out;
}

TEST_F(Size, CostsSectionReordersTheSearch) {
  const char* descending = "--vary 'links.A-B.bandwidth=16 Mbps,8 Mbps,4 Mbps,1 Mbps'";
  // Without a cost that concerns the bandwidth (cores are not varied), the first value is the
  // cheapest: 16 Mbps meets at once.
  const std::string unrelated =
      write("unrelated.yaml", "costs: [ { path: servers.NEW.hardware.cores, per_unit: 100 } ]");
  const Output by_order =
      run_coexlab(fmt::format("size {} {} {} --json", unrelated, descending, kTarget));
  ASSERT_EQ(by_order.code, 0);
  const auto first = nlohmann::json::parse(by_order.out);
  ASSERT_EQ(first.size(), 1u) << first.dump(1);
  EXPECT_EQ(first[0]["variant_index"], 0);
  EXPECT_EQ(first[0]["cost_basis"], "order");
  EXPECT_EQ(first[0]["meets_target"], true);

  // Priced by bandwidth (per B/s; 0.008 per B/s is 1 per kbit/s) plus 8 cores x 100: the
  // search runs 1, 4, 8 Mbps (variants 3, 2, 1) and stops at 8 Mbps.
  const std::string priced = write("priced.yaml", R"(costs:
  - { path: links.A-B.bandwidth, per_unit: 0.008 }
  - { path: servers.NEW.hardware.cores, per_unit: 100 })");
  const Output by_cost =
      run_coexlab(fmt::format("size {} {} {} --json", priced, descending, kTarget));
  ASSERT_EQ(by_cost.code, 0);
  const auto rows = nlohmann::json::parse(by_cost.out);
  ASSERT_EQ(rows.size(), 3u) << rows.dump(1);
  EXPECT_EQ(rows[0]["variant_index"], 1);
  EXPECT_EQ(rows[1]["variant_index"], 2);
  EXPECT_EQ(rows[2]["variant_index"], 3);
  for (const auto& r : rows) EXPECT_EQ(r["cost_basis"], "costs");
  EXPECT_NEAR(rows[0]["cost"].get<double>(), 8000 + 800, 1e-9);
  EXPECT_NEAR(rows[1]["cost"].get<double>(), 4000 + 800, 1e-9);
  EXPECT_NEAR(rows[2]["cost"].get<double>(), 1000 + 800, 1e-9);
  EXPECT_EQ(rows[0]["meets_target"], true);
  EXPECT_EQ(rows[1]["meets_target"], false);
  EXPECT_EQ(rows[1]["pruned"], false);
  EXPECT_EQ(rows[2]["pruned"], true);
  const Output text = run_coexlab(fmt::format("size {} {} {}", priced, descending, kTarget));
  EXPECT_NE(text.out.find("variant 1: links.A-B.bandwidth=8 Mbps (cost 8800)"), std::string::npos)
      << text.out;
}

TEST_F(Size, NoVariantMeetsAndPrunedOnesAreNeverSimulated) {
  // Every bound exceeds 100 s. A timeout of 1 us would kill any child: all rows ok and
  // pruned proves that none was started.
  const Output o = run_coexlab(
      fmt::format("size {} {} --target 'migration.duration < 100 s' --timeout 0.000001 --json",
                  scenario_, kAscending));
  ASSERT_EQ(o.code, 0);
  const auto rows = nlohmann::json::parse(o.out);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) {
    EXPECT_EQ(r["status"], "ok") << r.dump();
    EXPECT_EQ(r["pruned"], true);
    EXPECT_EQ(r["meets_target"], false);
    EXPECT_TRUE(r["duration_s"].is_null());
  }
  const Output text = run_coexlab(
      fmt::format("size {} {} --target 'migration.duration < 100 s'", scenario_, kAscending));
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("no variant meets 'migration.duration < 100 s'"), std::string::npos)
      << text.out;
}

TEST_F(Size, TargetsOtherThanADurationBoundAreNeverPruned) {
  // `>=` bounds the duration from below: the lower bound proves nothing; 1 Mbps is simulated.
  const Output o = run_coexlab(
      fmt::format("size {} {} --target 'migration.duration >= 1 h' --json", scenario_, kAscending));
  ASSERT_EQ(o.code, 0);
  const auto rows = nlohmann::json::parse(o.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["pruned"], false);
  EXPECT_EQ(rows[0]["meets_target"], true);
  EXPECT_NEAR(rows[0]["duration_s"].get<double>(), kWeek + move_time(1), 1e-6);
}

TEST_F(Size, OutWritesSizeCsvWithSpecColumnsAndResumes) {
  const std::string out = (dir_ / "out").string();
  const std::string args =
      fmt::format("size {} {} {} --json --out {}", scenario_, kAscending, kTarget, out);
  const Output o = run_coexlab(args);
  ASSERT_EQ(o.code, 0);
  const auto rows = nlohmann::json::parse(o.out);
  const std::string complete = read_text(fs::path(out) / "size.csv");
  std::istringstream lines(complete);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header,
            "variant_index,status,error,links.A-B.bandwidth,cost,cost_basis,meets_target,pruned,"
            "target_value,duration_s,lower_bound_s,bottleneck,completed,run_lower_bound_s,"
            "static_lower_bound_s");
  const auto csv = coexlab::read_csv((fs::path(out) / "size.csv").string());
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*csv)[i].at("variant_index"), std::to_string(i));
    EXPECT_EQ((*csv)[i].at("meets_target"), i == 2 ? "true" : "false");
    EXPECT_EQ((*csv)[i].at("pruned"), i == 0 ? "true" : "false");
  }
  EXPECT_EQ((*csv)[0].at("duration_s"), "");
  // Every SPEC column is in the JSON rows too.
  for (const char* c : {"variant_index", "status", "error", "links.A-B.bandwidth", "duration_s",
                        "lower_bound_s", "bottleneck", "completed", "cost", "meets_target"}) {
    EXPECT_TRUE(rows[0].contains(c)) << c;
  }
  // An interrupted search (variant 1's row only, a torn line): resuming gives the same file.
  std::string row0, row1;
  std::getline(lines, row0);
  std::getline(lines, row1);
  std::ofstream(fs::path(out) / "size.csv") << header << "\n"
                                            << row1 << "\n"
                                            << "0,ok,,1 Mb";
  ASSERT_EQ(run_coexlab(args + " --resume").code, 0);
  EXPECT_EQ(read_text(fs::path(out) / "size.csv"), complete);
}

TEST_F(Size, BadTargetOrVaryIsAnError) {
  const auto code = [&](const std::string& target, const std::string& vary) {
    return run_coexlab(fmt::format("size {} --target '{}' --vary '{}'", scenario_, target, vary))
        .code;
  };
  const std::string vary = "links.A-B.bandwidth=8 Mbps";
  EXPECT_EQ(code("migration.duraton <= 1 h", vary), 2) << "unknown field";
  EXPECT_EQ(code("migration.duration <= 5", vary), 2) << "no unit";
  EXPECT_EQ(code("migration.duration ~ 5 h", vary), 2) << "no operator";
  EXPECT_EQ(code("resource(NOPE/cpu).peak_utilisation < 80 %", vary), 2) << "no such resource";
  EXPECT_EQ(code("migration.duration <= 1 h", "migration.max_thread=1,2"), 2) << "bad path";
  EXPECT_EQ(code("migration.duration <= 1 h", "migration.max_threads=1,0"), 1) << "bad value";
  EXPECT_EQ(code("migration.duration <= 1 h", vary), 0);
}
