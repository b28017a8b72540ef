// The move dispatcher (models/dispatcher.hpp) without a simulation: a hand-driven clock and
// a fake ResourceView stand in for the simulator.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "calibration.hpp"
#include "dispatcher.hpp"
#include "mailboxes.hpp"
#include "test_support.hpp"
#include "windows.hpp"

using namespace coexlab;
using coexlab::testing::kBaseScenario;
using coexlab::testing::replace_once;

namespace {

// Every server mounted unless a test says otherwise; no log pressure, no recent throughput.
class FakeResources final : public ResourceView {
 public:
  explicit FakeResources(size_t servers) : mounted_(servers, true) {}
  Bytes log_space_left(int) const override {
    return Bytes{std::numeric_limits<double>::infinity()};
  }
  BytesPerSecond recent_throughput_source(int) const override { return BytesPerSecond{0}; }
  BytesPerSecond recent_throughput_target(int) const override { return BytesPerSecond{0}; }
  bool mounted(int server) const override { return mounted_[size_t(server)]; }
  void set_mounted(int server, bool m) { mounted_[size_t(server)] = m; }

 private:
  std::vector<bool> mounted_;
};

// A scenario, its queue and windows, and a dispatcher over them.
struct Bench {
  Scenario scenario;
  CostModel cost;
  std::vector<Mailbox> mailboxes;
  std::vector<MoveRequest> queue;
  std::vector<Interval> windows;
  MoveDispatcher dispatcher;
  FakeResources resources;

  explicit Bench(const std::string& migration_extra)
      : scenario(load(migration_extra)),
        cost(CostModel::from(scenario.calibration)),
        mailboxes(generate_mailboxes(scenario)),
        queue(build_move_queue(scenario, mailboxes)),
        windows(expand_windows(scenario.migration.windows, scenario.start,
                               scenario.simulation.horizon)),
        dispatcher(scenario, cost, mailboxes, queue, windows),
        resources(scenario.servers.size()) {}

  static Scenario load(const std::string& migration_extra) {
    const std::string yaml = replace_once(kBaseScenario, "migration:\n  mover: EX07\n",
                                          "migration:\n  mover: EX07\n" + migration_extra);
    LoadResult r = coexlab::testing::load_checked(yaml);
    EXPECT_TRUE(coexlab::testing::errors(r.diagnostics).empty())
        << coexlab::testing::dump(r.diagnostics);
    if (!r.scenario) throw std::runtime_error("invalid test scenario");
    return *r.scenario;
  }

  DispatchDecision decide(double now_s) { return dispatcher.decide(Seconds{now_s}, resources); }
};

}  // namespace

TEST(MoveDispatcher, StartsTheQueueInOrderUnderFifo) {
  Bench b("");
  ASSERT_EQ(b.queue.size(), 10u);
  for (int q = 0; q < 3; ++q) {
    const DispatchDecision d = b.decide(0);
    ASSERT_TRUE(d.start);
    EXPECT_EQ(*d.start, q);
    b.dispatcher.take(*d.start);
  }
  EXPECT_EQ(b.dispatcher.in_flight(), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(b.dispatcher.pending().size(), 7u);
  EXPECT_FALSE(b.dispatcher.done());
}

TEST(MoveDispatcher, AThrottleHoldsTheNextMoveUntilARelease) {
  Bench b("  throttles: { per_source_database: 1 }\n");
  b.dispatcher.take(*b.decide(0).start);
  const DispatchDecision held = b.decide(10);
  EXPECT_FALSE(held.start);
  EXPECT_FALSE(held.wake_at);  // only an event (a move ending) changes anything
  b.dispatcher.release(0);
  const DispatchDecision next = b.decide(20);
  ASSERT_TRUE(next.start);
  EXPECT_EQ(*next.start, 1);
}

TEST(MoveDispatcher, NothingStartsOnADismountedServer) {
  Bench b("");
  b.resources.set_mounted(1, false);  // the target, EX07
  EXPECT_FALSE(b.decide(0).start);
  b.resources.set_mounted(1, true);
  EXPECT_TRUE(b.decide(0).start);
}

TEST(MoveDispatcher, WaitsForTheWindowToOpen) {
  // The run starts 2007-06-01T20:00: the window opens 4 h later.
  Bench b("  windows:\n    - { from: 2007-06-02T00:00, to: 2007-06-02T06:00 }\n");
  const DispatchDecision before = b.decide(0);
  EXPECT_FALSE(before.start);
  ASSERT_TRUE(before.wake_at);
  EXPECT_DOUBLE_EQ(before.wake_at->value, 4 * 3600.0);
  EXPECT_TRUE(b.decide(4 * 3600.0).start);
  // After the only window: nothing to start and nothing to wait for.
  const DispatchDecision after = b.decide(11 * 3600.0);
  EXPECT_FALSE(after.start);
  EXPECT_FALSE(after.wake_at);
}

TEST(MoveDispatcher, ARequeuedMoveGoesBackToItsPlaceQueuedAgain) {
  Bench b("");
  for (int i = 0; i < 3; ++i) b.dispatcher.take(*b.decide(0).start);
  EXPECT_DOUBLE_EQ(b.dispatcher.queued_at(1).value, 0.0);
  b.dispatcher.release(1);
  b.dispatcher.requeue(1, Seconds{500});
  EXPECT_EQ(b.dispatcher.pending().front(), 1);
  EXPECT_DOUBLE_EQ(b.dispatcher.queued_at(1).value, 500.0);
  EXPECT_EQ(*b.decide(600).start, 1);
}

TEST(MoveDispatcher, IsDoneWhenNothingWaitsOrRuns) {
  Bench b("");
  while (auto q = b.decide(0).start) {
    b.dispatcher.take(*q);
    b.dispatcher.release(*q);
  }
  EXPECT_TRUE(b.dispatcher.done());
}
