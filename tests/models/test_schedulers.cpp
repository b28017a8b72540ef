// The built-in move schedulers on hand-built contexts (no simulation), and the move-duration
// predictor against arithmetic done here from the scenario's figures.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "calibration.hpp"
#include "loader.hpp"
#include "mailboxes.hpp"
#include "move_cost.hpp"
#include "move_estimate.hpp"
#include "plan_replay.hpp"
#include "rules.hpp"
#include "scheduler.hpp"

#include "load_support.hpp"
#include "test_support.hpp"
#include "two_site.hpp"

using namespace coexlab;
using coexlab::testing::fixture;
using coexlab::testing::replace_once;

namespace {

Scenario load(const std::string& yaml) {
  return coexlab::testing::load_valid(yaml);
}

// A hand-built queue: request i moves mailbox i of `sizes` from source database `dbs[i]`.
struct HandQueue {
  std::vector<Mailbox> mailboxes;
  std::vector<MoveRequest> queue;

  HandQueue(const std::vector<double>& sizes, const std::vector<int>& dbs) {
    for (size_t i = 0; i < sizes.size(); ++i) {
      Mailbox m;
      m.id = fmt::format("OLD/DB{}/{:04}", dbs[i], i + 1);
      m.server = 0;
      m.database = dbs[i];
      m.size = Bytes{sizes[i]};
      mailboxes.push_back(m);
      MoveRequest r;
      r.queue_index = static_cast<int>(i);
      r.mailbox = static_cast<int>(i);
      r.source_server = 0;
      r.source_database = dbs[i];
      r.target_server = 1;
      r.target_database = 0;
      queue.push_back(r);
    }
  }

  SchedulerContext context(std::span<const int> in_flight = {}) const {
    SchedulerContext ctx;
    ctx.queue = &queue;
    ctx.mailboxes = &mailboxes;
    ctx.in_flight = in_flight;
    return ctx;
  }
};

std::optional<int> pick(std::string_view scheduler, const SchedulerContext& ctx,
                        std::vector<int> eligible) {
  auto s = make_scheduler(scheduler);
  if (!s) throw std::runtime_error("no scheduler " + std::string(scheduler));
  return s->pick(ctx, eligible);
}

}  // namespace

