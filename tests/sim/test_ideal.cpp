// Ideal mode (SPEC §2) against arithmetic: route latency once per move + size / max-min fair
// rate, disk = iops x page size. The expected times are computed here from the inputs.
#include <fmt/format.h>

#include "harness.hpp"

using namespace coexlab;
using coexlab::test::expect_exact;
using coexlab::test::simulate_yaml;

namespace {

constexpr double kLan = 0.5e-3;  // one-way LAN latency of every site in these scenarios
constexpr double kWan = 30e-3;   // one-way latency of the A-B link

struct Plan {
  int count = 1;
  std::string size = "1 GB";
  std::string wan = "10 Mbps";
  std::string source_iops = "1000000";
  std::string target_log = "10 TB";
  int threads = 1;
  std::string windows;  // YAML list or empty
  std::string policy = "finish";
  std::string extra_batch;  // e.g. ", not_before: ..."
  std::string backup;       // YAML for NEW's backup or empty
  std::string horizon = "60 d";
};

// A 2003 server in site A, a 2007 server (mover and target) in site B, one WAN link.
std::string two_site(const Plan& p) {
  return fmt::format(R"(
scenario: ideal
start: 2007-06-01T20:00
sites:
  - {{ name: A, lan: {{ bandwidth: 10 Gbps, latency: 0.5 ms }} }}
  - {{ name: B, lan: {{ bandwidth: 10 Gbps, latency: 0.5 ms }} }}
links:
  - {{ between: [A, B], bandwidth: {wan}, latency: 30 ms }}
servers:
  - name: OLD
    version: 2003
    site: A
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps,
                database_disk: {{ iops: {iops} }},
                log_disk: {{ throughput: 10 GB/s, capacity: 10 TB }} }}
    databases:
      - {{ name: DB, mailboxes: {{ count: {count}, size: {size} }} }}
  - name: NEW
    version: 2007
    site: B
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: {log} }} }}
    {backup}
    databases:
      - {{ name: DB }}
workload: none
migration:
  mover: NEW
  max_threads: {threads}
  on_window_end: {policy}
  {windows}
  batches:
    - {{ from: OLD/DB, to: NEW/DB{extra} }}
simulation: {{ horizon: {horizon} }}
calibration: {{ mode: ideal }}
)",
                     fmt::arg("wan", p.wan), fmt::arg("iops", p.source_iops),
                     fmt::arg("count", p.count), fmt::arg("size", p.size),
                     fmt::arg("log", p.target_log), fmt::arg("backup", p.backup),
                     fmt::arg("threads", p.threads), fmt::arg("policy", p.policy),
                     fmt::arg("windows", p.windows.empty() ? "" : "windows: " + p.windows),
                     fmt::arg("extra", p.extra_batch), fmt::arg("horizon", p.horizon));
}

const double kRouteLatency = kLan + kWan + kLan;  // OLD -> NEW; the mover is the target

}  // namespace

TEST(Ideal, SingleMoveOverWanBottleneck) {
  const auto s = simulate_yaml(two_site({}));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  // 1 GB over 10 Mbps: 800 s, plus the route latency once.
  expect_exact(*m.duration_s, kRouteLatency + 1e9 / (10e6 / 8), "duration");
  EXPECT_EQ(s.attempt(0).state, MoveState::moved);
  EXPECT_DOUBLE_EQ(m.bytes_moved, 1e9);
}

TEST(Ideal, SourceDatabaseDiskBottleneck) {
  Plan p;
  p.wan = "10 Gbps";
  p.source_iops = "100";
  p.size = "100 MB";
  const auto s = simulate_yaml(two_site(p));
  // 100 IOPS x 4 KiB pages (Exchange 2003) = 409,600 B/s.
  expect_exact(*s.metrics().duration_s, kRouteLatency + 100e6 / (100 * 4096.0), "duration");
  // The disk is the bottleneck: fully busy while the move streams, idle during the route
  // latency. The run is shorter than a sample interval: one sample over the whole run.
  const auto& disk = s.resource("OLD/database_disk");
  ASSERT_EQ(disk.samples.size(), 1u);
  const double end = s.out.recording.end_time.value;
  expect_exact(disk.samples.front(), (end - kRouteLatency) / end, "disk utilisation");
}

