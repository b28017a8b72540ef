// `coexlab size --seeds`: each variant over several seeds, the target as a share of seeds.
//
// The scenario (size_scenario.hpp): a move of S bytes over the A-B link takes
// T = 30 ms + 8 S / bandwidth, one thread, ideal mode.
// - Fixed sizes (2 mailboxes of 1 GB): every seed gives the same duration, so the spread is
//   one point and the share 0 or 1; the answer is the one without seeds (8 Mbps).
// - One mailbox of S ~ uniform(1 GB, 3 GB), drawn per seed, target `duration <= 2000.03 s`:
//   at 4 Mbps T = 2000.03 s + 2 (S - 1 GB) / 1 MB/s > target for every seed: pruned by its
//   per-seed bounds; at 8 Mbps T = S / 1 MB/s + 0.03 s meets exactly when S <= 2 GB (about
//   half the seeds: enough for 30 %, but its bound already rules out 100 %); at 16 Mbps
//   T <= 1500.03 s: every seed meets.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "size_scenario.hpp"

namespace fs = std::filesystem;
using coexlab::testing::run_coexlab;
using coexlab::testing::Stderr;

namespace {

constexpr double kWeek = 7 * 86400.0;
double move_time(double bytes, double mbps) {
  return 0.030 + 8 * bytes / (mbps * 1e6);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SizeSeeds : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("coexlab-size-seeds-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fixed_ = write("fixed.yaml", "{ count: 2, size: 1 GB }");
    uniform_ = write("uniform.yaml",
                     "{ count: 1, size: { distribution: uniform, min: 1 GB, max: 3 GB } }");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& mailboxes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << coexlab::testing::size_scenario_yaml("", mailboxes);
    return path;
  }
  fs::path dir_;
  std::string fixed_, uniform_;
};

const char* kUniformVary = "--vary 'links.A-B.bandwidth=4 Mbps,8 Mbps,16 Mbps'";

// The rows of a CSV without quoted cells, as maps by column.
std::vector<std::map<std::string, std::string>> read_rows(const fs::path& csv) {
  std::istringstream in(read_text(csv));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream h(line); std::getline(h, line, ',');) header.push_back(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string>& row = rows.emplace_back();
    std::stringstream cells(line);
    for (const std::string& column : header) {
      std::string cell;
      std::getline(cells, cell, ',');
      row[column] = cell;
    }
  }
  return rows;
}

}  // namespace

TEST_F(SizeSeeds, FixedSizesGiveOnePointPerVariantAndTheAnswerWithoutSeeds) {
  const auto r = run_coexlab(
      fmt::format("size {} --vary 'links.A-B.bandwidth=1 Mbps,4 Mbps,8 Mbps,16 Mbps' --target "
                  "'migration.duration <= 4500 s in 90 % of seeds' --seeds 3 --json",
                  fixed_),
      Stderr::drop);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 3u) << rows.dump(1);
  // 1 Mbps: every seed's bound (2 moves of 8000 s) exceeds 4500 s: pruned, nothing simulated.
  EXPECT_EQ(rows[0]["pruned"], true);
  EXPECT_EQ(rows[0]["meets_target"], false);
  EXPECT_EQ(rows[0]["target_share"], 0.0);
  EXPECT_EQ(rows[0]["completed_share"], 0.0);
  EXPECT_TRUE(rows[0]["duration_p50_s"].is_null());
  // 4 Mbps: the second move waits for next Friday, in every seed.
  const double slow = kWeek + move_time(1e9, 4);
  EXPECT_EQ(rows[1]["pruned"], false);
  EXPECT_EQ(rows[1]["target_share"], 0.0);
  EXPECT_EQ(rows[1]["completed_share"], 1.0);
  for (const char* c : {"duration_mean_s", "duration_p5_s", "duration_p50_s", "duration_p95_s"})
    EXPECT_NEAR(rows[1][c].get<double>(), slow, 1e-6) << c;
  // 8 Mbps: both moves in the window, every seed: share 1, the answer.
  EXPECT_EQ(rows[2]["seeds"], 3);
  EXPECT_EQ(rows[2]["target_share"], 1.0);
  EXPECT_EQ(rows[2]["meets_target"], true);
  EXPECT_NEAR(rows[2]["duration_p95_s"].get<double>(), 2 * move_time(1e9, 8), 1e-6);
  EXPECT_EQ(rows[2]["links.A-B.bandwidth"], "8 Mbps");
  EXPECT_EQ(rows[2]["cost"], 2);
}