TEST(SchedulerRegistry, HasTheBuiltInsInOrderAndMakesEach) {
  const std::vector<std::string_view> expected{
      "fifo",       "largest_first", "smallest_first", "round_robin_source", "bottleneck_aware",
      "window_fit", "portfolio"};
  EXPECT_EQ(scheduler_names(), expected);
  for (std::string_view name : expected) {
    auto s = make_scheduler(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(s->name(), name);
  }
  EXPECT_EQ(make_scheduler("lifo"), nullptr);
}

TEST(Fifo, TakesTheFirstEligible) {
  const HandQueue h({1e9, 2e9, 3e9, 4e9}, {0, 0, 0, 0});
  EXPECT_EQ(pick("fifo", h.context(), {1, 2, 3}), 1);
  EXPECT_EQ(pick("fifo", h.context(), {}), std::nullopt);
}

// The simulator stops listing eligible requests at a scheduler's prefix: fifo's pick from
// the first one alone is its pick from the whole list; the others look at every one.
TEST(Fifo, LooksAtTheFirstEligibleOnly) {
  const HandQueue h({1e9, 2e9, 3e9, 4e9}, {0, 0, 0, 0});
  EXPECT_EQ(make_scheduler("fifo")->eligible_prefix(), 1u);
  EXPECT_EQ(pick("fifo", h.context(), {2}), pick("fifo", h.context(), {2, 0, 3}));
  for (std::string_view name : scheduler_names()) {
    if (name == "fifo") continue;
    EXPECT_EQ(make_scheduler(name)->eligible_prefix(), std::numeric_limits<std::size_t>::max())
        << name;
  }
}

TEST(LargestFirst, LargestThenQueueOrder) {
  const HandQueue h({100e6, 300e6, 300e6, 200e6}, {0, 0, 0, 0});
  EXPECT_EQ(pick("largest_first", h.context(), {0, 1, 2, 3}), 1);  // 1 and 2 tie: queue order
  EXPECT_EQ(pick("largest_first", h.context(), {0, 2, 3}), 2);
  EXPECT_EQ(pick("largest_first", h.context(), {0, 3}), 3);
}

TEST(SmallestFirst, SmallestThenQueueOrder) {
  const HandQueue h({300e6, 100e6, 100e6, 200e6}, {0, 0, 0, 0});
  EXPECT_EQ(pick("smallest_first", h.context(), {0, 1, 2, 3}), 1);  // 1 and 2 tie: queue order
  EXPECT_EQ(pick("smallest_first", h.context(), {0, 2, 3}), 2);
  EXPECT_EQ(pick("smallest_first", h.context(), {0, 3}), 3);
}

TEST(RoundRobinSource, FewestInFlightThenLeastRecentlyServedThenQueueOrder) {
  // Requests 0-2 from database 0, 3-4 from database 1.
  const HandQueue h({1e9, 1e9, 1e9, 1e9, 1e9}, {0, 0, 0, 1, 1});
  auto rr = make_scheduler("round_robin_source");
  // Nothing runs, nothing served yet: queue order.
  const std::vector<int> none;
  EXPECT_EQ(rr->pick(h.context(none), std::vector<int>{0, 1, 2, 3, 4}), 0);
  // Database 0 has a move running, database 1 none: database 1.
  const std::vector<int> running_0{0};
  EXPECT_EQ(rr->pick(h.context(running_0), std::vector<int>{1, 2, 3, 4}), 3);
  // One running on each: database 0 was served longer ago (pick 1) than database 1 (pick 2).
  const std::vector<int> running_0_3{0, 3};
  EXPECT_EQ(rr->pick(h.context(running_0_3), std::vector<int>{1, 2, 4}), 1);
  // Two on database 0, one on database 1.
  const std::vector<int> running_0_1_3{0, 1, 3};
  EXPECT_EQ(rr->pick(h.context(running_0_1_3), std::vector<int>{2, 4}), 4);
}

TEST(RoundRobinSource, ServesDatabasesInTurnWhenNothingRuns) {
  const HandQueue h({1e9, 1e9, 1e9, 1e9}, {0, 0, 1, 1});
  auto rr = make_scheduler("round_robin_source");
  std::vector<int> eligible{0, 1, 2, 3};
  std::vector<int> order;
  while (!eligible.empty()) {
    const auto q = rr->pick(h.context(), eligible);
    ASSERT_TRUE(q);
    order.push_back(*q);
    std::erase(eligible, *q);
  }
  EXPECT_EQ(order, (std::vector<int>{0, 2, 1, 3}));
}

// ---- schedulers that use the predictor ----------------------------------------------------------

namespace {

constexpr double kLan = 0.5e-3;  // one-way LAN latency of both sites
constexpr double kWan = 30e-3;   // one-way latency of the A-B link

// OLD (2003, site A) with two databases, NEW (2007, site B: the mover and target) over a
// 10 Mbps WAN link; ideal mode, so a move alone takes route latency + size / 1.25 MB/s.
std::string two_site(const std::string& db1, const std::string& db2) {
  coexlab::testing::TwoSite t;
  t.name = "predict";
  t.databases = fmt::format(
      "\n      - {{ name: DB1, mailboxes: {} }}\n      - {{ name: DB2, mailboxes: {} }}", db1, db2);
  t.migration =
      "  batches:\n    - { from: OLD/DB1, to: NEW/DB }\n    - { from: OLD/DB2, to: NEW/DB }";
  return t.yaml();
}

// A scenario with its queue and predictor, for contexts built by hand.
struct Planned {
  Scenario scenario;
  CostModel cost;
  std::vector<Mailbox> mailboxes;
  std::vector<MoveRequest> queue;
  std::unique_ptr<MoveEstimator> estimator;
  std::vector<Interval> windows;

  explicit Planned(const std::string& yaml)
      : scenario(load(yaml)), cost(CostModel::from(scenario.calibration)) {
    mailboxes = generate_mailboxes(scenario);
    queue = build_move_queue(scenario, mailboxes);
    estimator = std::make_unique<MoveEstimator>(scenario, cost, mailboxes, queue);
  }

  SchedulerContext context(double now, Interval window, std::vector<Interval> all_windows,
                           std::span<const int> in_flight = {}, int threads = 1) {
    windows = std::move(all_windows);
    SchedulerContext ctx;
    ctx.now = Seconds{now};
    ctx.window = window;
    ctx.windows = windows;
    ctx.queue = &queue;
    ctx.mailboxes = &mailboxes;
    ctx.in_flight = in_flight;
    ctx.threads = threads;
    ctx.estimates = estimator.get();
    ctx.scenario = &scenario;
    ctx.cost = &cost;
    return ctx;
  }
};

constexpr double kRoute = kLan + kWan + kLan;
constexpr double kWanRate = 10e6 / 8;  // B/s

Interval window(double from, double to) {
  return Interval{Seconds{from}, Seconds{to}};
}

}  // namespace

TEST(MoveEstimate, IdealModeIsRouteLatencyPlusSizeOverTheSlowestResource) {
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 100 MB }"));
  EXPECT_NEAR(p.estimator->predicted_duration(0).value, kRoute + 1e9 / kWanRate, 1e-9);
  EXPECT_NEAR(p.estimator->predicted_duration(1).value, kRoute + 1e8 / kWanRate, 1e-9);
  EXPECT_NEAR(p.estimator->predicted_rate(0).value, 1e9 / (kRoute + 1e9 / kWanRate), 1e-6);
  const MovePath& path = p.estimator->path_of(0);
  EXPECT_NEAR(path.setup_latency.value, kRoute, 1e-12);
  EXPECT_NEAR(path.rtt_sum.value, 2 * kRoute, 1e-12);  // the mover is the target: one leg
  // The flow crosses OLD's disk, NIC, LAN A, the link, LAN B, NEW's NIC, disk and log disk.
  std::vector<std::string> ids;
  for (const PathCrossing& c : path.flow) {
    ids.push_back(p.estimator->resources()[size_t(c.resource)].id);
    EXPECT_EQ(c.crossings, 1);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"OLD/database_disk", "OLD/nic:up", "site/A/lan:up",
                                           "link/A-B:up", "site/B/lan:down", "NEW/nic:down",
                                           "NEW/database_disk", "NEW/log_disk"}));
}

