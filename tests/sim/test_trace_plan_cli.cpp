// trace.json and `coexlab plan` as a user runs them: `run` on a shipped scenario writes a
// trace that is valid JSON with the required fields, non-overlapping thread tracks and named
// tracks; `plan` on a two-weekend scenario gives two waves, the fixed columns, predicted
// starts inside the windows, one Move-Mailbox per wave and target database with the scenario's
// threads and bad-item limit; --margin moves mailboxes to later waves; a bad --margin is bad
// usage (exit 2).
#include <cmath>
#include <ctime>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace coexlab::test {
namespace {

// 120 mailboxes of 1 GB through a 2003 disk of 100 IOPS (409.6 KB/s in ideal mode): about
// 85 GB per 58 h weekend, so the moves take two weekend windows.
const char* kTwoWeekends = R"(scenario: two-weekends
seed: 3
start: 2007-06-01T20:00
sites:
  - name: HQ
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 100 },
                log_disk: { throughput: 60 MB/s, capacity: 500 GiB } }
    databases:
      - { name: SG1-DB1, mailboxes: { count: 120, size: 1 GB } }
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1500 },
                log_disk: { throughput: 100 MB/s, capacity: 2 TiB } }
    databases:
      - name: DB1
migration:
  mover: EX07
  max_threads: 4
  bad_item_limit: 3
  windows:
    - { from: Fri 20:00, to: Mon 06:00 }
  batches:
    - { name: all, from: EX03/SG1-DB1, to: EX07/DB1 }
workload: none
calibration: { mode: ideal }
simulation: { horizon: 20 d }
)";

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& p) {
  // The files here have no quoted cells (ids and dates only).
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_text(p));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::string cell;
    std::istringstream cells(line);
    while (std::getline(cells, cell, ',')) row.push_back(cell);
    if (!line.empty() && line.back() == ',') row.push_back("");
    rows.push_back(row);
  }
  return rows;
}

int count_moves(const std::string& ps1, const std::string& needle) {
  int n = 0;
  std::istringstream in(ps1);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) != 0 && line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

TEST(TraceCli, RunWritesAValidTraceWithNamedNonOverlappingTracks) {
  TempDir dir("coexlab-trace");
  const std::string out = (dir.path() / "hairpin").string();
  const CliOutput r = run_cli(
      fmt::format("run {}/scenarios/hairpin.yaml --out {} --quiet", COEXLAB_SOURCE_DIR, out));
  ASSERT_TRUE(r.code == 0 || r.code == 1) << r.code;
  const nlohmann::json trace = nlohmann::json::parse(read_text(dir.path() / "hairpin/trace.json"));
  ASSERT_TRUE(trace["traceEvents"].is_array());
  const size_t attempts = read_csv(dir.path() / "hairpin/moves.csv").size() - 1;
  std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> by_thread;
  std::set<std::pair<int, int>> named;
  std::set<int> named_pids, pids;
  size_t counters = 0;
  for (const auto& e : trace["traceEvents"]) {
    const std::string ph = e.at("ph");
    pids.insert(e.at("pid").get<int>());
    if (ph == "X") {
      EXPECT_EQ(e.at("pid"), 1);
      for (const char* key : {"mailbox", "state", "bytes", "items"})
        EXPECT_TRUE(e.at("args").contains(key)) << key;
      by_thread[e.at("tid").get<int>()].emplace_back(e.at("ts").get<std::int64_t>(),
                                                     e.at("dur").get<std::int64_t>());
    } else if (ph == "C") {
      ++counters;
      EXPECT_TRUE(e.at("args").contains("used_bytes"));
      EXPECT_GE(e.at("ts").get<std::int64_t>(), 0);
    } else if (ph == "M") {
      if (e.at("name") == "thread_name")
        named.insert({e.at("pid").get<int>(), e.at("tid").get<int>()});
      if (e.at("name") == "process_name") named_pids.insert(e.at("pid").get<int>());
    }
  }
  size_t moves = 0;
  for (auto& [thread, spans] : by_thread) {
    EXPECT_TRUE(named.count({1, thread})) << "thread " << thread << " has no name";
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); ++i)
      EXPECT_LE(spans[i - 1].first + spans[i - 1].second, spans[i].first) << "thread " << thread;
    moves += spans.size();
  }
  EXPECT_EQ(moves, attempts) << "one complete event per attempt";
  EXPECT_GT(counters, 0u) << "log space counters";
  EXPECT_EQ(named_pids, pids) << "every process named";
}

