// The lower bound on migration.duration_s (analysis/lower_bound.hpp) against the simulator.
//
// Property: over many generated scenarios (random sites, links, disks, NICs, sizes, threads,
// throttles, windows of both policies, not_before dates; tests/sim/scenario_generator.hpp) the
// simulated duration is never below the bound. Tightness: where one resource is the only
// constraint (a single move over a WAN; N moves sharing one database disk) the simulated
// duration equals the bound within 0.5 %. Each TEST is its own process (one SimGrid engine
// per process): gtest_discover_tests gives every parameter its own ctest entry.
#include <fmt/format.h>

#include "harness.hpp"
#include "lower_bound.hpp"
#include "scenario_generator.hpp"
#include "two_site.hpp"

using namespace coexlab;
using coexlab::test::GeneratorOptions;
using coexlab::test::ScenarioGenerator;
using coexlab::test::simulate_yaml;
using coexlab::test::Simulated;

namespace {

// The simulator computes in floating point and the bound is exact arithmetic: allow rounding.
constexpr double kRounding = 1e-9;

// The bound's input as run_lower_bound builds it (failed mailboxes by what they copied).
LowerBoundInput input_of(const Simulated& s) {
  return lower_bound_input(s.run());
}

// The property, for one simulated scenario. Returns the bound from the run's first start.
std::optional<double> expect_bound_holds(const Simulated& s) {
  const MigrationMetrics m = s.metrics();
  const std::optional<double> bound = run_lower_bound(s.run());
  // Recorded in --gtest_output files: how close the bound comes, case by case.
  ::testing::Test::RecordProperty("duration_s",
                                  m.duration_s ? fmt::format("{:.3f}", *m.duration_s) : "null");
  ::testing::Test::RecordProperty("lower_bound_s", bound ? fmt::format("{:.3f}", *bound) : "null");
  ::testing::Test::RecordProperty("reached_horizon",
                                  s.out.recording.reached_horizon ? "true" : "false");
  if (!m.duration_s) {
    ADD_FAILURE() << "no move started";
    return bound;
  }
  if (s.out.recording.reached_horizon) {
    // Cut by the horizon: duration_s is truncated; nothing to compare. An infinite bound is
    // only ever reported for a migration that cannot complete, which is this case.
    return bound;
  }
  // Ended before the horizon: a bound must exist (the migration did complete its moves) and
  // hold. Infinite (null) would claim that a finished migration was impossible.
  EXPECT_TRUE(bound.has_value()) << "the run finished, yet the bound says it could not";
  if (bound) {
    EXPECT_GE(*m.duration_s, *bound * (1 - kRounding) - 1e-6)
        << "simulated " << *m.duration_s << " s is below the lower bound " << *bound << " s ("
        << migration_lower_bound(input_of(s), Seconds{*m.first_start_s}).binding << ")";
  }
  // The bound without a known first start is weaker, and so holds too.
  const LowerBound any_start = migration_lower_bound(input_of(s), std::nullopt);
  if (bound && any_start.finite()) {
    EXPECT_LE(any_start.duration_s, *bound * (1 + kRounding) + 1e-6);
  }
  return bound;
}

void expect_tight(const Simulated& s) {
  const std::optional<double> bound = expect_bound_holds(s);
  const MigrationMetrics m = s.metrics();
  ASSERT_TRUE(m.completed);
  ASSERT_TRUE(bound.has_value());
  EXPECT_LE(*m.duration_s - *bound, 0.005 * *m.duration_s)
      << "simulated " << *m.duration_s << " s, bound " << *bound << " s ("
      << migration_lower_bound(input_of(s), Seconds{*m.first_start_s}).binding << ")";
}

}  // namespace

// ---- the property over generated scenarios --------------------------------------------------

class GeneratedIdealScenario : public ::testing::TestWithParam<int> {};

TEST_P(GeneratedIdealScenario, SimulatedDurationIsNeverBelowTheBound) {
  const std::string yaml = ScenarioGenerator(std::uint64_t(GetParam()), GeneratorOptions{}).yaml();
  SCOPED_TRACE(yaml);
  expect_bound_holds(simulate_yaml(yaml));
}

INSTANTIATE_TEST_SUITE_P(LowerBound, GeneratedIdealScenario, ::testing::Range(0, 24));

// Realistic mode: per-item round trips, page I/O, CPU, TCP window, and many unreadable items
// (so that failed mailboxes, counted by what they copied, are part of the property).
class GeneratedRealisticScenario : public ::testing::TestWithParam<int> {};

