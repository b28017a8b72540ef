// The schedulers and throttles in the simulator, in ideal mode so that every expected time is
// arithmetic done here from the scenario's figures; the predictor against the simulator; what
// a scheduler sees through ResourceView; the window overrun metric. One simulation per TEST.
#include <fmt/format.h>

#include "fixtures.hpp"
#include "harness.hpp"
#include "move_estimate.hpp"
#include "scheduler.hpp"
#include "two_site.hpp"

using namespace coexlab;
using coexlab::test::expect_exact;
using coexlab::test::load_valid;
using coexlab::test::simulate_yaml;

namespace {

constexpr double kLan = 0.5e-3;                // one-way LAN latency of both sites
constexpr double kWan = 30e-3;                 // one-way latency of the A-B link
constexpr double kRoute = kLan + kWan + kLan;  // OLD -> NEW; the mover is the target
constexpr double kWanRate = 10e6 / 8;          // B/s

struct Plan {
  std::string db1 = "{ count: 1, size: 1 GB }";
  std::string db2 = "{ count: 0, size: 1 GB }";
  int threads = 1;
  std::string scheduler = "fifo";
  std::string throttles;  // YAML flow map or empty
  std::string windows;    // YAML list or empty
  std::string policy = "finish";
  std::string calibration = "{ mode: ideal }";
  std::string wan = "10 Mbps";
  std::string lan = "10 Gbps";
  std::string sample_interval = "5 min";
  bool two_targets = false;  // NEW has DB1 and DB2, each batch to its own
};

// OLD (2003, site A, databases DB1 and DB2) moves to NEW (2007, site B, the mover) over one
// WAN link; everything else is far faster than the link.
std::string two_site(const Plan& p) {
  coexlab::testing::TwoSite t;
  t.name = "schedulers";
  t.lan_bandwidth = p.lan;
  t.link = "bandwidth: " + p.wan + ", latency: 30 ms";
  t.databases = fmt::format(
      "\n      - {{ name: DB1, mailboxes: {} }}\n      - {{ name: DB2, mailboxes: {} }}", p.db1,
      p.db2);
  t.new_databases = "[ { name: DB1 }, { name: DB2 } ]";
  t.migration = fmt::format(
      R"(  max_threads: {}
  scheduler: {}
  on_window_end: {}
  {}
  {}
  batches:
    - {{ from: OLD/DB1, to: NEW/DB1 }}
    - {{ from: OLD/DB2, to: NEW/{} }})",
      p.threads, p.scheduler, p.policy, p.throttles.empty() ? "" : "throttles: " + p.throttles,
      p.windows.empty() ? "" : "windows: " + p.windows, p.two_targets ? "DB2" : "DB1");
  t.tail = "simulation: { sample_interval: " + p.sample_interval + " }";
  t.calibration = p.calibration;
  return t.yaml();
}

std::vector<int> sources_in_start_order(const test::Simulated& s) {
  std::vector<int> dbs;
  for (const MoveAttempt& a : s.out.recording.attempts)
    dbs.push_back(s.out.queue[size_t(a.queue_index)].source_database);
  return dbs;
}

}  // namespace

// ---- throttles: applied by the simulator whatever the scheduler says
// -----------------------------

TEST(Throttles, PerSourceServerSerialisesMovesFromTwoDatabases) {
  Plan p;
  p.db2 = "{ count: 1, size: 1 GB }";
  p.threads = 2;
  p.throttles = "{ per_source_server: 1, per_source_database: 2 }";
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const double one = kRoute + 1e9 / kWanRate;  // alone: 1 GB over 10 Mbps
  expect_exact(s.attempt(0).end.value, one, "first");
  expect_exact(s.attempt(1).start.value, one, "second starts when the first ends");
  expect_exact(s.attempt(1).end.value, 2 * one, "second");
  EXPECT_EQ(sources_in_start_order(s), (std::vector<int>{0, 1}));
}