TEST(PlanCli, TwoWeekendWindowsGiveTwoWavesAndAScriptPerWaveAndDatabase) {
  TempDir dir("coexlab-plan");
  const std::string file = dir.write("two-weekends.yaml", kTwoWeekends);
  const std::string out = (dir.path() / "plan").string();
  const CliOutput r = run_cli(fmt::format("plan {} --out {}", file, out), true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("120 mailboxes in 2 wave(s), 0 unplanned"), std::string::npos) << r.out;

  const auto plan = read_csv(dir.path() / "plan/plan.csv");
  ASSERT_EQ(plan.size(), 121u);
  const std::vector<std::string> fixed{
      "wave",     "window_start", "window_end", "mailbox",         "name",
      "identity", "source",       "target",     "predicted_start", "predicted_end"};
  EXPECT_EQ(std::vector<std::string>(plan[0].begin(), plan[0].begin() + 10), fixed);
  std::string previous_start;
  std::set<std::string> waves_seen;
  for (size_t i = 1; i < plan.size(); ++i) {
    const auto& row = plan[i];
    waves_seen.insert(row[0]);
    EXPECT_LE(row[1], row[8]) << "starts inside its window: " << row[3];
    EXPECT_LT(row[8], row[2]) << "starts inside its window: " << row[3];
    EXPECT_LE(row[8], row[9]);
    EXPECT_LE(previous_start, row[8]) << "in predicted start order";
    previous_start = row[8];
    EXPECT_EQ(row[6], "EX03/SG1-DB1");
    EXPECT_EQ(row[7], "EX07/DB1");
  }
  EXPECT_EQ(waves_seen, (std::set<std::string>{"1", "2"}));

  const auto waves = read_csv(dir.path() / "plan/waves.csv");
  ASSERT_EQ(waves.size(), 3u);
  EXPECT_EQ(waves[0][0], "wave");
  EXPECT_EQ(waves[1][1], "2007-06-01T20:00:00");
  EXPECT_EQ(waves[1][2], "2007-06-04T06:00:00");
  EXPECT_EQ(waves[2][1], "2007-06-08T20:00:00");
  EXPECT_EQ(std::stoi(waves[1][3]) + std::stoi(waves[2][3]), 120);
  // spare_s = window end - predicted end: the finish policy lets wave 1 run past its end.
  EXPECT_LT(std::stod(waves[1][6]), 0) << "wave 1 overruns (on_window_end: finish)";
  EXPECT_GT(std::stod(waves[2][6]), 0);

  const std::string ps1 = read_text(dir.path() / "plan/plan.ps1");
  EXPECT_EQ(count_moves(ps1, "Move-Mailbox "), 2);  // 2 waves × 1 target database
  EXPECT_EQ(count_moves(ps1,
                        "| Move-Mailbox -TargetDatabase \"EX07\\DB1\" -MaxThreads 4 "
                        "-BadItemLimit 3 -ReportFile "),
            2);
  EXPECT_NE(ps1.find("scenario two-weekends, seed 3, coexlab "), std::string::npos);
  EXPECT_NE(ps1.find("  'EX03/SG1-DB1/0001'"), std::string::npos);

  // Same scenario, same seed: the same bytes.
  const std::string again = (dir.path() / "again").string();
  ASSERT_EQ(run_cli(fmt::format("plan {} --out {} --quiet", file, again)).code, 0);
  for (const char* f : {"plan.csv", "waves.csv", "plan.ps1"})
    EXPECT_EQ(read_text(dir.path() / "plan" / f), read_text(dir.path() / "again" / f)) << f;
}

TEST(PlanCli, MarginMovesMailboxesToLaterWaves) {
  TempDir dir("coexlab-plan-margin");
  const std::string file = dir.write("two-weekends.yaml", kTwoWeekends);
  ASSERT_EQ(run_cli(fmt::format("plan {} --out {}/m0 --quiet", file, dir.path().string())).code, 0);
  ASSERT_EQ(run_cli(fmt::format("plan {} --out {}/m20 --margin '20 %' --quiet", file,
                                dir.path().string()))
                .code,
            0);
  const auto m0 = read_csv(dir.path() / "m0/waves.csv");
  const auto m20 = read_csv(dir.path() / "m20/waves.csv");
  ASSERT_GE(m20.size(), 3u);
  EXPECT_LT(std::stoi(m20[1][3]), std::stoi(m0[1][3])) << "fewer mailboxes in wave 1";
  // Wave 1 now ends by 80 % of its 58 h window: 46.4 h after the start, 2007-06-03T18:24.
  EXPECT_LE(m20[1][5], "2007-06-03T18:24:00");
  EXPECT_GT(std::stod(m20[1][6]), 0.2 * 58 * 3600 - 1);
  int total = 0;
  for (size_t i = 1; i < m20.size(); ++i) total += std::stoi(m20[i][3]);
  EXPECT_EQ(total, 120);
}