TEST(Ideal, TwoMovesShareTheLinkFairly) {
  Plan p;
  p.count = 2;
  p.threads = 2;
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  // Each gets 5 Mbps: both end at 2 x 800 s.
  for (size_t i = 0; i < 2; ++i) {
    expect_exact(s.attempt(i).end.value, kRouteLatency + 2 * 1e9 / (10e6 / 8), "end");
  }
  // The link is busy from the route latency on: the first 300 s sample shows it.
  const auto& wan = s.resource("link/A-B");
  expect_exact(wan.samples.front(), (300 - kRouteLatency) / 300, "link utilisation");
  expect_exact(wan.samples.at(1), 1.0, "link utilisation");
}

TEST(Ideal, ThreeThreadsOverTwoLinksMaxMin) {
  // Sources in A and C, target in B. Link A-B 10 Mbps carries two moves, link C-B 20 Mbps
  // one; all three enter NEW's 20 Mbps NIC. Max-min: A's moves are held to 5 Mbps each by
  // A-B, so C's move gets the NIC's remaining 10 Mbps (not 20/3). Equal latencies, so that
  // the three flows start together after the route latency.
  const std::string yaml = R"(
scenario: maxmin
start: 2007-06-01T20:00
sites:
  - { name: A, lan: { bandwidth: 10 Gbps, latency: 0 ms } }
  - { name: B, lan: { bandwidth: 10 Gbps, latency: 0 ms } }
  - { name: C, lan: { bandwidth: 10 Gbps, latency: 0 ms } }
links:
  - { between: [A, B], bandwidth: 10 Mbps, latency: 30 ms }
  - { between: [C, B], bandwidth: 20 Mbps, latency: 30 ms }
servers:
  - name: OLD-A
    version: 2003
    site: A
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 100 MB } } ]
  - name: OLD-C
    version: 2003
    site: C
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 1, size: 100 MB } } ]
  - name: NEW
    version: 2007
    site: B
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 20 Mbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB } ]
connectors:
  routing_group:
    - { between: [OLD-A, NEW] }
    - { between: [OLD-C, NEW] }
workload: none
migration:
  mover: NEW
  max_threads: 3
  batches:
    - { from: OLD-A/DB, to: NEW/DB }
    - { from: OLD-C/DB, to: NEW/DB }
calibration: { mode: ideal }
)";
  const auto s = simulate_yaml(yaml);
  ASSERT_EQ(s.out.recording.attempts.size(), 3u);
  const double bits = 100e6 * 8;
  for (const MoveAttempt& a : s.out.recording.attempts) {
    const bool from_c = a.queue_index == 2;
    const double expected = 0.030 + bits / (from_c ? 10e6 : 5e6);
    expect_exact(a.end.value, expected, from_c ? "C move" : "A move");
  }
}

TEST(Ideal, WaitsForTheNextWindow) {
  Plan p;
  p.windows = "[ { from: Sat 08:00, to: Sun 08:00 } ]";
  const auto s = simulate_yaml(two_site(p));
  // Start is Friday 20:00: the window opens 12 h later.
  expect_exact(s.attempt(0).start.value, 12 * 3600.0, "start");
  expect_exact(s.attempt(0).end.value, 12 * 3600.0 + kRouteLatency + 800, "end");
}

TEST(Ideal, FinishPolicyLetsAMoveOverrunAndTheNextWaitsAWeek) {
  Plan p;
  p.count = 2;
  p.windows = "[ { from: Sat 08:00, to: Sat 08:10 } ]";
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const double open = 12 * 3600.0;
  expect_exact(s.attempt(0).end.value, open + kRouteLatency + 800, "first ends past the window");
  EXPECT_EQ(s.attempt(0).state, MoveState::moved);
  expect_exact(s.attempt(1).start.value, open + 7 * 86400.0, "second starts a week later");
  const auto m = s.metrics();
  expect_exact(*m.duration_s, 7 * 86400.0 + kRouteLatency + 800, "duration includes the wait");
}

TEST(Ideal, BatchNotBefore) {
  Plan p;
  p.extra_batch = ", not_before: 2007-06-02T08:00";
  const auto s = simulate_yaml(two_site(p));
  expect_exact(s.attempt(0).start.value, 12 * 3600.0, "start");
  expect_exact(s.attempt(0).queued.value, 12 * 3600.0, "queued at not_before");
}

