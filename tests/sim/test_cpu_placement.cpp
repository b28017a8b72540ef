// CPU work runs on the server that does it (sim/platform.hpp start_exec): SimGrid 3.32's
// Host::exec_async / exec_init / execute compute on the *calling actor's* host, so a move's
// source and target work, the users' store and Client Access work and a Hub's work would all
// land wherever the calling actor lives. Each TEST is its own process.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.hpp"

using coexlab::test::simulate_yaml;

namespace {

double mean_of(const coexlab::test::Simulated& s, const std::string& id) {
  const coexlab::ResourceStats st = coexlab::resource_stats(s.run(), s.resource(id));
  return st.mean.value_or(-1);
}

// A Mailbox + Client Access box with 1,000 users on one database, and a Hub Transport alone on
// its own box (one 1 GHz core) in the same site: every message goes mailbox -> hub ->
// mailbox. Only the hub does work (1e9 cycles per message, exponential): an M/M/1 queue at
// rho = 0.5 on the hub's own CPU. The senders' box does no CPU work at all. A single mailbox
// moves after 60 hours, which ends the simulated period.
std::string dedicated_hub(const char* mode) {
  return fmt::format(R"(
scenario: dedicated-hub
seed: 3
start: 2007-06-04T00:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: 0 ms }} }} ]
links: []
servers:
  - name: EX07-MB
    version: 2007
    site: HQ
    roles: [mailbox, client_access]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 100000 }},
                log_disk: {{ throughput: 1 GB/s, capacity: 10 TB, circular_logging: true }} }}
    databases:
      - {{ name: DB1, mailboxes: {{ count: 1000, size: 1 MB, profile: steady }} }}
      - {{ name: DB2, mailboxes: {{ count: 1, size: 1 MB, profile: quiet }} }}
      - {{ name: DB3 }}
  - name: EX07-HUB
    version: 2007
    site: HQ
    roles: [hub_transport]
    hardware: {{ cores: 1, clock: 1 GHz, memory: 8 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 100000 }},
                log_disk: {{ throughput: 1 GB/s, capacity: 10 TB, circular_logging: true }} }}
workload:
  day_shape: flat
  profiles:
    - {{ name: steady, sent_per_day: 43.2, received_per_day: 43.2, message_size: 1 KB }}
    - {{ name: quiet, sent_per_day: 0, received_per_day: 0, message_size: 1 KB }}
  recipients: {{ same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }}
migration:
  mover: EX07-MB
  bad_item_limit: 1000
  batches: [ {{ name: late, from: EX07-MB/DB2, to: EX07-MB/DB3, not_before: 2007-06-06T12:00 }} ]
calibration:
  hub_cpu_cycles_per_message: 1000000000
  store_cpu_cycles_per_message: 0
  smtp_cpu_cycles_per_message: 0
  mailbox_cpu_cycles_per_operation: 0
  cas_cpu_cycles_per_operation: 0
  move_cpu_cycles_per_item: 0
  move_cpu_cycles_per_byte: 0
  rpc_round_trips_per_message: 0
  hub_queue_ios_per_message: 0
  client_operations_per_message: 0
  client_bytes_per_message_byte: 0
simulation: {{ mail_flow: {} }}
)",
                     mode);
}

constexpr double kLambda = 1000 * 43.2 / 86400.0;  // 0.5 messages/s
constexpr double kMu = 1.0;                        // 1 / (1e9 cycles / 1 GHz)

void expect_dedicated_hub_is_mm1(const coexlab::test::Simulated& s) {
  ASSERT_EQ(s.out.recording.mail.hubs.size(), 1u);
  const coexlab::HubQueueStats& h = s.out.recording.mail.hubs[0];
  EXPECT_EQ(h.server, "EX07-HUB");
  const double sojourn = 1.0 / (kMu - kLambda);  // 2 s: M/M/1 time in system
  EXPECT_NEAR(h.mean_sojourn_s, sojourn, 0.03 * sojourn);
  // The hub's one core is busy rho = lambda / mu of the time; the senders' box not at all.
  EXPECT_NEAR(mean_of(s, "EX07-HUB/cpu"), kLambda / kMu, 0.03);
  EXPECT_LT(mean_of(s, "EX07-MB/cpu"), 1e-6);
}

}  // namespace

TEST(CpuPlacement, DedicatedHubPerMessageIsMM1OnItsOwnCpu) {
  expect_dedicated_hub_is_mm1(simulate_yaml(dedicated_hub("per_message")));
}

TEST(CpuPlacement, DedicatedHubAggregateIsMM1OnItsOwnCpu) {
  const auto s = simulate_yaml(dedicated_hub("aggregate"));
  EXPECT_EQ(s.out.recording.mail.mode, "aggregate");
  expect_dedicated_hub_is_mm1(s);
}

