// The storage state (sim/storage.hpp) on its own: no engine runs; the times are given.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "harness.hpp"
#include "mailboxes.hpp"
#include "storage.hpp"

using namespace coexlab;

namespace {

// A 2003 source with 10 x 1 GB and a 2007 target whose disks are small: 5 GB of logs, 4 GB
// of database space.
const char* const kYaml = R"(scenario: storage
start: 2007-06-01T20:00
sites:
  - name: HQ
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 800 },
                log_disk: { throughput: 60 MB/s, capacity: 100 GiB } }
    databases:
      - name: DB03
        mailboxes: { count: 10, size: 1 GB }
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: { iops: 1500, capacity: 4 GB },
                log_disk: { throughput: 100 MB/s, capacity: 5 GB } }
    databases:
      - name: DB07
migration:
  mover: NEW
  batches:
    - { name: wave1, from: OLD/DB03, to: NEW/DB07 }
)";

struct Fixture {
  Scenario scenario = test::load_valid(kYaml);
  std::vector<Mailbox> mailboxes = generate_mailboxes(scenario);
  std::vector<SimEvent> events;
  sim::Storage storage{scenario, mailboxes, events};
};

}  // namespace

TEST(Storage, CountsEveryMailboxOnItsServerFromTheStart) {
  Fixture f;
  EXPECT_DOUBLE_EQ(f.storage.database_used_bytes(0), 10e9);
  EXPECT_DOUBLE_EQ(f.storage.database_used_bytes(1), 0);
  EXPECT_TRUE(f.storage.mounted(0) && f.storage.mounted(1));
  EXPECT_DOUBLE_EQ(f.storage.log_space_left(1).value, 5e9);
}

TEST(Storage, FullUserLogsDismountUntilABackupTruncatesThem) {
  Fixture f;
  f.storage.write_user_logs(1, 3e9, Seconds{10});
  EXPECT_TRUE(f.storage.mounted(1));
  EXPECT_DOUBLE_EQ(f.storage.log_space_left(1).value, 2e9);
  f.storage.write_user_logs(1, 3e9, Seconds{20});  // over: capped at the capacity
  EXPECT_FALSE(f.storage.mounted(1));
  EXPECT_TRUE(f.storage.log_full(1));
  EXPECT_DOUBLE_EQ(f.storage.log_used_bytes(1), 5e9);
  ASSERT_EQ(f.events.size(), 1u);
  const SimEvent& e = f.events[0];
  EXPECT_EQ(e.kind, EventKind::dismount);
  EXPECT_EQ(e.cause, EventCause::log_disk_full);
  EXPECT_EQ(e.server, "NEW");
  EXPECT_EQ(e.resource, "NEW/log_space");
  EXPECT_DOUBLE_EQ(e.time.value, 20);
  EXPECT_EQ(describe(e),
            "NEW: log disk full (5.00 GB of 5.00 GB); databases dismounted until a backup "
            "truncates the logs (no backup configured: never)");
  EXPECT_TRUE(f.storage.truncate_logs(1, Seconds{30}));
  EXPECT_TRUE(f.storage.mounted(1));
  EXPECT_DOUBLE_EQ(f.storage.log_used_bytes(1), 0);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].kind, EventKind::remount);
  EXPECT_EQ(describe(f.events[1]), "NEW: backup truncated the logs; databases mounted");
  EXPECT_FALSE(f.storage.truncate_logs(1, Seconds{40}));  // nothing to remount
  EXPECT_EQ(f.events.size(), 2u);
}

TEST(Storage, AChunkThatDoesNotFitTheDatabaseDiskDismountsForGood) {
  Fixture f;
  EXPECT_TRUE(f.storage.reserve_chunk(1, 3e9, 1e9, Seconds{5}));
  EXPECT_DOUBLE_EQ(f.storage.database_used_bytes(1), 3e9);
  EXPECT_DOUBLE_EQ(f.storage.log_used_bytes(1), 1e9);
  EXPECT_FALSE(f.storage.reserve_chunk(1, 2e9, 1e9, Seconds{6}));  // 5 GB > 4 GB
  EXPECT_TRUE(f.storage.database_full(1));
  EXPECT_FALSE(f.storage.mounted(1));
  EXPECT_DOUBLE_EQ(f.storage.database_used_bytes(1), 3e9);  // nothing reserved
  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_EQ(f.events[0].cause, EventCause::database_disk_full);
  EXPECT_EQ(f.events[0].resource, "NEW/database_space");
  EXPECT_EQ(describe(f.events[0]),
            "NEW: database disk full (3.00 GB of 4.00 GB, the next 2.00 GB do "
            "not fit); databases dismounted for the rest of the run");
  // A backup truncates the logs but cannot remount a full database disk.
  EXPECT_FALSE(f.storage.truncate_logs(1, Seconds{7}));
  EXPECT_FALSE(f.storage.mounted(1));
}

TEST(Storage, AChunkWhoseLogsDoNotFitDismountsAndReservesNothing) {
  Fixture f;
  EXPECT_FALSE(f.storage.reserve_chunk(1, 1e9, 6e9, Seconds{1}));
  EXPECT_TRUE(f.storage.log_full(1));
  EXPECT_DOUBLE_EQ(f.storage.database_used_bytes(1), 0);
  EXPECT_DOUBLE_EQ(f.storage.log_used_bytes(1), 0);
  f.storage.release_database(0, 1e9);  // a mailbox left the source
  EXPECT_DOUBLE_EQ(f.storage.database_used_bytes(0), 9e9);
  EXPECT_DOUBLE_EQ(f.storage.backup_bytes(0), 9e9);
}