TEST(Throttles, PerTargetServerSerialisesMovesToTwoDatabases) {
  Plan p;
  p.db2 = "{ count: 1, size: 1 GB }";
  p.threads = 2;
  p.two_targets = true;
  p.throttles = "{ per_target_server: 1, per_target_database: 2, per_source_database: 2 }";
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const double one = kRoute + 1e9 / kWanRate;
  expect_exact(s.attempt(0).end.value, one, "first");
  expect_exact(s.attempt(1).start.value, one, "second starts when the first ends");
  expect_exact(s.attempt(1).end.value, 2 * one, "second");
}

TEST(Throttles, WithoutThemTwoThreadsShareTheLink) {
  // The control for the two tests above: the same moves run together, each at half the link.
  Plan p;
  p.db2 = "{ count: 1, size: 1 GB }";
  p.threads = 2;
  p.two_targets = true;
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  expect_exact(s.attempt(1).start.value, 0, "second starts at once");
  expect_exact(s.attempt(0).end.value, kRoute + 2e9 / kWanRate, "first");
  expect_exact(s.attempt(1).end.value, kRoute + 2e9 / kWanRate, "second");
}

// ---- window_fit against fifo on a tight window with on_window_end: cancel
// ------------------------

namespace {

// One thread; a first window of 1 h, then a day. Three 1.2 GB moves (960 s each) fill 2,880 s
// of the hour; the 1 GB move after them (800 s) does not fit in the 720 s left.
Plan tight_window(const std::string& scheduler) {
  Plan p;
  p.db1 = "{ count: 3, size: 1.2 GB }";
  p.db2 = "{ count: 1, size: 1 GB }";
  p.scheduler = scheduler;
  p.policy = "cancel";
  p.windows =
      "[ { from: 2007-06-01T20:00, to: 2007-06-01T21:00 }, "
      "{ from: 2007-06-02T20:00, to: 2007-06-03T20:00 } ]";
  return p;
}

const double kLarge = kRoute + 1.2e9 / kWanRate;  // 960 s and the route latency
const double kSmall = kRoute + 1e9 / kWanRate;    // 800 s and the route latency

}  // namespace

TEST(TightWindow, FifoStartsAMoveThatIsCancelledAtTheWindowsEnd) {
  const auto s = simulate_yaml(two_site(tight_window("fifo")));
  const auto m = s.metrics();
  ASSERT_EQ(s.out.recording.attempts.size(), 5u);
  expect_exact(s.attempt(3).start.value, 3 * kLarge, "fourth starts after three large moves");
  EXPECT_EQ(s.attempt(3).state, MoveState::cancelled);
  expect_exact(s.attempt(3).end.value, 3600, "cancelled at the window's end");
  expect_exact(s.attempt(4).start.value, 86400, "retried in the next window");
  expect_exact(s.attempt(4).end.value, 86400 + kSmall, "second attempt");
  EXPECT_EQ(m.attempts_cancelled, 1);
  EXPECT_TRUE(m.completed);
  // A cancelled attempt ends at the window's end: no overrun.
  EXPECT_EQ(window_overrun(s.run()), 0.0);
}

TEST(TightWindow, WindowFitWaitsForTheNextWindowInsteadOfBeingCancelled) {
  const auto s = simulate_yaml(two_site(tight_window("window_fit")));
  const auto m = s.metrics();
  ASSERT_EQ(s.out.recording.attempts.size(), 4u);
  for (size_t i = 0; i < 3; ++i)
    expect_exact(s.attempt(i).end.value, double(i + 1) * kLarge, "large moves");
  expect_exact(s.attempt(3).start.value, 86400, "the small move waits for the next window");
  expect_exact(s.attempt(3).end.value, 86400 + kSmall, "and moves once");
  EXPECT_EQ(m.attempts_cancelled, 0);
  EXPECT_TRUE(m.completed);
  EXPECT_EQ(window_overrun(s.run()), 0.0);
  // Same makespan as fifo, less downtime: the user of the small move is offline once.
  expect_exact(*m.duration_s, 86400 + kSmall, "duration");
}