TEST(MoveEstimate, RealisticModeAddsRoundTripsStoreTimeAndPageIo) {
  // One site; 64 MB = 2 chunks of 32 MB; 25 items per MB = 1,600 items, 800 per chunk.
  const Scenario s = load(R"(
scenario: realistic
start: 2007-06-01T20:00
sites: [ { name: HQ, lan: { bandwidth: 1 Gbps, latency: 0.2 ms } } ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 800 },
                log_disk: { throughput: 60 MB/s, capacity: 100 GiB } }
    databases: [ { name: DB, mailboxes: { count: 1, size: 64 MB } } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1500 },
                log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases: [ { name: DB } ]
workload: none
migration: { mover: NEW, batches: [ { from: OLD/DB, to: NEW/DB } ] }
)");
  const CostModel cost = CostModel::from(s.calibration);
  const auto mailboxes = generate_mailboxes(s);
  const auto queue = build_move_queue(s, mailboxes);
  ASSERT_EQ(mailboxes.at(0).items, 1600);
  const MoveEstimator est(s, cost, mailboxes, queue);
  // Per item: 4.8 round trips x (0.4 ms RTT + 2 x 6 ms store) + 25 ms store time.
  const double per_item = 4.8 * (0.4e-3 + 2 * 0.006) + 0.025;
  // Per chunk the source disk (800 IOPS x 4 KiB) carries 32 MB plus 800 x 2 page reads; it
  // is slower than the target disk, the NICs, the LAN, the window (64 KiB / 0.4 ms) and CPU.
  const double source_disk = 800 * 4096.0;
  const double transfer = (32e6 + 800 * 2 * 4096.0) / source_disk;
  EXPECT_NEAR(est.predicted_duration(0).value, 0.2e-3 + 2 * (800 * per_item + transfer), 1e-9);
}

