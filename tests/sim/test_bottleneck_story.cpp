// One bottleneck story (SPEC §5.1): the factor `run` names (summary.json bottleneck.resource,
// estimated from the one run: analysis/bottleneck.hpp) is the one `coexlab bottlenecks`
// ranks first by simulation, or one within 20 % of its gain; and `bottlenecks --out` writes
// the ranking and the advice as a page.
#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "sweep.hpp"

using coexlab::test::read_text;
using coexlab::test::run_cli;
using coexlab::test::TempDir;
using nlohmann::json;

namespace {

// A LAN migration of 48 mailboxes of 200 MB (5,000 items each) from a 2003 server whose
// database disk has `iops`, with `threads` mover threads over `windows`; no users.
std::string lan(int iops, int threads, const std::string& windows,
                const std::string& latency = "0.2 ms") {
  return fmt::format(R"(scenario: story
seed: 3
start: 2007-06-01T20:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 1 Gbps, latency: {} }} }} ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: {{ iops: {} }},
                log_disk: {{ throughput: 100 MB/s, capacity: 2 TB }} }}
    databases: [ {{ name: DB, mailboxes: {{ count: 48, size: 200 MB, items_per_mb: 25 }} }} ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: {{ iops: 5000 }},
                log_disk: {{ throughput: 200 MB/s, capacity: 2 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration:
  mover: NEW
  max_threads: {}
  windows: {}
  batches: [ {{ from: OLD/DB, to: NEW/DB }} ]
)",
                     latency, iops, threads, windows);
}

// Runs the scenario and its bottlenecks ranking; expects the run's bottleneck to be the first
// factor or within 20 % of its gain, and returns the run's factor.
std::string expect_one_story(const std::string& yaml) {
  TempDir dir("coexlab-story");
  const std::string file = dir.write("story.yaml", yaml);
  const auto run = run_cli(fmt::format("run {} --out {}/run --quiet", file, dir.path().string()));
  EXPECT_EQ(run.code, 0) << run.out;
  const json summary = json::parse(read_text(dir.path() / "run" / "summary.json"));
  const std::string named = summary["bottleneck"]["resource"].get<std::string>();
  const auto ranked =
      run_cli(fmt::format("bottlenecks {} --jobs 2 --out {}/ranking", file, dir.path().string()));
  EXPECT_EQ(ranked.code, 0) << ranked.out;
  const auto rows = coexlab::read_csv((dir.path() / "ranking" / "bottlenecks.csv").string());
  EXPECT_TRUE(rows.has_value());
  if (!rows) return named;
  double top = -1, of_named = -1;
  std::string first;
  for (const auto& r : *rows) {
    const double gain = r.at("gain_s").empty() ? -1 : std::stod(r.at("gain_s"));
    if (gain > top) {
      top = gain;
      first = r.at("factor");
    }
    if (r.at("factor") == named) of_named = gain;
  }
  EXPECT_GT(top, 0);
  EXPECT_GE(of_named, 0.8 * top) << "run names " << named << " (gain " << of_named
                                 << " s); bottlenecks ranks " << first << " first (" << top
                                 << " s)";
  const std::string page = read_text(dir.path() / "ranking" / "bottlenecks.html");
  EXPECT_NE(page.find("Bottleneck ranking"), std::string::npos);
  EXPECT_NE(page.find(first), std::string::npos);
  EXPECT_NE(page.find("Advice"), std::string::npos);
  // DIR/report.html: the baseline run's page with the simulated ranking, labelled so, in place
  // of the estimate; the top factor heads it.
  const std::string report = read_text(dir.path() / "ranking" / "report.html");
  const size_t ranking = report.find("<h2>Bottleneck ranking (simulated)</h2>");
  EXPECT_NE(ranking, std::string::npos);
  EXPECT_EQ(report.find("Bottleneck ranking (estimated)"), std::string::npos);
  EXPECT_NE(report.find("Simulated by <code>coexlab bottlenecks</code>"), std::string::npos);
  EXPECT_NE(report.find("coexlab report"), std::string::npos);
  const size_t table = report.find("<table>", ranking);
  EXPECT_EQ(report.find("<td>", table), report.find("<td>" + first, table))
      << "the first row is the top factor " << first;
  return named;
}

}  // namespace

TEST(BottleneckStory, ASlowSourceDiskIsNamedWhenItBindsTheMoves) {
  // 300 IOPS x 4 KiB: 1.2 MB/s shared by 8 threads — the disk, not the threads.
  EXPECT_EQ(expect_one_story(lan(300, 8, "[]")), "OLD/database_disk");
}

TEST(BottleneckStory, FewThreadsOnFastDisksAreNamedAsTheThreads) {
  // 20,000 IOPS and one thread: each move's item round trips are the limit.
  EXPECT_EQ(expect_one_story(lan(20000, 1, "[]")), "migration/threads");
}

TEST(BottleneckStory, WindowsOrThreadsWhenShortWindowsHoldTheMovesBack) {
  // One thread in a 2-hour nightly window: the windows or the threads, whichever the ranking
  // says (each halves the open time needed).
  expect_one_story(lan(20000, 1,
                       "[ { from: Mon 02:00, to: Mon 04:00 }, { from: Tue 02:00, to: "
                       "Tue 04:00 }, { from: Wed 02:00, to: Wed 04:00 } ]"));
}

TEST(BottleneckStory, AWanRoundTripIsNamedWhenLatencyBindsTheMoves) {
  std::string yaml = lan(20000, 2, "[]");
  // The 2003 server in a branch 60 ms away over a 100 Mbps link.
  const auto replace = [&yaml](const std::string& from, const std::string& to) {
    const auto at = yaml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    yaml.replace(at, from.size(), to);
  };
  replace("sites: [ { name: HQ, lan: { bandwidth: 1 Gbps, latency: 0.2 ms } } ]",
          "sites: [ { name: HQ }, { name: Branch } ]\n"
          "links: [ { between: [HQ, Branch], bandwidth: 100 Mbps, latency: 60 ms } ]");
  replace("  - name: OLD\n    version: 2003\n    site: HQ",
          "  - name: OLD\n    version: 2003\n    site: Branch");
  const std::string named = expect_one_story(yaml);
  EXPECT_TRUE(named == "link/HQ-Branch/latency" || named == "migration/threads") << named;
}