TEST_F(SizeSeeds, TheShareOfSeedsDecidesAndRowsDoNotDependOnJobs) {
  const std::string some = "--target 'migration.duration <= 2000.03 s in 30 % of seeds'";
  const auto one = run_coexlab(fmt::format("size {} {} {} --seeds 20 --jobs 1 --out {}", uniform_,
                                           kUniformVary, some, (dir_ / "j1").string()),
                               Stderr::drop);
  const auto two = run_coexlab(fmt::format("size {} {} {} --seeds 20 --jobs 2 --out {}", uniform_,
                                           kUniformVary, some, (dir_ / "j2").string()),
                               Stderr::drop);
  ASSERT_EQ(one.exit_code, 0) << one.out;
  ASSERT_EQ(two.exit_code, 0) << two.out;
  for (const char* f : {"size.csv", "size-seeds.csv"})
    EXPECT_EQ(read_text(dir_ / "j1" / f), read_text(dir_ / "j2" / f)) << f;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("variant 1: links.A-B.bandwidth=8 Mbps"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("1 simulated (20 seeds each), 1 pruned"), std::string::npos) << one.out;

  // size.csv: 20 runs per variant evaluated, seeds 1..20 as the last, fastest axis.
  const auto runs = read_rows(dir_ / "j1/size.csv");
  ASSERT_EQ(runs.size(), 40u);
  int met_at_8 = 0;
  std::vector<double> at16;  // T(16 Mbps) of each seed's size, from its T(8 Mbps)
  for (int k = 0; k < 20; ++k) {
    const auto& at4 = runs[size_t(k)];
    const auto& at8 = runs[size_t(20 + k)];
    EXPECT_EQ(at8.at("seed"), std::to_string(k + 1));
    const double d8 = std::stod(at8.at("duration_s"));
    EXPECT_GE(d8, move_time(1e9, 8) - 1e-6);
    EXPECT_LE(d8, move_time(3e9, 8) + 1e-6);
    EXPECT_EQ(at8.at("meets_target"), d8 <= 2000.03 ? "true" : "false") << d8;
    met_at_8 += d8 <= 2000.03 ? 1 : 0;
    // The same seed draws the same size S = (d8 - 30 ms) x 1 MB/s: at 4 Mbps the bound that
    // pruned it is 30 ms + 2 S / 1 MB/s.
    EXPECT_EQ(at4.at("pruned"), "true");
    EXPECT_NEAR(std::stod(at4.at("static_lower_bound_s")), 0.030 + 2 * (d8 - 0.030), 1e-6);
    at16.push_back(0.030 + (d8 - 0.030) / 2);
  }
  const auto spread = read_rows(dir_ / "j1/size-seeds.csv");
  ASSERT_EQ(spread.size(), 2u);
  EXPECT_EQ(spread[0].at("pruned"), "true");
  EXPECT_EQ(std::stod(spread[0].at("target_share")), 0.0);
  EXPECT_DOUBLE_EQ(std::stod(spread[1].at("target_share")), met_at_8 / 20.0);
  EXPECT_EQ(spread[1].at("meets_target"), "true");
  // The seeds split near the median of uniform(1 GB, 3 GB): with these 20 draws more than 30 %
  // meet at 8 Mbps, and not all.
  ASSERT_GT(met_at_8, 6);
  ASSERT_LT(met_at_8, 20);

  // Every seed: 8 Mbps is pruned too (a seed of more than 2 GB has its bound above the
  // target) and 16 Mbps meets in all 20; its median is that of the 20 sizes at 16 Mbps.
  const auto all = run_coexlab(
      fmt::format("size {} {} --target 'migration.duration <= 2000.03 s in 100 % of seeds' "
                  "--seeds 20 --json",
                  uniform_, kUniformVary),
      Stderr::drop);
  ASSERT_EQ(all.exit_code, 0);
  const auto rows = nlohmann::json::parse(all.out);
  ASSERT_EQ(rows.size(), 3u) << rows.dump(1);
  EXPECT_EQ(rows[1]["pruned"], true);
  EXPECT_EQ(rows[2]["meets_target"], true);
  EXPECT_EQ(rows[2]["target_share"], 1.0);
  std::sort(at16.begin(), at16.end());
  EXPECT_NEAR(rows[2]["duration_p50_s"].get<double>(), (at16[9] + at16[10]) / 2, 1e-6);
  EXPECT_NEAR(rows[2]["duration_p95_s"].get<double>(), at16[18] + 0.05 * (at16[19] - at16[18]),
              1e-6);
}