TEST_P(GeneratedRealisticScenario, SimulatedDurationIsNeverBelowTheBound) {
  GeneratorOptions o;
  o.ideal = false;
  o.max_mailboxes_per_database = 6;
  std::string yaml = ScenarioGenerator(std::uint64_t(1000 + GetParam()), o).yaml();
  const std::string mode = "calibration: { mode: realistic }";
  yaml.replace(yaml.find(mode), mode.size(),
               "calibration: { mode: realistic, bad_item_rate: 0.00002 }");
  SCOPED_TRACE(yaml);
  expect_bound_holds(simulate_yaml(yaml));
}

INSTANTIATE_TEST_SUITE_P(LowerBound, GeneratedRealisticScenario, ::testing::Range(0, 6));

// ---- tightness: one resource is the only constraint -----------------------------------------

// One mailbox from site A to site B over one WAN link, everything else 100x faster; a short
// and a long weekly window, either policy, sometimes a not_before. The bound is the route
// latency + size / WAN rate, from the first window the move can use: exactly the simulation.
class SingleMoveOverWan : public ::testing::TestWithParam<int> {};

TEST_P(SingleMoveOverWan, DurationEqualsTheBound) {
  RandomStream rng(std::uint64_t(GetParam()), "single-wan");
  const int size_mb = 10 + int(rng.uniform() * 1500);
  const double wan_mbps = rng.uniform(1, 40);
  const bool cancel = rng.bernoulli(0.5);
  // The move takes size x 8 / WAN seconds; the long window has room for it twice over.
  const int move_hours = 1 + int(size_mb * 8.0 / wan_mbps / 3600);
  const std::string windows =
      rng.bernoulli(0.3) ? ""
                         : fmt::format(R"(
  windows:
    - {{ from: Sat 0{0}:00, to: Sat 0{0}:30 }}
    - {{ from: Mon 00:00, to: Mon {1:02}:00 }})",
                                       int(rng.uniform() * 8), std::min(23, 2 * move_hours + 1));
  const std::string not_before = rng.bernoulli(0.4) ? fmt::format(", not_before: 2007-06-0{}T12:00",
                                                                  2 + int(rng.uniform() * 6))
                                                    : "";
  coexlab::testing::TwoSite t;
  t.name = "single-wan";
  t.lan_a = "0.3 ms";
  t.lan_b = "0.4 ms";
  t.link = fmt::format("bandwidth: {:.3f} Mbps, latency: {:.1f} ms", wan_mbps, rng.uniform(5, 80));
  t.databases = fmt::format("[ {{ name: DB, mailboxes: {{ count: 1, size: {} MB }} }} ]", size_mb);
  t.migration = fmt::format(R"(  max_threads: 1
  on_window_end: {}{}
  batches:
    - {{ from: OLD/DB, to: NEW/DB{} }})",
                            cancel ? "cancel" : "finish", windows, not_before);
  const std::string yaml = t.yaml();
  SCOPED_TRACE(yaml);
  expect_tight(simulate_yaml(yaml));
}

INSTANTIATE_TEST_SUITE_P(LowerBound, SingleMoveOverWan, ::testing::Range(0, 5));

// N mailboxes of random sizes from one slow 2003 database disk, N threads, everything else
// 100x faster: the disk is busy from the route latency to the end, so the duration is the
// latency + total bytes / (iops x 4 KiB), which is the disk's term of the bound.
class MovesSharingOneDisk : public ::testing::TestWithParam<int> {};

TEST_P(MovesSharingOneDisk, DurationEqualsTheBound) {
  RandomStream rng(std::uint64_t(GetParam()), "shared-disk");
  const int count = 2 + int(rng.uniform() * 7);
  const bool windowed = rng.bernoulli(0.5);
  const std::string yaml =
      fmt::format(R"(
scenario: shared-disk
seed: {}
start: 2007-06-01T20:00
sites:
  - {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: {:.2f} ms }} }}
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: {{ iops: {} }},
                log_disk: {{ throughput: 10 GB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB, mailboxes: {{ count: {}, size: {{ distribution: uniform, min: 5 MB, max: 60 MB }} }} }} ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration:
  mover: NEW
  max_threads: {}
  on_window_end: {}{}
  batches:
    - {{ from: OLD/DB, to: NEW/DB }}
calibration: {{ mode: ideal }}
)",
                  GetParam() + 1, rng.uniform(0.1, 2), 100 + int(rng.uniform() * 900), count, count,
                  rng.bernoulli(0.5) ? "cancel" : "finish",
                  windowed ? "\n  windows: [ { from: Sun 10:00, to: Mon 20:00 } ]" : "");
  SCOPED_TRACE(yaml);
  expect_tight(simulate_yaml(yaml));
}