// ---- largest_first against fifo where the order decides the makespan ----------------------------

namespace {

// Two threads; each move is held to one RPC stream's window over the round trip (64 KiB /
// 62 ms = 1.06 MB/s) and nothing else binds (a 10 Gbps link), so moves do not slow each
// other: identical parallel machines. Four 1 GB mailboxes queued before one 4 GB mailbox.
Plan lpt_case(const std::string& scheduler) {
  Plan p;
  p.db1 = "{ count: 4, size: 1 GB }";
  p.db2 = "{ count: 1, size: 4 GB }";
  p.threads = 2;
  p.scheduler = scheduler;
  p.wan = "10 Gbps";
  p.calibration = "{ mode: ideal, tcp_window: 64 KiB }";
  return p;
}

const double kRtt = 2 * kRoute;  // one leg: the mover is the target
const double kCapped = 65536 / kRtt;

}  // namespace

TEST(Makespan, FifoLeavesTheLargestMailboxAloneAtTheEnd) {
  const auto s = simulate_yaml(two_site(lpt_case("fifo")));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  // 1 GB, 1 GB on each thread, then 4 GB on one thread while the other idles.
  expect_exact(*m.duration_s, 3 * kRoute + 6e9 / kCapped, "fifo makespan");
}

TEST(Makespan, LargestFirstStartsItFirst) {
  const auto s = simulate_yaml(two_site(lpt_case("largest_first")));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  EXPECT_EQ(s.out.queue[size_t(s.attempt(0).queue_index)].source_database, 1);  // the 4 GB one
  // 4 GB on one thread, four 1 GB moves on the other: 4 GB each, 4 route latencies.
  expect_exact(*m.duration_s, 4 * kRoute + 4e9 / kCapped, "LPT makespan");
  EXPECT_LT(*m.duration_s, 3 * kRoute + 6e9 / kCapped);  // below fifo's makespan
}

TEST(Makespan, SmallestFirstMovesEveryMailboxBeforeTheLargest) {
  const auto s = simulate_yaml(two_site(lpt_case("smallest_first")));
  EXPECT_EQ(sources_in_start_order(s), (std::vector<int>{0, 0, 0, 0, 1}));
}

// ---- the scheduler benchmark's metrics (SPEC §5.7) and the portfolio ---------------------------

TEST(SchedulerMetrics, WaitAndBoundedSlowdownOfFifoOnTwoThreads) {
  const auto s = simulate_yaml(two_site(lpt_case("fifo")));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  // 1 GB, 1 GB start at 0; the next two at t1, when those end; the 4 GB one at 2 t1.
  const double t1 = kRoute + 1e9 / kCapped, t4 = kRoute + 4e9 / kCapped;
  ASSERT_TRUE(m.wait_mean_s && m.bounded_slowdown_mean);
  EXPECT_NEAR(*m.wait_mean_s, (0 + 0 + t1 + t1 + 2 * t1) / 5, 1e-9);
  // Per mailbox max(1, (wait + run) / max(run, 10 s)): 1, 1, 2, 2 and (2 t1 + t4) / t4.
  EXPECT_NEAR(*m.bounded_slowdown_mean, (1 + 1 + 2 + 2 + (2 * t1 + t4) / t4) / 5, 1e-12);
  const auto summary = summary_json(s.run(), nlohmann::ordered_json::array());
  // summary.json: to 12 significant digits.
  EXPECT_NEAR(summary["migration"]["wait_mean_s"].get<double>(), *m.wait_mean_s,
              *m.wait_mean_s * 1e-11);
  EXPECT_NEAR(summary["migration"]["bounded_slowdown_mean"].get<double>(), *m.bounded_slowdown_mean,
              1e-11);
}

