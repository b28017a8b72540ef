// The move model's finer points (docs/model.md, "Move-Mailbox"): a store serves a bounded
// number of moves at once (store_rpc_concurrency), and a chunk's RPC delay varies with its
// items (item_time_cv), seeded per attempt, so identical mailboxes do not move in lockstep
// while the mean stays the predictor's. The comparisons of two runs use the CLI (one engine
// per process).
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"

using coexlab::test::read_text;
using coexlab::test::run_cli;
using coexlab::test::TempDir;
using nlohmann::json;

namespace {

// `count` mailboxes of a fixed `size` (25 items per MB) on a LAN, from a 2003 disk of `iops`
// (fast by default: each move is bound by its items' round trips and store time).
std::string lan(int count, int threads, const std::string& calibration,
                const std::string& size = "20 MB", int iops = 10000000) {
  return fmt::format(R"(scenario: finer
seed: 5
start: 2007-06-01T20:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: 0.2 ms }} }} ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 64, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: {{ iops: {} }},
                log_disk: {{ throughput: 10 GB/s, capacity: 100 TB }} }}
    databases: [ {{ name: DB, mailboxes: {{ count: {}, size: {} }} }} ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 64, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: {{ iops: 10000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: 100 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration: {{ mover: NEW, max_threads: {}, batches: [ {{ from: OLD/DB, to: NEW/DB }} ] }}
calibration: {{ bad_item_rate: 0{} }}
)",
                     iops, count, size, threads, calibration);
}

struct Attempt {
  double start = 0, end = 0;
};

std::vector<Attempt> attempts(const std::string& moves_csv) {
  std::vector<Attempt> out;
  std::istringstream in(moves_csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    out.push_back({std::stod(cells.at(7)), std::stod(cells.at(8))});  // start_s, end_s
  }
  return out;
}

int most_at_once(const std::vector<Attempt>& a) {
  std::vector<std::pair<double, int>> edges;
  for (const Attempt& x : a) {
    edges.emplace_back(x.start, +1);
    edges.emplace_back(x.end, -1);
  }
  std::sort(edges.begin(), edges.end());  // an end before a start at the same instant
  int now = 0, most = 0;
  for (const auto& [t, d] : edges) most = std::max(most, now += d);
  return most;
}

struct RunResult {
  double duration = 0;
  std::vector<Attempt> attempts;
};

RunResult run(const TempDir& dir, const std::string& name, const std::string& yaml) {
  const std::string file = dir.write(name + ".yaml", yaml);
  const auto r =
      run_cli(fmt::format("run {} --out {}/{} --quiet", file, dir.path().string(), name));
  EXPECT_EQ(r.code, 0) << name << ": " << r.out;
  RunResult out;
  const json summary = json::parse(read_text(dir.path() / name / "summary.json"));
  out.duration = summary["migration"]["duration_s"].get<double>();
  out.attempts = attempts(read_text(dir.path() / name / "moves.csv"));
  return out;
}

}  // namespace

TEST(StoreConcurrency, TwoHundredThreadsAgainstOneStoreAreNoFasterThanItsLimit) {
  TempDir dir("coexlab-store-limit");
  const RunResult limited = run(dir, "t200", lan(400, 200, ""));  // the default: 100 per store
  const RunResult hundred = run(dir, "t100", lan(400, 100, ""));
  const RunResult unlimited = run(dir, "free", lan(400, 200, ", store_rpc_concurrency: 0"));
  EXPECT_EQ(most_at_once(limited.attempts), 100);
  EXPECT_EQ(most_at_once(unlimited.attempts), 200);
  // 200 threads wait for the store's 100 slots: no faster than 100 threads (the seeded
  // variation of the chunks differs a little between the two plans).
  EXPECT_GT(limited.duration, 0.95 * hundred.duration);
  EXPECT_LT(unlimited.duration, 0.6 * limited.duration);
}

TEST(ItemTimeVariation, IdenticalMailboxesDoNotMoveInLockstepAndKeepTheirDurationAlone) {
  TempDir dir("coexlab-lockstep");
  // Two identical 200 MB mailboxes (7 chunks each) start together and share a 2003 disk of
  // 2,000 IOPS (8 MB/s): without variation their chunks stay in phase and they end together.
  const RunResult fixed = run(dir, "fixed", lan(2, 2, ", item_time_cv: 0", "200 MB", 2000));
  ASSERT_EQ(fixed.attempts.size(), 2u);
  EXPECT_EQ(fixed.attempts[0].end, fixed.attempts[1].end);
  const RunResult varied = run(dir, "varied", lan(2, 2, "", "200 MB", 2000));
  ASSERT_EQ(varied.attempts.size(), 2u);
  EXPECT_NE(varied.attempts[0].end, varied.attempts[1].end);
  // Alone (one thread), a move's chunks add up to their mean: the same migration to the float.
  const RunResult one = run(dir, "one-fixed", lan(10, 1, ", item_time_cv: 0", "200 MB", 2000));
  const RunResult many = run(dir, "one-varied", lan(10, 1, "", "200 MB", 2000));
  EXPECT_NEAR(many.duration, one.duration, 1e-9 * one.duration);
}

TEST(RoundTrips, AWanMovesBytesInItsCountedRoundTripsNotAgainBehindAWindowCap) {
  TempDir dir("coexlab-window");
  // One 20 MB mailbox (500 items) from a branch 100 ms away (a 100 Mbps link): its items'
  // round trips already carry the data, so by default the bytes cost only the link's time.
  std::string yaml = lan(1, 1, "", "20 MB");
  const auto replace = [&yaml](const std::string& from, const std::string& to) {
    const auto at = yaml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    yaml.replace(at, from.size(), to);
  };
  replace("sites: [ { name: HQ, lan: { bandwidth: 10 Gbps, latency: 0.2 ms } } ]",
          "sites: [ { name: HQ, lan: { bandwidth: 10 Gbps, latency: 0 ms } },\n"
          "         { name: Branch, lan: { bandwidth: 10 Gbps, latency: 0 ms } } ]\n"
          "links: [ { between: [HQ, Branch], bandwidth: 100 Mbps, latency: 100 ms } ]");
  replace("  - name: OLD\n    version: 2003\n    site: HQ",
          "  - name: OLD\n    version: 2003\n    site: Branch");
  const RunResult counted_once = run(dir, "default", yaml);
  std::string capped_yaml = yaml;
  capped_yaml.replace(capped_yaml.find("bad_item_rate: 0"), 16,
                      "bad_item_rate: 0, tcp_window: 64 KiB");
  const RunResult capped = run(dir, "capped", capped_yaml);
  // The cap would add the bytes at 64 KiB per 200 ms round trip, less their time on the link.
  const double bytes = 20e6;
  const double extra = bytes / (65536 / 0.2) - bytes / (100e6 / 8);
  EXPECT_NEAR(capped.duration - counted_once.duration, extra, 0.03 * extra);
}