INSTANTIATE_TEST_SUITE_P(LowerBound, MovesSharingOneDisk, ::testing::Range(0, 5));

// ---- the terms one by one, by hand ----------------------------------------------------------

namespace {

// OLD (2003, site A) -> NEW (2007, site B, the mover) over a 10 Mbps, 30 ms link; LANs
// 0.5 ms. `count` mailboxes of `size`; the migration block's tail is given.
std::string two_site(int count, const std::string& size, const std::string& migration_tail) {
  coexlab::testing::TwoSite t;
  t.name = "by-hand";
  t.databases =
      fmt::format("[ {{ name: DB, mailboxes: {{ count: {}, size: {} }} }} ]", count, size);
  t.migration = migration_tail;
  return t.yaml();
}

constexpr double kRoute = 0.5e-3 + 30e-3 + 0.5e-3;  // OLD -> NEW, one way
constexpr double kWanBytesPerSecond = 10e6 / 8;

LowerBound bound_of(const std::string& yaml, std::optional<double> first_start) {
  const Scenario s = coexlab::test::load_valid(yaml);
  const std::vector<Mailbox> mailboxes = generate_mailboxes(s);
  const std::vector<MoveRequest> queue = build_move_queue(s, mailboxes);
  return migration_lower_bound(
      {s, mailboxes, queue, {}},
      first_start ? std::optional<Seconds>(Seconds{*first_start}) : std::nullopt);
}

}  // namespace

TEST(LowerBoundTerms, FinishLetsALongMoveStartInAShortWindow) {
  // 4.5 GB over 10 Mbps: a 1 h move, started in a 10 min window (Sat 08:00, +12 h).
  const std::string yaml = two_site(1, "4.5 GB", R"(  on_window_end: finish
  windows: [ { from: Sat 08:00, to: Sat 08:10 } ]
  batches: [ { from: OLD/DB, to: NEW/DB } ])");
  const LowerBound b = bound_of(yaml, 12 * 3600.0);
  coexlab::test::expect_exact(b.duration_s, kRoute + 4.5e9 / kWanBytesPerSecond, "one move, whole");
}

TEST(LowerBoundTerms, CancelNeedsAWindowTheMoveFitsIn) {
  const std::string short_only = two_site(1, "4.5 GB", R"(  on_window_end: cancel
  windows: [ { from: Sat 08:00, to: Sat 08:10 } ]
  batches: [ { from: OLD/DB, to: NEW/DB } ])");
  EXPECT_FALSE(bound_of(short_only, 12 * 3600.0).finite())
      << "a 1 h move never fits a 10 min window";
  EXPECT_FALSE(bound_of(short_only, std::nullopt).finite()) << "whatever the first start";
  // A 2 h window on Sunday (+36 h): the move must wait for it.
  const std::string with_sunday = two_site(1, "4.5 GB", R"(  on_window_end: cancel
  windows: [ { from: Sat 08:00, to: Sat 08:10 }, { from: Sun 08:00, to: Sun 10:00 } ]
  batches: [ { from: OLD/DB, to: NEW/DB } ])");
  coexlab::test::expect_exact(bound_of(with_sunday, 12 * 3600.0).duration_s,
                              24 * 3600.0 + kRoute + 3600,
                              "from Saturday's start to Sunday's end of the move");
}

TEST(LowerBoundTerms, ThreadLimitIsTotalTimeOverThreads) {
  // Four 1 MB moves, one thread: each at least the route latency + 0.8 s, one after another.
  // The WAN alone would allow latency + 3.2 s.
  const std::string yaml = two_site(4, "1 MB", R"(  max_threads: 1
  batches: [ { from: OLD/DB, to: NEW/DB } ])");
  const LowerBound b = bound_of(yaml, 0.0);
  coexlab::test::expect_exact(b.duration_s, 4 * (kRoute + 1e6 / kWanBytesPerSecond), "threads");
  EXPECT_EQ(b.binding, "migration/threads");
  const auto s = simulate_yaml(yaml);
  coexlab::test::expect_exact(*s.metrics().duration_s, b.duration_s,
                              "simulated: exactly the thread term");
}

TEST(LowerBoundTerms, ResourceTermCountsEveryMoveOnTheLink) {
  const std::string yaml = two_site(4, "100 MB", R"(  max_threads: 4
  batches: [ { from: OLD/DB, to: NEW/DB } ])");
  const LowerBound b = bound_of(yaml, 0.0);
  coexlab::test::expect_exact(b.duration_s, kRoute + 4 * 100e6 / kWanBytesPerSecond,
                              "the link's term");
  EXPECT_EQ(b.binding, "link/A-B:up");
}