// whatif --seeds and size --seeds share the statistics: whatif-seeds.csv against the runs of
// whatif.csv, each seed's duration T = 30 ms + S / 1 MB/s at 8 Mbps with S in 1..3 GB.
TEST_F(SizeSeeds, WhatifSeedsGiveTheSpreadOfTheirRuns) {
  const auto r = run_coexlab(fmt::format("whatif {} --vary 'links.A-B.bandwidth=8 Mbps' --seeds "
                                         "1-10 --jobs 2 --out {}",
                                         uniform_, dir_.string()),
                             Stderr::drop);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<double> d;
  for (const auto& run : read_rows(dir_ / "whatif.csv"))
    d.push_back(std::stod(run.at("duration_s")));
  ASSERT_EQ(d.size(), 10u);
  double sum = 0;
  for (double x : d) {
    EXPECT_GE(x, move_time(1e9, 8) - 1e-6);
    EXPECT_LE(x, move_time(3e9, 8) + 1e-6);
    sum += x;
  }
  std::sort(d.begin(), d.end());
  const auto spread = read_rows(dir_ / "whatif-seeds.csv");
  ASSERT_EQ(spread.size(), 1u);
  EXPECT_EQ(spread[0].at("seeds"), "10");
  EXPECT_NEAR(std::stod(spread[0].at("duration_mean_s")), sum / 10, 1e-6);
  EXPECT_NEAR(std::stod(spread[0].at("duration_p50_s")), (d[4] + d[5]) / 2, 1e-6);
  // Type 7: h = 9 x 0.95 = 8.55 and 9 x 0.05 = 0.45.
  EXPECT_NEAR(std::stod(spread[0].at("duration_p95_s")), d[8] + 0.55 * (d[9] - d[8]), 1e-6);
  EXPECT_NEAR(std::stod(spread[0].at("duration_p5_s")), d[0] + 0.45 * (d[1] - d[0]), 1e-6);
}

TEST_F(SizeSeeds, ABadShareClauseIsAUsageError) {
  const auto bad = run_coexlab(
      fmt::format("size {} {} --target 'migration.duration <= 60 h in 90 seeds' --seeds 3",
                  uniform_, kUniformVary));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--target 'migration.duration <= 60 h in 90 seeds': column 28: expected "
                         "'in P % of seeds' after the check"),
            std::string::npos)
      << bad.err;
  const auto over = run_coexlab(
      fmt::format("size {} {} --target 'migration.duration <= 60 h in 120 % of seeds' --seeds 3",
                  uniform_, kUniformVary));
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("more than 0 % and at most 100 %"), std::string::npos) << over.err;
  const auto no_seeds = run_coexlab(fmt::format(
      "size {} {} --target 'migration.duration <= 60 h in 90 % of seeds'", uniform_, kUniformVary));
  EXPECT_EQ(no_seeds.exit_code, 2);
  EXPECT_NE(no_seeds.err.find("needs --seeds N"), std::string::npos) << no_seeds.err;
  const auto bad_seeds = run_coexlab(fmt::format(
      "size {} {} --target 'migration.duration <= 60 h' --seeds 5-2", uniform_, kUniformVary));
  EXPECT_EQ(bad_seeds.exit_code, 2);
  EXPECT_NE(bad_seeds.err.find("--seeds '5-2'"), std::string::npos) << bad_seeds.err;
  const auto twice = run_coexlab(
      fmt::format("size {} {} --vary seed=1,2 --target 'migration.duration <= 60 h' --seeds 2",
                  uniform_, kUniformVary));
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("--seeds and --vary seed=... both vary the seed"), std::string::npos)
      << twice.err;
}
