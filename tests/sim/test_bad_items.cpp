// Bad items (realistic mode): past migration.bad_item_limit a mailbox fails.
#include <fmt/format.h>

#include "harness.hpp"

using namespace coexlab;
using coexlab::test::simulate_yaml;

namespace {

std::string scenario(double rate, int limit, int count) {
  return fmt::format(R"(
scenario: bad-items
seed: 3
start: 2007-06-01T20:00
sites: [ {{ name: HQ }} ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: {{ iops: 100000 }},
                log_disk: {{ throughput: 1 GB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB, mailboxes: {{ count: {count}, size: 1 MB, items_per_mb: 1000 }} }} ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: {{ iops: 100000 }},
                log_disk: {{ throughput: 1 GB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration: {{ mover: NEW, max_threads: 8, bad_item_limit: {limit}, batches: [ {{ from: OLD/DB, to: NEW/DB }} ] }}
calibration: {{ bad_item_rate: {rate} }}
)",
                     fmt::arg("rate", rate), fmt::arg("limit", limit), fmt::arg("count", count));
}

}  // namespace

TEST(BadItems, LimitZeroFailsAboutTheBinomialShare) {
  // 1,000 items per mailbox at 1e-3 per item: P(at least one bad item) = 1 - 0.999^1000 = 0.632.
  const auto s = simulate_yaml(scenario(1e-3, 0, 400));
  const auto m = s.metrics();
  const double share = double(m.mailboxes_failed) / 400;
  EXPECT_NEAR(share, 1 - std::pow(0.999, 1000), 0.06);  // about 2.6 standard deviations
  EXPECT_EQ(m.mailboxes_failed + m.mailboxes_moved, 400);
  EXPECT_FALSE(m.completed);
  // Every failure is an event naming the mailbox, and a failed move copies less than it all.
  int failures = 0;
  for (const SimEvent& e : s.out.recording.events) failures += e.kind == EventKind::failure;
  EXPECT_EQ(failures, m.mailboxes_failed);
  for (const MoveAttempt& a : s.out.recording.attempts) {
    if (a.state == MoveState::failed) {
      EXPECT_LT(a.bytes_copied.value, 1e6);
    }
  }
}

TEST(BadItems, AHighEnoughLimitMovesEveryMailbox) {
  // Expected bad items per mailbox: 1; P(more than 10) is about 1e-8 per mailbox.
  const auto s = simulate_yaml(scenario(1e-3, 10, 400));
  EXPECT_EQ(s.metrics().mailboxes_failed, 0);
  EXPECT_TRUE(s.metrics().completed);
}
