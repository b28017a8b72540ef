// whatif, bottlenecks and calc end to end: each variant is a child `coexlab run`.
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
#include "sweep.hpp"

namespace fs = std::filesystem;

namespace {

// 1 GB over a 10 Mbps WAN, one thread, ideal mode: 800 s + 30.1 ms per mailbox.
const char* kScenario = R"(
scenario: sweep
start: 2007-06-01T20:00
sites:
  - { name: A, lan: { bandwidth: 10 Gbps, latency: 0 ms } }
  - { name: B, lan: { bandwidth: 10 Gbps, latency: 0 ms } }
links:
  - { between: [A, B], bandwidth: 10 Mbps, latency: 30 ms }
servers:
  - name: OLD
    version: 2003
    site: A
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 1 GB } } ]
  - name: NEW
    version: 2007
    site: B
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB } ]
workload: none
migration: { mover: NEW, max_threads: 1, batches: [ { from: OLD/DB, to: NEW/DB } ] }
calibration: { mode: ideal }
)";

struct Output {
  int code = -1;
  std::string out;
};

Output run_coexlab(const std::string& args) {
  const auto r = coexlab::testing::run_coexlab(args, coexlab::testing::Stderr::drop);
  return {r.exit_code, r.out};
}

class Sweeps : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("coexlab-sweeps-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    scenario_ = (dir_ / "sweep.yaml").string();
    std::ofstream(scenario_) << kScenario;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string scenario_;
};

constexpr double kOne = 0.030 + 800;  // one mailbox alone on the link

}  // namespace

TEST_F(Sweeps, WhatifCrossProductRowsInVariantOrder) {
  const Output o =
      run_coexlab(fmt::format("whatif {} --vary 'links.A-B.bandwidth=10 Mbps,20 Mbps' "
                              "--vary migration.max_threads=1,2 --jobs 2 --json --out {}",
                              scenario_, (dir_ / "out").string()));
  ASSERT_EQ(o.code, 0);
  const auto rows = nlohmann::json::parse(o.out);
  ASSERT_EQ(rows.size(), 4u);
  // The first --vary is the slowest; every row is a complete simulation.
  const double expected[4] = {2 * kOne, 0.030 + 1600, 0.030 * 2 + 800, 0.030 + 800};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(rows[i]["variant_index"], int(i));
    EXPECT_EQ(rows[i]["status"], "ok");
    EXPECT_EQ(rows[i]["links.A-B.bandwidth"], i < 2 ? "10 Mbps" : "20 Mbps");
    EXPECT_EQ(rows[i]["migration.max_threads"], i % 2 ? "2" : "1");
    EXPECT_NEAR(rows[i]["duration_s"].get<double>(), expected[i], 1e-6) << i;
    EXPECT_EQ(rows[i]["completed"], true);
  }
  // The CSV holds the same rows, in variant order, with SPEC's common columns first.
  const auto csv = coexlab::read_csv((dir_ / "out" / "whatif.csv").string());
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ((*csv)[i].at("variant_index"), std::to_string(i));
}

TEST_F(Sweeps, WhatifResumeSkipsFinishedVariantsWithoutDuplicates) {
  const std::string out = (dir_ / "out").string();
  const std::string args =
      fmt::format("whatif {} --vary migration.max_threads=1,2,3 --out {}", scenario_, out);
  ASSERT_EQ(run_coexlab(args).code, 0);
  const std::string complete = [&] {
    std::ifstream in(fs::path(out) / "whatif.csv");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  // An interrupted sweep: the header, variant 1 only, and a torn line.
  std::istringstream lines(complete);
  std::string header, row0, row1;
  std::getline(lines, header);
  std::getline(lines, row0);
  std::getline(lines, row1);
  std::ofstream(fs::path(out) / "whatif.csv") << header << "\n"
                                              << row1 << "\n"
                                              << "0,ok,,1,16";
  ASSERT_EQ(run_coexlab(args + " --resume").code, 0);
  std::ifstream in(fs::path(out) / "whatif.csv");
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), complete);
}