TEST(Ideal, CancelAtWindowEndRollsBackAndRequeues) {
  Plan p;
  p.size = "5 GB";  // 4,000 s over 10 Mbps: longer than the first 1 h window
  p.policy = "cancel";
  p.windows =
      "[ { from: 2007-06-01T20:00, to: 2007-06-01T21:00 }, "
      "{ from: 2007-06-02T20:00, to: 2007-06-03T20:00 } ]";
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const MoveAttempt& first = s.attempt(0);
  const MoveAttempt& second = s.attempt(1);
  EXPECT_EQ(first.state, MoveState::cancelled);
  expect_exact(first.end.value, 3600, "cancelled at the window's end");
  EXPECT_EQ(second.attempt, 2);
  EXPECT_EQ(second.state, MoveState::moved);
  expect_exact(second.queued.value, 3600, "requeued when cancelled");
  expect_exact(second.start.value, 86400, "retried in the next window");
  expect_exact(second.end.value, 86400 + kRouteLatency + 5e9 / (10e6 / 8), "second attempt");
  const auto m = s.metrics();
  EXPECT_TRUE(m.completed);
  EXPECT_EQ(m.attempts_cancelled, 1);
  EXPECT_DOUBLE_EQ(m.bytes_moved, 5e9);  // the lost work of the first attempt is not counted
  // The user was offline in both attempts.
  expect_exact(*m.downtime_max_s, 3600 + kRouteLatency + 4000, "downtime");
}

TEST(Ideal, FullLogDiskDismountsUntilTheBackup) {
  Plan p;
  p.count = 3;
  p.target_log = "1.5 GB";
  p.backup = "backup: { at: \"02:00\", throughput: 100 MB/s }";
  const auto s = simulate_yaml(two_site(p));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  const auto& events = s.out.recording.events;
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].kind, EventKind::dismount);
  EXPECT_EQ(events[1].kind, EventKind::remount);
  // The logs fill with about 1.5 GB after 1,200 s at 10 Mbps, long before 02:00 (+6 h).
  EXPECT_LT(events[0].time.value, 1300);
  EXPECT_GE(events[1].time.value, 6 * 3600.0);
  // The move waited for the remount, then resumed: the migration ends after the backup.
  EXPECT_GT(*m.last_end_s, events[1].time.value + 1000);
  const auto& space = s.resource("NEW/log_space");
  double peak = 0;
  for (double u : space.samples) peak = std::max(peak, u);
  EXPECT_LE(peak, 1.0 + 1e-12);
  EXPECT_GT(peak, 0.95);
}

TEST(Ideal, FullLogDiskWithoutBackupNeverCompletes) {
  Plan p;
  p.count = 2;
  p.target_log = "1.5 GB";
  p.horizon = "1 d";
  const auto s = simulate_yaml(two_site(p));
  const auto m = s.metrics();
  EXPECT_FALSE(m.completed);
  EXPECT_TRUE(s.out.recording.reached_horizon);
  ASSERT_EQ(s.out.recording.events.size(), 1u);
  EXPECT_EQ(s.out.recording.events[0].kind, EventKind::dismount);
  EXPECT_EQ(s.attempt(1).state, MoveState::unfinished);
  expect_exact(s.attempt(1).end.value, 86400, "unfinished at the horizon");
}

TEST(Ideal, ThrottlePerSourceDatabaseSerialisesMoves) {
  // Two threads, but at most one move per source database (Exchange 2010 MRS-style throttle).
  std::string yaml = two_site([] {
    Plan p;
    p.count = 2;
    p.threads = 2;
    return p;
  }());
  const std::string anchor = "  max_threads: 2\n";
  yaml.replace(yaml.find(anchor), anchor.size(),
               anchor + "  throttles: { per_source_database: 1 }\n");
  const auto s = simulate_yaml(yaml);
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const double one = kRouteLatency + 800;  // alone on the link: 1 GB at 10 Mbps
  expect_exact(s.attempt(0).end.value, one, "first");
  expect_exact(s.attempt(1).start.value, one, "second starts when the first ends");
  expect_exact(s.attempt(1).end.value, 2 * one, "second");
}