// fit.json of a calibration that fitted move_chunk_size (the scenario's ideal-mode value,
// 32 MB) on 100001 moves: t at 100000 degrees of freedom is the normal distribution to 1e-5.
std::string fit_json(double chunk_bytes, double log_sigma) {
  const double z = 1.6448536;  // the normal's 95th percentile: a two-sided 90 % interval
  return fmt::format(R"({{"scenario": "two-weekends", "moves_fitted": 100001, "level": 0.9,
    "constants": [{{"name": "move_chunk_size", "value": {}, "determined": true}}],
    "prediction": {{"duration_s": 500000, "low_s": {}, "high_s": {}, "completed": true}}}})",
                     chunk_bytes, 500000 * std::exp(-z * log_sigma),
                     500000 * std::exp(z * log_sigma));
}

// Seconds from the scenario's start (2007-06-01T20:00) of a date-time it wrote.
double seconds_at(const std::string& iso) {
  std::tm t{};
  std::istringstream(iso) >> std::get_time(&t, "%Y-%m-%dT%H:%M:%S");
  std::tm start{};
  std::istringstream("2007-06-01T20:00:00") >> std::get_time(&start, "%Y-%m-%dT%H:%M:%S");
  return std::difftime(timegm(&t), timegm(&start));
}

TEST(PlanCli, CalibrationGivesEachWaveItsChanceOfFinishing) {
  TempDir dir("coexlab-plan-chance");
  const std::string file = dir.write("two-weekends.yaml", kTwoWeekends);
  const double se = 0.05;  // 5 % relative error (on log F)
  const std::string fit = dir.write("fit.json", fit_json(32e6, se));
  const CliOutput r = run_cli(
      fmt::format("plan {} --out {}/p --calibration {}", file, dir.path().string(), fit), true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("chance to finish"), std::string::npos) << r.out;
  const auto plan = read_csv(dir.path() / "p/plan.csv");
  const auto waves = read_csv(dir.path() / "p/waves.csv");
  ASSERT_EQ(waves.size(), 3u);
  ASSERT_EQ(waves[0].size(), 9u);
  EXPECT_EQ(waves[0][8], "finish_chance");
  for (size_t w = 1; w < waves.size(); ++w) {
    // The wave's first predicted start (plan.csv is in start order), its end, its window's end.
    std::string first;
    for (size_t i = 1; i < plan.size(); ++i) {
      if (plan[i][0] == waves[w][0] && first.empty()) first = plan[i][8];
    }
    const double start = seconds_at(first), end = seconds_at(waves[w][5]),
                 window_end = seconds_at(waves[w][2]);
    // P(F <= allowed / elapsed), log F ~ normal(0, se): Phi(ln(ratio) / se).
    const double expected =
        0.5 * std::erfc(-std::log((window_end - start) / (end - start)) / se / std::sqrt(2.0));
    EXPECT_NEAR(std::stod(waves[w][8]), expected, 2e-4) << "wave " << w;
  }
  EXPECT_LT(std::stod(waves[1][8]), 0.5) << "wave 1 overruns its window";
  EXPECT_GT(std::stod(waves[2][8]), 0.5);

  // Without --calibration the column is there, empty.
  ASSERT_EQ(run_cli(fmt::format("plan {} --out {}/q --quiet", file, dir.path().string())).code, 0);
  const auto plain = read_csv(dir.path() / "q/waves.csv");
  ASSERT_EQ(plain[1].size(), 9u);
  EXPECT_EQ(plain[1][8], "");

  // A fit of other constants than the scenario's: the interval is not for this plan.
  const std::string other = dir.write("other.json", fit_json(40e6, se));
  const CliOutput bad = run_cli(
      fmt::format("plan {} --out {}/x --calibration {}", file, dir.path().string(), other), true);
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("calibration.move_chunk_size = 3.2e+07, the fit 4e+07"), std::string::npos)
      << bad.out;
  const std::string broken = dir.write("broken.json", "{\"level\": 0.9}");
  EXPECT_EQ(
      run_cli(fmt::format("plan {} --out {}/x --calibration {}", file, dir.path().string(), broken))
          .code,
      2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x" / "waves.csv"));
}

TEST(PlanCli, BadMarginIsUsageError) {
  TempDir dir("coexlab-plan-bad");
  const std::string file = dir.write("two-weekends.yaml", kTwoWeekends);
  for (const char* margin : {"'120 %'", "'100 %'", "'-5 %'", "20", "abc", "'20 MB'"}) {
    const CliOutput r = run_cli(
        fmt::format("plan {} --out {}/x --margin {}", file, dir.path().string(), margin), true);
    EXPECT_EQ(r.code, 2) << margin << ": " << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x" / "plan.csv"));
}

}  // namespace
}  // namespace coexlab::test