TEST_F(Sweeps, WhatifBadVaryPathIsAUsageError) {
  EXPECT_EQ(run_coexlab(fmt::format("whatif {} --vary migration.max_thread=1,2", scenario_)).code,
            2);
  EXPECT_EQ(run_coexlab(fmt::format("whatif {} --vary migration.max_threads=1,0", scenario_)).code,
            1);
}

TEST_F(Sweeps, BottlenecksRanksTheWanLinkFirst) {
  const Output o = run_coexlab(fmt::format("bottlenecks {} --json --jobs 2", scenario_));
  ASSERT_EQ(o.code, 0);
  const auto rows = nlohmann::json::parse(o.out);
  ASSERT_FALSE(rows.empty());
  // Doubling the 10 Mbps link halves the transfer: 2 x 800 s -> 2 x 400 s.
  EXPECT_EQ(rows[0]["factor"], "link/A-B");
  EXPECT_NEAR(rows[0]["gain_s"].get<double>(), 800, 1e-6);
  EXPECT_NEAR(rows[0]["gain_fraction"].get<double>(), 800 / (2 * kOne), 1e-9);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LE(rows[i]["gain_s"].get<double>(), rows[i - 1]["gain_s"].get<double>());
  }
  // Half the latency saves 15 ms per move; twice the threads shares the link: no gain.
  bool latency = false, threads = false;
  for (const auto& r : rows) {
    if (r["factor"] == "link/A-B/latency") {
      latency = true;
      EXPECT_NEAR(r["gain_s"].get<double>(), 2 * 0.015, 1e-6);
    }
    if (r["factor"] == "migration/threads") {
      threads = true;
      EXPECT_NEAR(r["gain_s"].get<double>(), 0.030,
                  1e-6);  // both start together: one latency saved
    }
  }
  EXPECT_TRUE(latency);
  EXPECT_TRUE(threads);
}

TEST_F(Sweeps, CalcShowsStaticNeedsBesideSimulatedPeaks) {
  const Output o = run_coexlab(fmt::format("calc {} --json", scenario_));
  ASSERT_EQ(o.code, 0);
  const auto rows = nlohmann::json::parse(o.out);
  ASSERT_EQ(rows.size(), 2u);
  // 2 average users (10 sent / 40 received): 2003 IOPS = 50 / 140 per user.
  EXPECT_EQ(rows[0]["server"], "OLD");
  EXPECT_NEAR(rows[0]["db_iops_static"].get<double>(), std::round(2 * 50.0 / 140 * 10) / 10, 1e-9);
  // ... a derived figure, and the flag says so.
  EXPECT_NE(rows[0]["flags"].get<std::string>().find("2003 IOPS derived"), std::string::npos);
  // 2003 memory: what a 32-bit store can use of the server's RAM, at most 4 GiB.
  EXPECT_NEAR(rows[0]["memory_static_GB"].get<double>(), 4.29, 1e-9);
  const Output small = run_coexlab(
      fmt::format("calc {} --json --set 'servers.OLD.hardware.memory=2 GiB'", scenario_));
  ASSERT_EQ(small.code, 0);
  EXPECT_NEAR(nlohmann::json::parse(small.out)[0]["memory_static_GB"].get<double>(), 2.15, 1e-9);
  // 2007: 0.18 IOPS and 3.5 MB of cache per average user, 2 GB base.
  EXPECT_EQ(rows[1]["server"], "NEW");
  EXPECT_NEAR(rows[1]["db_iops_static"].get<double>(), 0.4, 1e-9);
  EXPECT_NEAR(rows[1]["memory_static_GB"].get<double>(), 2.01, 1e-9);
  EXPECT_FALSE(rows[1]["db_iops_sim_peak"].is_null());
}