TEST(MoveEstimate, AResourceCrossedTwiceCountsTwice) {
  // Source, mover and target are three servers of one site: the flow enters and leaves the
  // LAN twice in the same direction (source -> mover, mover -> target).
  const Scenario s = load(fixture("lan-crossed-twice.yaml"));
  const CostModel cost = CostModel::from(s.calibration);
  const auto mailboxes = generate_mailboxes(s);
  const auto queue = build_move_queue(s, mailboxes);
  const MoveEstimator est(s, cost, mailboxes, queue);
  // Two one-way LAN latencies; the LAN's 12.5 MB/s shared by the flow with itself.
  EXPECT_NEAR(est.predicted_duration(0).value, 2 * 1e-3 + 1e9 / (100e6 / 8 / 2), 1e-9);
}

TEST(WindowFit, StartsTheFirstMoveThatFitsInQueueOrder) {
  // Request 0 (1 GB) takes 800 s, request 1 (100 MB) 80 s, plus the route latency.
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 100 MB }"));
  const Interval open = window(0, 1000);
  EXPECT_EQ(pick("window_fit", p.context(0, open, {open}), {0, 1}), 0);
  // 500 s before the end: the large one does not fit, the small one does.
  EXPECT_EQ(pick("window_fit", p.context(500, open, {open}), {0, 1}), 1);
  // Exactly enough time left for the small one.
  EXPECT_EQ(pick("window_fit", p.context(1000 - kRoute - 80, open, {open}), {1}), 1);
}

TEST(WindowFit, RefusesAMoveThatCannotFitButWouldFitALaterWindow) {
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 100 MB }"));
  const Interval open = window(0, 1000);
  const Interval later = window(86400, 90000);
  EXPECT_EQ(pick("window_fit", p.context(500, open, {open, later}), {0}), std::nullopt);
  // 1 ms short of fitting.
  EXPECT_EQ(pick("window_fit", p.context(1000 - kRoute - 800 + 1e-3, open, {open, later}), {0}),
            std::nullopt);
}

TEST(WindowFit, StartsAMoveLongerThanEveryWindowWhenNothingElseFits) {
  // Windows of 600 s: the 800 s move never fits; it starts so that the migration can end,
  // but only after every move that fits.
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 100 MB }"));
  const Interval open = window(0, 600);
  const Interval later = window(86400, 87000);
  EXPECT_EQ(pick("window_fit", p.context(0, open, {open, later}), {0, 1}), 1);
  EXPECT_EQ(pick("window_fit", p.context(0, open, {open, later}), {0}), 0);
}

TEST(BottleneckAware, FillsTheBindingResourceThenGoesWhereCapacityIsIdle) {
  // SLOW's database disk (100 IOPS x 4 KiB = 409.6 KB/s) binds its moves; FAST's does not.
  // The queue holds SLOW's mailboxes first.
  Planned p(R"(
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
    databases: [ { name: DB, mailboxes: { count: 2, size: 100 MB } } ]
  - name: FAST
    version: 2003
    site: HQ
    roles: [mailbox]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 1000000 },
                log_disk: { throughput: 1 GB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 100 MB } } ]
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
  batches:
    - { from: SLOW/DB, to: NEW/DB }
    - { from: FAST/DB, to: NEW/DB }
calibration: { mode: ideal }
)");
  const Interval always = window(0, 1e9);
  // Work left: SLOW's disk 200 MB / 409.6 KB/s = 488 s binds. Nothing runs: a SLOW move has
  // room and asks all of that disk.
  EXPECT_EQ(pick("bottleneck_aware", p.context(0, always, {always}, {}, 2), {0, 1, 2, 3}), 0);
  // A SLOW move runs at its disk's full rate: no room for the second (the disk would be 200 %
  // busy), nor quite for a FAST one (the LAN would be 100.3 %): the least loaded, FAST's.
  const std::vector<int> slow_running{0};
  EXPECT_EQ(pick("bottleneck_aware", p.context(0, always, {always}, slow_running, 2), {1, 2, 3}),
            2);
  // A FAST move runs (the LAN ~100 % busy): each candidate would push it past its capacity;
  // a SLOW one least (to 100.3 %), and SLOW's first in queue order.
  const std::vector<int> fast_running{2};
  EXPECT_EQ(pick("bottleneck_aware", p.context(0, always, {always}, fast_running, 2), {0, 1, 3}),
            0);
}