TEST(LowerBoundTerms, NotBeforeDelaysTheWorkReleasedLater) {
  // Two batches of one 100 MB mailbox each (80 s over the link); the second from a week later.
  std::string yaml = two_site(2, "100 MB", R"(  max_threads: 2
  batches:
    - { from: OLD/DB, to: NEW/DB, mailboxes: 1 }
    - { from: OLD/DB2, to: NEW/DB, not_before: 2007-06-08T20:00 })");
  const std::string db = "    databases: [ { name: DB, mailboxes: { count: 2, size: 100 MB } } ]\n";
  yaml.replace(yaml.find(db), db.size(),
               "    databases: [ { name: DB, mailboxes: { count: 1, size: 100 MB } },\n"
               "                 { name: DB2, mailboxes: { count: 1, size: 100 MB } } ]\n");
  const LowerBound from_start = bound_of(yaml, 0.0);
  coexlab::test::expect_exact(from_start.duration_s, 7 * 86400.0 + kRoute + 80,
                              "a week, then the second move");
  // A scheduler could wait for the second batch and start both together: without a known
  // first start the bound keeps only what holds anyway (both moves through the link).
  coexlab::test::expect_exact(bound_of(yaml, std::nullopt).duration_s, kRoute + 160,
                              "any first start");
}

TEST(LowerBoundTerms, FinishOverrunIsBoundedByTheMovesRunningAtTheWindowEnd) {
  // Twelve 45 MB moves (36 s each over the link, shared), two threads, a 60 s window every
  // day: the link's 432 s of work exceeds the open time plus what two moves can run past each
  // window's end, so the bound reaches into later windows.
  const std::string yaml = two_site(12, "45 MB", R"(  max_threads: 2
  on_window_end: finish
  windows:
    - { from: Sat 08:00, to: Sat 08:01 }
    - { from: Sun 08:00, to: Sun 08:01 }
    - { from: Mon 08:00, to: Mon 08:01 }
    - { from: Tue 08:00, to: Tue 08:01 }
  batches: [ { from: OLD/DB, to: NEW/DB } ])");
  const LowerBound b = bound_of(yaml, 12 * 3600.0);
  EXPECT_GE(b.duration_s, 86400.0) << b.binding;
  const auto s = simulate_yaml(yaml);
  ASSERT_TRUE(s.metrics().completed);
  EXPECT_GE(*s.metrics().duration_s, b.duration_s);
}

// A flow that crosses one resource twice uses it twice: the bound counts it so, and the
// simulator (SimGrid's max-min) agrees. Same site, the mover between source and target: the
// LAN carries each byte on both legs, in the same direction.
TEST(LowerBoundTerms, ALanCrossedOnBothLegsCountsTwice) {
  const std::string yaml = R"(
scenario: lan-twice
start: 2007-06-01T20:00
sites: [ { name: HQ, lan: { bandwidth: 10 Mbps, latency: 1 ms } } ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 1, size: 50 MB } } ]
  - name: MOVER
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB } ]
workload: none
migration: { mover: MOVER, batches: [ { from: OLD/DB, to: NEW/DB } ] }
calibration: { mode: ideal }
)";
  const double expected =
      2e-3 + 2 * 50e6 / (10e6 / 8);  // two legs of 1 ms; 50 MB twice over 10 Mbps
  coexlab::test::expect_exact(bound_of(yaml, 0.0).duration_s, expected, "bound");
  const auto s = simulate_yaml(yaml);
  coexlab::test::expect_exact(*s.metrics().duration_s, expected, "simulated");
}

// A move between two databases of one 2007 server reads and writes the same disk.
TEST(LowerBoundTerms, OneServersDiskAsSourceAndTargetCountsTwice) {
  const std::string yaml = R"(
scenario: disk-twice
start: 2007-06-01T20:00
sites: [ { name: HQ, lan: { bandwidth: 10 Gbps, latency: 1 ms } } ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: { iops: 100 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB1, mailboxes: { count: 1, size: 20 MB } }, { name: DB2 } ]
workload: none
migration: { mover: NEW, batches: [ { from: NEW/DB1, to: NEW/DB2 } ] }
calibration: { mode: ideal }
)";
  const double expected = 2 * 20e6 / (100 * 8192.0);  // mover = source = target: no network leg
  coexlab::test::expect_exact(bound_of(yaml, 0.0).duration_s, expected, "bound");
  const auto s = simulate_yaml(yaml);
  coexlab::test::expect_exact(*s.metrics().duration_s, expected, "simulated");
}