TEST(SchedulerMetrics, ACancelledMailboxWaitsOnceAndItsTurnaroundSpansEveryAttempt) {
  const auto s = simulate_yaml(two_site(tight_window("fifo")));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed && m.wait_mean_s && m.bounded_slowdown_mean);
  // Large moves back to back from 0 (waits 0, kLarge, 2 kLarge; slowdowns 1, 2, 3); the small
  // one waits 3 kLarge, is cancelled at 3,600 s and moves from 86,400 s: its run is both
  // attempts, its turnaround from 0 to its end.
  const double small_run = (3600 - 3 * kLarge) + kSmall;
  EXPECT_NEAR(*m.wait_mean_s, (0 + kLarge + 2 * kLarge + 3 * kLarge) / 4, 1e-9);
  EXPECT_NEAR(*m.bounded_slowdown_mean, (1 + 2 + 3 + (86400 + kSmall) / small_run) / 4, 1e-12);
}

TEST(SchedulerMetrics, ShortMovesCountAsTenSeconds) {
  Plan p;
  p.db1 = "{ count: 2, size: 1 MB }";  // 0.8 s each on the 10 Mbps link, one thread
  const auto s = simulate_yaml(two_site(p));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed && m.bounded_slowdown_mean);
  const double one = kRoute + 1e6 / kWanRate;
  // The first: max(1, one / 10) = 1; the second waited `one`: (one + one) / 10, below 1 too.
  EXPECT_EQ(*m.bounded_slowdown_mean, 1.0);
  EXPECT_NEAR(*m.wait_mean_s, one / 2, 1e-12);
}

TEST(Portfolio, FollowsLargestFirstWhereTheOrderDecidesTheMakespan) {
  const auto s = simulate_yaml(two_site(lpt_case("portfolio")));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  expect_exact(*m.duration_s, 4 * kRoute + 4e9 / kCapped, "LPT makespan");
}

TEST(Portfolio, FollowsWindowFitWhereTheWindowsEndWouldCancel) {
  // In the replay as in the run, fifo's fourth move starts in the hour's last 720 s and is
  // cancelled at its end; window_fit waits for the next window instead. Both end at
  // 86,400 s + kSmall: the fewer cancelled attempts decide.
  const auto s = simulate_yaml(two_site(tight_window("portfolio")));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  EXPECT_EQ(m.attempts_cancelled, 0);
  expect_exact(*m.duration_s, 86400 + kSmall, "duration");
}

// ---- spreading over sources and resources
// --------------------------------------------------------

TEST(RoundRobinSource, AlternatesTheSourceDatabases) {
  Plan p;
  p.db1 = "{ count: 3, size: 100 MB }";
  p.db2 = "{ count: 3, size: 100 MB }";
  p.scheduler = "round_robin_source";
  const auto s = simulate_yaml(two_site(p));
  ASSERT_TRUE(s.metrics().completed);
  // One thread: nothing runs at a pick, so the least recently served database goes next.
  EXPECT_EQ(sources_in_start_order(s), (std::vector<int>{0, 1, 0, 1, 0, 1}));
}

TEST(BottleneckAware, RunsTheFastSourceBesideTheSlowOne) {
  // SLOW's database disk (100 IOPS x 4 KiB = 409.6 KB/s) binds its moves; FAST's binds
  // nothing. Two threads, SLOW's mailboxes queued first: fifo would run both on SLOW's disk.
  const auto s = simulate_yaml(R"(
scenario: bottleneck
start: 2007-06-01T20:00
sites: [ { name: HQ, lan: { bandwidth: 1 Gbps, latency: 0.5 ms } } ]
servers:
  - name: SLOW
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 100 },
                log_disk: { throughput: 1 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 10 MB } } ]
  - name: FAST
    version: 2003
    site: HQ
    roles: [mailbox]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 1 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 10 MB } } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 10 GB/s, capacity: 10 TB } }
    databases: [ { name: DB } ]