TEST(BottleneckAware, AmongEqualDemandsTheLongestPredictedMoveFirst) {
  // 100 MB then 1 GB over the 10 Mbps link, which binds: each move alone asks all of it, so
  // the longer one (800 s) starts first although it is second in the queue.
  Planned p(two_site("{ count: 1, size: 100 MB }", "{ count: 1, size: 1 GB }"));
  const Interval always = window(0, 1e9);
  EXPECT_EQ(pick("bottleneck_aware", p.context(0, always, {always}), {0, 1}), 1);
  EXPECT_EQ(pick("fifo", p.context(0, always, {always}, {}, 1), {0, 1}), 0);
}

// ---- the plan replay behind `portfolio` (models/plan_replay.hpp) -----------------------------

TEST(PlanReplay, OneThreadIsTheSumOfThePredictedDurations) {
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 100 MB }"));
  const Interval always = window(0, 1e9);
  const auto outcome = replay_plan(p.context(0, always, {always}), make_scheduler("fifo"));
  ASSERT_TRUE(outcome);
  EXPECT_NEAR(outcome->end.value, 2 * kRoute + 1.1e9 / kWanRate, 1e-9);
  EXPECT_EQ(outcome->cancelled, 0);
}

TEST(PlanReplay, TwoMovesOnOneLinkShareIt) {
  // Two 1 GB moves, two threads, the link binds both: each alone would take T = route + 800 s
  // and transfers over the link for 800 s of it; sharing, both end near 2 x 800 s (exactly
  // 2 T when a move does nothing but transfer; the route latency is a sliver of it).
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 1 GB }"));
  const Interval always = window(0, 1e9);
  const auto outcome = replay_plan(p.context(0, always, {always}, {}, 2), make_scheduler("fifo"));
  ASSERT_TRUE(outcome);
  const double alone = kRoute + 1e9 / kWanRate;
  EXPECT_GT(outcome->end.value, 2 * 1e9 / kWanRate);
  EXPECT_LT(outcome->end.value, 2 * alone);
  EXPECT_NEAR(outcome->end.value, 2 * alone, 2 * kRoute);
}

TEST(PlanReplay, MovesInStepShareTheLinkChunkByChunk) {
  // Two identical 1 GB moves of 1,000 items in 100 MB chunks: each chunk waits its RPC delay
  // D (100 items, no spread in ideal mode), then moves 100 MB over the 10 Mbps link, T = 80 s
  // alone. Started together they stay in step: both wait D, then share the link for 2T, ten
  // times. A per-move average of their load would have them overlap one's delay with the
  // other's transfer; the simulator's chunks do not.
  Planned p(replace_once(two_site("{ count: 1, size: 1 GB, items_per_mb: 1 }",
                                  "{ count: 1, size: 1 GB, items_per_mb: 1 }"),
                         "calibration: { mode: ideal }",
                         "calibration: { mode: ideal, rpc_round_trips_per_item: 1, "
                         "move_chunk_size: 100 MB }"));
  ASSERT_EQ(p.mailboxes[0].items, 1000);
  const double per_item = per_item_time(p.cost, p.estimator->path_of(0).rtt_sum).value;
  ASSERT_GT(per_item, 0);
  const double delay = 100 * per_item;
  const double transfer = 1e8 / kWanRate;
  EXPECT_NEAR(p.estimator->predicted_duration(0).value, kRoute + 10 * (delay + transfer), 1e-6);
  const Interval always = window(0, 1e9);
  const auto outcome = replay_plan(p.context(0, always, {always}, {}, 2), make_scheduler("fifo"));
  ASSERT_TRUE(outcome);
  EXPECT_NEAR(outcome->end.value, kRoute + 10 * (delay + 2 * transfer), 1e-6);
}