namespace {

// Three servers in one site: a 2003 source, a 2007 mover that holds no mailbox, and a 2007
// target; a fourth 2003 server that nothing touches. No users, no page I/O: only the moves'
// CPU work (1e9 cycles per item on each of source, mover and target, one 1 GHz core each),
// so each move of 10 items takes 10 s of CPU on each of the three servers at once.
std::string three_way_move(const char* workload) {
  return fmt::format(R"(
scenario: move-cpu
seed: 1
start: 2007-06-04T00:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: 0 ms }} }} ]
links: []
servers:
  - name: SRC
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 1, clock: 1 GHz, memory: 4 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 1000000 }}, log_disk: {{ throughput: 1 GB/s, capacity: 1 TB }} }}
    databases:
      - {{ name: SG1, mailboxes: {{ count: 6, size: 1 MB, items_per_mb: 10, profile: average }} }}
  - name: IDLE03
    version: 2003
    site: HQ
    roles: [mailbox]
    hardware: {{ cores: 1, clock: 1 GHz, memory: 4 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 1000000 }}, log_disk: {{ throughput: 1 GB/s, capacity: 1 TB }} }}
    databases: [ {{ name: SG1 }} ]
  - name: MOVER
    version: 2007
    site: HQ
    roles: [hub_transport, client_access]
    hardware: {{ cores: 1, clock: 1 GHz, memory: 8 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 1000000 }}, log_disk: {{ throughput: 1 GB/s, capacity: 1 TB }} }}
  - name: TGT
    version: 2007
    site: HQ
    roles: [mailbox]
    hardware: {{ cores: 1, clock: 1 GHz, memory: 16 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 1000000 }}, log_disk: {{ throughput: 1 GB/s, capacity: 1 TB }} }}
    databases: [ {{ name: DB1 }} ]
{}
migration:
  mover: MOVER
  max_threads: 1
  batches: [ {{ name: all, from: SRC/SG1, to: TGT/DB1 }} ]
calibration:
  move_cpu_cycles_per_item: 1000000000
  move_cpu_cycles_per_byte: 0
  database_ios_per_item: 0
  rpc_round_trips_per_item: 0
  item_server_time: 0 s
  rpc_server_time: 0 s
  tcp_window: 0 B
simulation: {{ sample_interval: 10 s, horizon: 3 d }}
)",
                     workload);
}

}  // namespace

TEST(CpuPlacement, MoveCpuIsSplitOverSourceMoverAndTarget) {
  const auto s = simulate_yaml(three_way_move("workload: none"));
  const coexlab::MigrationMetrics m = s.metrics();
  ASSERT_TRUE(m.completed);
  // Six moves of 10 s of CPU each, one thread: 60 s, every one of the three CPUs busy
  // throughout (the bytes take microseconds).
  ASSERT_NEAR(*m.duration_s, 60.0, 0.01);
  for (const char* server : {"SRC", "MOVER", "TGT"}) {
    EXPECT_NEAR(mean_of(s, std::string(server) + "/cpu"), 1.0, 0.01) << server;
  }
  EXPECT_LT(mean_of(s, "IDLE03/cpu"), 1e-9);
}

namespace {

// Mean utilisation of a resource over the samples that end in (from_h, to_h] hours.
double mean_between(const coexlab::test::Simulated& s, const std::string& id, double from_h,
                    double to_h) {
  const auto& times = s.out.recording.sample_times;
  const auto& u = s.resource(id).samples;
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < times.size() && i < u.size(); ++i) {
    if (times[i] > from_h * 3600 && times[i] <= to_h * 3600) {
      sum += u[i];
      ++n;
    }
  }
  EXPECT_GT(n, 0) << id;
  return n > 0 ? sum / n : -1;
}

}  // namespace

TEST(CpuPlacement, UsersCpuIsWhereTheirMailboxesAre) {
  // Users' load only (the moves cost no CPU): SG1's 6 users are on SRC until their mailboxes
  // move at hour 24, then on TGT; a quiet user of IDLE03 moving at hour 48 keeps the run
  // going. The store work of SG1's users is on SRC before and on TGT after (the mover, a
  // Client Access server, serves their web share all along).
  std::string yaml = three_way_move(R"(workload:
  day_shape: flat
  profiles: [ { name: quiet, sent_per_day: 0, received_per_day: 0 } ]
  recipients: { same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % })");
  const auto replace = [&yaml](const std::string& from, const std::string& to) {
    const auto at = yaml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    yaml.replace(at, from.size(), to);
  };
  replace("databases: [ { name: SG1 } ]",
          "databases: [ { name: SG1, mailboxes: { count: 1, size: 1 MB, profile: quiet } } ]");
  replace(
      "batches: [ { name: all, from: SRC/SG1, to: TGT/DB1 } ]",
      "batches: [ { name: all, from: SRC/SG1, to: TGT/DB1, not_before: 2007-06-05T00:00 },\n"
      "             { name: late, from: IDLE03/SG1, to: TGT/DB1, not_before: 2007-06-06T00:00 } ]");
  // (SRC, the organisation's only 2003 bridgehead, also relays the mail that comes from the
  // internet: that relay's work is left out here.)
  replace("move_cpu_cycles_per_item: 1000000000",
          "move_cpu_cycles_per_item: 0\n  smtp_cpu_cycles_per_message: 0");
  replace("sample_interval: 10 s", "sample_interval: 10 min");
  const auto s = simulate_yaml(yaml);
  ASSERT_TRUE(s.metrics().completed);
  EXPECT_GT(s.metrics().last_end_s.value_or(0), 48 * 3600.0);
  EXPECT_GT(mean_between(s, "SRC/cpu", 0, 23), 0.0);
  EXPECT_NEAR(mean_between(s, "TGT/cpu", 0, 23), 0.0, 1e-12);
  EXPECT_NEAR(mean_between(s, "SRC/cpu", 25, 47), 0.0, 1e-12);
  EXPECT_GT(mean_between(s, "TGT/cpu", 25, 47), 0.0);
}