workload: none
migration:
  mover: NEW
  max_threads: 2
  scheduler: bottleneck_aware
  batches:
    - { from: SLOW/DB, to: NEW/DB }
    - { from: FAST/DB, to: NEW/DB }
calibration: { mode: ideal }
)");
  ASSERT_EQ(s.out.recording.attempts.size(), 4u);
  std::vector<int> servers;
  for (const MoveAttempt& a : s.out.recording.attempts)
    servers.push_back(s.out.queue[size_t(a.queue_index)].source_server);
  // SLOW's first, then both of FAST's while it runs, then SLOW's second.
  EXPECT_EQ(servers, (std::vector<int>{0, 1, 1, 0}));
  // SLOW's disk carries 20 MB in all and is busy from the first route latency on (the second
  // SLOW move joins it while the first still runs): the makespan is the disk's.
  expect_exact(s.metrics().duration_s.value(), 0.5e-3 + 20e6 / (100 * 4096.0), "makespan");
}

// ---- the predictor against the simulator
// ---------------------------------------------------------

TEST(MoveEstimate, MatchesTheSimulatorInIdealModeWithALanCrossedTwice) {
  const Scenario sc = load_valid(coexlab::testing::fixture("lan-crossed-twice.yaml"));
  const auto out = sim::simulate(sc);
  const MoveEstimator est(sc, CostModel::from(sc.calibration), out.mailboxes, out.queue);
  ASSERT_EQ(out.recording.attempts.size(), 1u);
  const MoveAttempt& a = out.recording.attempts[0];
  // SimGrid charges a flow twice on a link its route lists twice: half the LAN's rate.
  expect_exact(a.end.value - a.start.value, 2e-3 + 1e9 / (100e6 / 8 / 2), "simulated");
  expect_exact(est.predicted_duration(0).value, a.end.value - a.start.value, "predicted");
}

TEST(MoveEstimate, MatchesTheSimulatorInRealisticModeForMovesAlone) {
  // Realistic costs, no bad items; a branch source, so both legs have their own round trip
  // and the TCP window matters; one thread, so each move runs alone.
  const Scenario sc = load_valid(R"(
scenario: realistic
start: 2007-06-01T20:00
sites:
  - { name: HQ, lan: { bandwidth: 1 Gbps, latency: 0.2 ms } }
  - { name: Branch, lan: { bandwidth: 100 Mbps, latency: 0.5 ms } }
links:
  - { between: [HQ, Branch], bandwidth: 10 Mbps, latency: 20 ms }
servers:
  - name: OLD
    version: 2003
    site: Branch
    roles: [mailbox, bridgehead]
    hardware: { cores: 2, clock: 2 GHz, memory: 4 GiB, nic: 100 Mbps, database_disk: { iops: 400 },
                log_disk: { throughput: 60 MB/s, capacity: 100 GiB } }
    databases:
      - { name: DB, mailboxes: { count: 3, size: { distribution: uniform, min: 10 MB, max: 200 MB } } }
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1500 },
                log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases: [ { name: DB } ]
  - name: CAS
    version: 2007
    site: HQ
    roles: [hub_transport, client_access]
    hardware: { cores: 4, clock: 2.66 GHz, memory: 8 GiB, nic: 1 Gbps, database_disk: { iops: 500 },
                log_disk: { throughput: 60 MB/s, capacity: 50 GiB } }
workload: none
migration: { mover: CAS, max_threads: 1, batches: [ { from: OLD/DB, to: NEW/DB } ] }
calibration: { bad_item_rate: 0 }
)");
  // (The chunks' seeded variation, item_time_cv, adds up to nothing over a move: alone on
  // the platform it is the predictor's formula exactly.)
  const auto out = sim::simulate(sc);
  const MoveEstimator est(sc, CostModel::from(sc.calibration), out.mailboxes, out.queue);
  ASSERT_EQ(out.recording.attempts.size(), 3u);
  for (const MoveAttempt& a : out.recording.attempts) {
    const double simulated = a.end.value - a.start.value;
    EXPECT_NEAR(est.predicted_duration(a.queue_index).value, simulated, simulated * 1e-6)
        << a.queue_index;
  }
}