TEST(PlanReplay, MovesShareTheSourcesCores) {
  // The source has one 1 GHz core; a 100 MB chunk costs 10^11 cycles there (1,000 a byte):
  // 100 s alone, longer than its 80 s over the link. Two moves at once get half the core
  // each: 200 s a chunk, ten chunks each, where the link alone would let them end by 1,600 s.
  std::string yaml = replace_once(two_site("{ count: 1, size: 1 GB }", "{ count: 1, size: 1 GB }"),
                                  "calibration: { mode: ideal }",
                                  "calibration: { mode: ideal, move_cpu_cycles_per_byte: 1000, "
                                  "move_chunk_size: 100 MB }");
  yaml = replace_once(yaml, "cores: 4, clock: 3 GHz", "cores: 1, clock: 1 GHz");
  Planned p(yaml);
  EXPECT_NEAR(p.estimator->predicted_duration(0).value, kRoute + 10 * 100.0, 1e-6);
  const Interval always = window(0, 1e9);
  const auto outcome = replay_plan(p.context(0, always, {always}, {}, 2), make_scheduler("fifo"));
  ASSERT_TRUE(outcome);
  EXPECT_NEAR(outcome->end.value, kRoute + 10 * 200.0, 1e-6);
}

TEST(PlanReplay, StartsAtTheNextWindowAndCancelsAtAWindowsEnd) {
  // 1 GB takes 800 s; the first window has 500 s, the second 1,000 s. With finish the move
  // starts at 0 and runs on; with cancel it is rolled back at 500 s and moves in the second.
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 0, size: 1 GB }"));
  const std::vector<Interval> windows{window(0, 500), window(10000, 11000)};
  const double alone = kRoute + 1e9 / kWanRate;
  auto finish = replay_plan(p.context(0, windows[0], windows), make_scheduler("fifo"));
  ASSERT_TRUE(finish);
  EXPECT_NEAR(finish->end.value, alone, 1e-9);
  p.scenario.migration.on_window_end = WindowEndPolicy::cancel;
  auto cancel = replay_plan(p.context(0, windows[0], windows), make_scheduler("fifo"));
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->cancelled, 1);
  EXPECT_NEAR(cancel->end.value, 10000 + alone, 1e-9);
  // A move longer than every window is cancelled in each: the replay cannot finish.
  const std::vector<Interval> short_windows{window(0, 500), window(10000, 10500)};
  EXPECT_FALSE(replay_plan(p.context(0, short_windows[0], short_windows), make_scheduler("fifo")));
}

TEST(PlanReplay, ADispatchedPlanIsDeterministic) {
  Planned p(
      two_site("{ count: 30, size: { distribution: lognormal, mean: 200 MB, stddev: 150 MB } }",
               "{ count: 20, size: 50 MB }"));
  const Interval always = window(0, 1e9);
  for (std::string_view name : scheduler_names()) {
    if (name == "portfolio") continue;
    const auto a = replay_plan(p.context(0, always, {always}, {}, 4), make_scheduler(name));
    const auto b = replay_plan(p.context(0, always, {always}, {}, 4), make_scheduler(name));
    ASSERT_TRUE(a && b) << name;
    EXPECT_EQ(a->end.value, b->end.value) << name;
    // Never below the link's work: 50 mailboxes' bytes over 1.25 MB/s.
    double bytes = 0;
    for (const Mailbox& m : p.mailboxes) bytes += m.size.value;
    EXPECT_GE(a->end.value, bytes / kWanRate * (1 - 1e-9)) << name;
  }
}

TEST(MoveEstimate, ResourceBytesAreTheFlowsBytesPerCrossingThenThePageIo) {
  Planned p(two_site("{ count: 1, size: 1 GB }", "{ count: 0, size: 1 GB }"));
  const auto bytes = p.estimator->resource_bytes(0);
  const MovePath& path = p.estimator->path_of(0);
  // Ideal mode has no per-item page I/O: exactly the flow, 1 GB per crossing, in path order.
  ASSERT_EQ(bytes.size(), path.flow.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(bytes[i].first, path.flow[i].resource);
    EXPECT_EQ(bytes[i].second.value, 1e9 * path.flow[i].crossings);
  }
}