// ---- what a scheduler sees
// ------------------------------------------------------------------------

namespace {

struct Seen {
  double now = 0;
  double log_left = 0;
  double source_rate = 0;
  double target_rate = 0;
  bool mounted = false;
  bool has_estimates = false;
};

// fifo that writes down what ResourceView says at each pick.
class RecordingScheduler final : public MoveScheduler {
 public:
  explicit RecordingScheduler(std::vector<Seen>& seen) : seen_(seen) {}
  std::string_view name() const override { return "recording"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    const int old = 0, neu = 1;  // servers in file order
    seen_.push_back({ctx.now.value, ctx.resources->log_space_left(neu).value,
                     ctx.resources->recent_throughput_source(old).value,
                     ctx.resources->recent_throughput_target(neu).value,
                     ctx.resources->mounted(neu), ctx.estimates != nullptr});
    return eligible.front();
  }

 private:
  std::vector<Seen>& seen_;
};

}  // namespace

TEST(ResourceView, LogSpaceAndRecentThroughputAsTheSchedulerSeesThem) {
  Plan p;
  p.db1 = "{ count: 3, size: 1 GB }";
  p.sample_interval = "290 s";  // the "recent" window
  const Scenario sc = load_valid(two_site(p));
  std::vector<Seen> seen;
  sim::SimulationOptions options;
  options.make_scheduler = [&seen] { return std::make_unique<RecordingScheduler>(seen); };
  const auto out = sim::simulate(sc, options);
  ASSERT_EQ(out.recording.attempts.size(), 3u);
  ASSERT_EQ(seen.size(), 3u);
  // At the start nothing has moved.
  EXPECT_EQ(seen[0].now, 0);
  EXPECT_EQ(seen[0].log_left, 10e12);
  EXPECT_EQ(seen[0].source_rate, 0);
  EXPECT_EQ(seen[0].target_rate, 0);
  EXPECT_TRUE(seen[0].mounted);
  EXPECT_TRUE(seen[0].has_estimates);
  // 1 GB in 32 chunks of 31.25 MB, one every 25 s at 1.25 MB/s. When a move ends, the last
  // 290 s hold 12 chunks (those ending at 525 ... 800 s after the route latency).
  for (size_t i = 1; i < 3; ++i) {
    expect_exact(seen[i].now, double(i) * (kRoute + 800), "pick time");
    expect_exact(seen[i].log_left, 10e12 - double(i) * 1e9, "log space left");
    expect_exact(seen[i].source_rate, 12 * 31.25e6 / 290, "recent source throughput");
    expect_exact(seen[i].target_rate, 12 * 31.25e6 / 290, "recent target throughput");
  }
}

// ---- window overrun
// ---------------------------------------------------------------------------------

TEST(WindowOverrun, SumsTheTimeMovesRunPastTheirWindowsEnd) {
  // A 10-minute weekly window and 800 s moves under on_window_end: finish.
  Plan p;
  p.db1 = "{ count: 2, size: 1 GB }";
  p.windows = "[ { from: Sat 08:00, to: Sat 08:10 } ]";
  const auto s = simulate_yaml(two_site(p));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const double per_move = kRoute + 800 - 600;
  expect_exact(window_overrun(s.run()), 2 * per_move, "overrun");
  const auto summary = summary_json(s.run(), nlohmann::ordered_json::array());
  expect_exact(summary["migration"]["window_overrun_s"].get<double>(), 2 * per_move,
               "summary.json");
}
