// The loader: every key of SPEC §2 and its default, unknown keys with a suggestion, types,
// positions, `--set` overrides (bad paths are usage errors) and `--seed`.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.hpp"
#include "test_support.hpp"

using namespace coexlab;
using namespace coexlab::testing;

namespace {

// The example of SPEC §2, verbatim: it uses every key of the format.
const char* const kSpecExample = R"yaml(
scenario: contoso-weekend            # required; letters, digits, . _ -
description: HQ and one branch, 3-role 2007 box per site
seed: 7
start: 2007-06-01T20:00              # simulated calendar start; all *_s times count from it

sites:
  - name: HQ
    lan: { bandwidth: 1 Gbps, latency: 0.2 ms }
    utc_offset: 0 h                  # office hours are local to the site
  - name: Branch
  - name: DMZ                        # perimeter network for the Edge
links:                               # WAN links between sites
  - between: [HQ, Branch]            # name defaults to HQ-Branch
    bandwidth: 10 Mbps
    latency: 30 ms                   # one-way
    cost: 100                        # AD site-link cost
  - { between: [HQ, DMZ], bandwidth: 100 Mbps, latency: 1 ms }

servers:
  - name: EX03-BE1
    version: 2003
    site: HQ
    routing_group: HQ-RG             # 2003 only
    roles: [mailbox, bridgehead]
    hardware:
      cores: 4
      clock: 3 GHz
      memory: 4 GiB
      nic: 1 Gbps
      database_disk: { iops: 800, capacity: 500 GiB }
      log_disk: { throughput: 60 MB/s, capacity: 100 GiB, circular_logging: false }
    backup: { at: "02:00", throughput: 100 MB/s }   # nightly; reads the databases, then truncates the logs
    databases:
      - name: SG1-DB1
        mailboxes:
          count: 1200
          size: { distribution: lognormal, mean: 300 MB, stddev: 250 MB }
          # fixed: `size: 300 MB`; uniform: { distribution: uniform, min: 50 MB, max: 2 GB }
          items_per_mb: 25
          profile: average
  - name: EX07-HQ1
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: { iops: 1500, capacity: 2 TiB },
                log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases:
      - name: DB1
  - name: EX07-EDGE
    version: 2007
    site: DMZ
    subscribed_site: HQ
    roles: [edge_transport]
    hardware: { cores: 2, clock: 2.66 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: { iops: 300, capacity: 100 GiB },
                log_disk: { throughput: 60 MB/s, capacity: 50 GiB } }

connectors:
  routing_group:                     # 2003 bridgehead ↔ 2007 hub (coexistence), or 2003 ↔ 2003
    - { between: [EX03-BE1, EX07-HQ1], cost: 10 }
  internet: { via: EX07-EDGE }

workload:                            # users keep working during the migration
  day_shape: office_hours            # office_hours | flat
  profiles:                          # behaviour; per-version IOPS, cache and logs are derived
    - { name: sales, sent_per_day: 30, received_per_day: 120, message_size: 75 KB }
  clients: { outlook: 80 %, owa: 15 %, pop_imap: 5 % }
  recipients: { same_database: 20 %, same_site: 50 %, other_site: 20 %, internet: 10 % }
  legacy_web_access: client_access   # who serves OWA/POP/IMAP for 2003 mailboxes: front_end | client_access

migration:
  mover: EX07-HQ1
  max_threads: 4
  scheduler: largest_first
  throttles: { per_source_database: 5, per_target_database: 2, per_source_server: 50, per_target_server: 5 }
  bad_item_limit: 0
  windows:                           # moves start only inside a window (from ≤ t < to)
    - { from: Fri 20:00, to: Mon 06:00 }        # weekly, in scenario-start local time; or absolute ISO date-times
  on_window_end: finish              # finish: running moves complete | cancel: roll back, requeue in place
  batches:
    - { name: wave1, from: EX03-BE1/SG1-DB1, to: EX07-HQ1/DB1, mailboxes: all, not_before: 2007-06-08T20:00 }

operations:                          # optional: admin tasks checked against the tool rule
  - { action: create_mailbox, tool: emc, database: EX03-BE1/SG1-DB1 }

costs:                               # optional: prices that `size` minimises
  - { path: servers.EX07-HQ1.hardware.cores, per_unit: 900 }

simulation:
  mail_flow: auto                    # auto | per_message | aggregate
  sample_interval: 5 min
  horizon: 60 d

calibration:                         # overrides of documented model constants
  mode: realistic                    # realistic | ideal

checks:                              # turn the scenario into a test
  - migration.duration <= 60 h
  - resource(EX07-HQ1/cpu).peak_utilisation < 80 %
)yaml";

// The smallest scenario: every optional key omitted.
const char* const kMinimal = R"(scenario: minimal
start: 2007-06-01T20:00
sites:
  - name: HQ
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 800 },
                log_disk: { throughput: 60 MB/s, capacity: 100 GiB } }
    databases:
      - name: DB03
        mailboxes: { count: 10, size: 300 MB }
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1500 },
                log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases:
      - name: DB07
)";

constexpr double kGiB = 1024.0 * 1024 * 1024;

// Loads without the rules; expects no error.
Scenario load_ok(const std::string& text, const LoadOptions& options = {}) {
  LoadResult r = load_scenario_text(text, "test.yaml", options);
  EXPECT_TRUE(r.usage_error.empty()) << r.usage_error;
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(r.scenario.has_value());
  return r.scenario.value_or(Scenario{});
}

// Loads without the rules; expects exactly one error and returns it.
Diagnostic load_one_error(const std::string& text, const LoadOptions& options = {}) {
  LoadResult r = load_scenario_text(text, "test.yaml", options);
  const auto errs = errors(r.diagnostics);
  EXPECT_EQ(errs.size(), 1u) << dump(r.diagnostics);
  return errs.empty() ? Diagnostic{} : errs.front();
}

void expect_at(const Diagnostic& d, int line, int column, const std::string& part) {
  EXPECT_EQ(d.pos.line, line) << d.format();
  EXPECT_EQ(d.pos.column, column) << d.format();
  EXPECT_NE(d.message.find(part), std::string::npos) << d.format() << "\nlacks: " << part;
}

std::string with_migration(const std::string& migration_body) {
  return std::string(kMinimal) + "migration:\n  mover: EX07\n" + migration_body;
}

}  // namespace

// ---- SPEC §2: explicit values of every key --------------------------------------------------

TEST(LoaderSpecExample, TopLevelAndSites) {
  const Scenario s = load_ok(kSpecExample);
  EXPECT_EQ(s.name, "contoso-weekend");
  EXPECT_EQ(s.description, "HQ and one branch, 3-role 2007 box per site");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.start.iso(), "2007-06-01T20:00:00");
  ASSERT_EQ(s.sites.size(), 3u);
  EXPECT_EQ(s.sites[0].name, "HQ");
  EXPECT_DOUBLE_EQ(s.sites[0].lan.bandwidth.value, 1e9 / 8);
  EXPECT_DOUBLE_EQ(s.sites[0].lan.latency.value, 0.2e-3);
  EXPECT_DOUBLE_EQ(s.sites[0].utc_offset.value, 0);
  EXPECT_EQ(s.sites[2].name, "DMZ");
  EXPECT_EQ(s.sites[0].pos.line, 8);  // after the raw string's leading newline
  EXPECT_EQ(s.sites[0].pos.column, 5);
}

TEST(LoaderSpecExample, Links) {
  const Scenario s = load_ok(kSpecExample);
  ASSERT_EQ(s.links.size(), 2u);
  EXPECT_EQ(s.links[0].name, "HQ-Branch");  // from `between`
  EXPECT_EQ(s.links[0].site_a, "HQ");
  EXPECT_EQ(s.links[0].site_b, "Branch");
  EXPECT_DOUBLE_EQ(s.links[0].bandwidth.value, 10e6 / 8);
  EXPECT_DOUBLE_EQ(s.links[0].latency.value, 0.030);
  EXPECT_DOUBLE_EQ(s.links[0].cost, 100);
  EXPECT_EQ(s.links[1].name, "HQ-DMZ");
  EXPECT_DOUBLE_EQ(s.links[1].bandwidth.value, 100e6 / 8);
  EXPECT_DOUBLE_EQ(s.links[1].latency.value, 1e-3);
}

TEST(LoaderSpecExample, ServersHardwareBackupDatabases) {
  const Scenario s = load_ok(kSpecExample);
  ASSERT_EQ(s.servers.size(), 3u);
  const Server& be = s.servers[0];
  EXPECT_EQ(be.name, "EX03-BE1");
  EXPECT_TRUE(be.is_2003());
  EXPECT_EQ(be.site, "HQ");
  EXPECT_EQ(be.routing_group, "HQ-RG");
  ASSERT_EQ(be.roles.size(), 2u);
  EXPECT_EQ(be.roles[0], Role::mailbox);
  EXPECT_EQ(be.roles[1], Role::bridgehead);
  EXPECT_EQ(be.cluster, ClusterKind::none);
  EXPECT_EQ(be.hardware.cores, 4);
  EXPECT_DOUBLE_EQ(be.hardware.clock.value, 3e9);
  EXPECT_DOUBLE_EQ(be.hardware.memory.value, 4 * kGiB);
  EXPECT_DOUBLE_EQ(be.hardware.nic.value, 1e9 / 8);
  EXPECT_DOUBLE_EQ(be.hardware.database_disk.iops, 800);
  ASSERT_TRUE(be.hardware.database_disk.capacity.has_value());
  EXPECT_DOUBLE_EQ(be.hardware.database_disk.capacity->value, 500 * kGiB);
  EXPECT_DOUBLE_EQ(be.hardware.log_disk.throughput.value, 60e6);
  EXPECT_DOUBLE_EQ(be.hardware.log_disk.capacity.value, 100 * kGiB);
  EXPECT_FALSE(be.hardware.log_disk.circular_logging);
  ASSERT_TRUE(be.backup.has_value());
  EXPECT_DOUBLE_EQ(be.backup->at.value, 2 * 3600);
  EXPECT_DOUBLE_EQ(be.backup->throughput.value, 100e6);
  ASSERT_EQ(be.databases.size(), 1u);
  const MailboxPopulation& m = be.databases[0].mailboxes;
  EXPECT_EQ(be.databases[0].name, "SG1-DB1");
  EXPECT_EQ(m.count, 1200);
  EXPECT_EQ(m.size.distribution, SizeDistribution::lognormal);
  EXPECT_DOUBLE_EQ(m.size.mean.value, 300e6);
  EXPECT_DOUBLE_EQ(m.size.stddev.value, 250e6);
  EXPECT_DOUBLE_EQ(m.items_per_mb, 25);
  EXPECT_EQ(m.profile, "average");
  EXPECT_EQ(m.profile_pos.line, 41);

  const Server& hq = s.servers[1];
  EXPECT_TRUE(hq.is_2007());
  EXPECT_EQ(hq.routing_group, "");  // 2007 servers have none
  EXPECT_DOUBLE_EQ(hq.hardware.clock.value, 2.66e9);
  EXPECT_DOUBLE_EQ(hq.hardware.database_disk.capacity->value, 2 * 1024 * kGiB);
  EXPECT_FALSE(hq.backup.has_value());
  ASSERT_EQ(hq.databases.size(), 1u);
  EXPECT_EQ(hq.databases[0].mailboxes.count, 0);  // an empty target database

  const Server& edge = s.servers[2];
  EXPECT_EQ(edge.subscribed_site, "HQ");
  ASSERT_EQ(edge.roles.size(), 1u);
  EXPECT_EQ(edge.roles[0], Role::edge_transport);
}

TEST(LoaderSpecExample, ConnectorsAndWorkload) {
  const Scenario s = load_ok(kSpecExample);
  ASSERT_EQ(s.connectors.routing_group.size(), 1u);
  EXPECT_EQ(s.connectors.routing_group[0].server_a, "EX03-BE1");
  EXPECT_EQ(s.connectors.routing_group[0].server_b, "EX07-HQ1");
  EXPECT_DOUBLE_EQ(s.connectors.routing_group[0].cost, 10);
  EXPECT_FALSE(s.connectors.routing_group[0].implicit);
  EXPECT_EQ(s.connectors.internet_via, "EX07-EDGE");
  EXPECT_EQ(s.connectors.internet_pos.line, 63);
  EXPECT_EQ(s.connectors.internet_pos.column, 20);

  const Workload& w = s.workload;
  EXPECT_TRUE(w.enabled);
  EXPECT_EQ(w.day_shape, DayShape::office_hours);
  ASSERT_EQ(w.profiles.size(), 1u);
  EXPECT_EQ(w.profiles[0].name, "sales");
  EXPECT_DOUBLE_EQ(w.profiles[0].sent_per_day, 30);
  EXPECT_DOUBLE_EQ(w.profiles[0].received_per_day, 120);
  EXPECT_DOUBLE_EQ(w.profiles[0].message_size.value, 75e3);
  EXPECT_FALSE(w.profiles[0].database_iops_2003.has_value());
  EXPECT_DOUBLE_EQ(w.clients.outlook.value, 0.80);
  EXPECT_DOUBLE_EQ(w.clients.owa.value, 0.15);
  EXPECT_DOUBLE_EQ(w.clients.pop_imap.value, 0.05);
  EXPECT_DOUBLE_EQ(w.recipients.same_database.value, 0.20);
  EXPECT_DOUBLE_EQ(w.recipients.same_site.value, 0.50);
  EXPECT_DOUBLE_EQ(w.recipients.other_site.value, 0.20);
  EXPECT_DOUBLE_EQ(w.recipients.internet.value, 0.10);
  EXPECT_EQ(w.legacy_web_access, LegacyWebAccess::client_access);
}

TEST(LoaderSpecExample, MigrationAndTheRest) {
  const Scenario s = load_ok(kSpecExample);
  const Migration& m = s.migration;
  EXPECT_TRUE(m.present);
  EXPECT_EQ(m.mover, "EX07-HQ1");
  EXPECT_EQ(m.max_threads, 4);
  EXPECT_EQ(m.scheduler, "largest_first");
  EXPECT_EQ(m.throttles.per_source_database, 5);
  EXPECT_EQ(m.throttles.per_target_database, 2);
  EXPECT_EQ(m.throttles.per_source_server, 50);
  EXPECT_EQ(m.throttles.per_target_server, 5);
  EXPECT_EQ(m.bad_item_limit, 0);
  ASSERT_EQ(m.windows.size(), 1u);
  EXPECT_TRUE(m.windows[0].weekly);
  EXPECT_EQ(m.windows[0].from_minute_of_week, 4 * 1440 + 20 * 60);
  EXPECT_EQ(m.windows[0].to_minute_of_week, 6 * 60);
  EXPECT_EQ(m.on_window_end, WindowEndPolicy::finish);
  ASSERT_EQ(m.batches.size(), 1u);
  const Batch& b = m.batches[0];
  EXPECT_EQ(b.name, "wave1");
  EXPECT_EQ(b.from.text(), "EX03-BE1/SG1-DB1");
  EXPECT_EQ(b.to.text(), "EX07-HQ1/DB1");
  EXPECT_EQ(b.mailboxes.kind, BatchSelection::Kind::all);
  ASSERT_TRUE(b.not_before.has_value());
  EXPECT_DOUBLE_EQ(b.not_before->value, 7 * 86400);  // one week after the start

  ASSERT_EQ(s.operations.size(), 1u);
  EXPECT_EQ(s.operations[0].action, OperationAction::create_mailbox);
  EXPECT_EQ(s.operations[0].tool, AdminTool::emc);
  EXPECT_EQ(s.operations[0].database.text(), "EX03-BE1/SG1-DB1");
  ASSERT_EQ(s.costs.size(), 1u);
  EXPECT_EQ(s.costs[0].path, "servers.EX07-HQ1.hardware.cores");
  EXPECT_DOUBLE_EQ(s.costs[0].per_unit, 900);
  EXPECT_EQ(s.simulation.mail_flow, MailFlowMode::automatic);
  EXPECT_DOUBLE_EQ(s.simulation.sample_interval.value, 300);
  EXPECT_DOUBLE_EQ(s.simulation.horizon.value, 60 * 86400);
  EXPECT_EQ(s.calibration.mode, CalibrationMode::realistic);
  EXPECT_TRUE(s.calibration.overrides.empty());
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].expr, "migration.duration <= 60 h");
  EXPECT_EQ(s.checks[1].expr, "resource(EX07-HQ1/cpu).peak_utilisation < 80 %");
  EXPECT_EQ(s.checks[1].pos.line, 101);
}

TEST(LoaderSpecExample, TheRulesFindOnlyItsToolRuleBreak) {
  // The example creates a 2003 mailbox with emc, which the management-tool rule forbids;
  // everything else in it is a valid layout.
  LoadResult r = load_checked(kSpecExample);
  const auto errs = errors(r.diagnostics);
  ASSERT_EQ(errs.size(), 1u) << dump(r.diagnostics);
  EXPECT_EQ(
      errs[0].format(),
      "test.yaml:86:5: error: operation create_mailbox with emc on 'EX03-BE1/SG1-DB1': "
      "Exchange 2007 tools manage 2003 mailboxes but cannot create them; use aduc_2003 [tools]");
  // Declared connector: no implicit one, and so no L7 warning.
  EXPECT_FALSE(has_warning(r.diagnostics, "(L7)")) << dump(r.diagnostics);
}

// ---- SPEC §2: the defaults table -------------------------------------------------------------

TEST(LoaderDefaults, EveryOmittedKeyTakesItsDefault) {
  const Scenario s = load_ok(kMinimal);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.description, "");
  // sites[].lan: 1 Gbps, 0.2 ms; utc_offset 0 h
  EXPECT_DOUBLE_EQ(s.sites[0].lan.bandwidth.value, 125e6);
  EXPECT_DOUBLE_EQ(s.sites[0].lan.latency.value, 0.0002);
  EXPECT_DOUBLE_EQ(s.sites[0].utc_offset.value, 0);
  // servers[].routing_group: 2003 only, named after the site
  EXPECT_EQ(s.servers[0].routing_group, "HQ");
  EXPECT_EQ(s.servers[1].routing_group, "");
  // servers[].cluster none; subscribed_site none; backup none
  EXPECT_EQ(s.servers[0].cluster, ClusterKind::none);
  EXPECT_EQ(s.servers[1].subscribed_site, "");
  EXPECT_FALSE(s.servers[0].backup.has_value());
  // database_disk.capacity omitted: not tracked; circular_logging false
  EXPECT_FALSE(s.servers[0].hardware.database_disk.capacity.has_value());
  EXPECT_FALSE(s.servers[0].hardware.log_disk.circular_logging);
  // mailboxes: items_per_mb 25, profile average; a scalar size is a fixed size
  const MailboxPopulation& m = s.servers[0].databases[0].mailboxes;
  EXPECT_DOUBLE_EQ(m.items_per_mb, 25);
  EXPECT_EQ(m.profile, "average");
  EXPECT_EQ(m.size.distribution, SizeDistribution::fixed);
  EXPECT_DOUBLE_EQ(m.size.fixed.value, 300e6);
  // connectors: none declared (the rules add the implicit one)
  EXPECT_TRUE(s.connectors.routing_group.empty());
  EXPECT_EQ(s.connectors.internet_via, "");
  // workload omitted: users on, office hours, the default mixes, no custom profile
  EXPECT_TRUE(s.workload.enabled);
  EXPECT_EQ(s.workload.day_shape, DayShape::office_hours);
  EXPECT_TRUE(s.workload.profiles.empty());
  EXPECT_DOUBLE_EQ(s.workload.clients.outlook.value, 0.80);
  EXPECT_DOUBLE_EQ(s.workload.clients.owa.value, 0.15);
  EXPECT_DOUBLE_EQ(s.workload.clients.pop_imap.value, 0.05);
  EXPECT_DOUBLE_EQ(s.workload.recipients.same_database.value, 0.20);
  EXPECT_DOUBLE_EQ(s.workload.recipients.same_site.value, 0.50);
  EXPECT_DOUBLE_EQ(s.workload.recipients.other_site.value, 0.20);
  EXPECT_DOUBLE_EQ(s.workload.recipients.internet.value, 0.10);
  // no 2003 front-end: OWA for 2003 mailboxes through client_access
  EXPECT_EQ(s.workload.legacy_web_access, LegacyWebAccess::client_access);
  // no migration section
  EXPECT_FALSE(s.migration.present);
  EXPECT_TRUE(s.operations.empty());
  EXPECT_TRUE(s.costs.empty());
  EXPECT_TRUE(s.checks.empty());
  // simulation: auto, 5 min, 60 d; calibration realistic
  EXPECT_EQ(s.simulation.mail_flow, MailFlowMode::automatic);
  EXPECT_DOUBLE_EQ(s.simulation.sample_interval.value, 5 * 60);
  EXPECT_DOUBLE_EQ(s.simulation.horizon.value, 60 * 86400);
  EXPECT_EQ(s.calibration.mode, CalibrationMode::realistic);
}

TEST(LoaderDefaults, MigrationDefaults) {
  const Scenario s =
      load_ok(with_migration("  batches:\n    - { from: EX03/DB03, to: EX07/DB07 }\n"));
  const Migration& m = s.migration;
  EXPECT_TRUE(m.present);
  EXPECT_EQ(m.max_threads, 4);
  EXPECT_EQ(m.scheduler, "fifo");
  EXPECT_FALSE(m.throttles.per_source_database.has_value());
  EXPECT_FALSE(m.throttles.per_target_database.has_value());
  EXPECT_FALSE(m.throttles.per_source_server.has_value());
  EXPECT_FALSE(m.throttles.per_target_server.has_value());
  EXPECT_EQ(m.bad_item_limit, 0);
  EXPECT_TRUE(m.windows.empty());  // always open
  EXPECT_EQ(m.on_window_end, WindowEndPolicy::finish);
  ASSERT_EQ(m.batches.size(), 1u);
  EXPECT_EQ(m.batches[0].name, "batch1");  // unnamed batches are numbered
  EXPECT_EQ(m.batches[0].mailboxes.kind, BatchSelection::Kind::all);
  EXPECT_FALSE(m.batches[0].not_before.has_value());
}

TEST(LoaderDefaults, LinkNameAndCostAndConnectorCost) {
  std::string text = replace_once(kMinimal, "  - name: HQ\n", "  - name: HQ\n  - name: Branch\n");
  text = replace_once(text, "servers:\n",
                      "links:\n"
                      "  - { between: [HQ, Branch], bandwidth: 10 Mbps, latency: 30 ms }\n"
                      "  - { name: backup-line, between: [Branch, HQ], bandwidth: 2 Mbps,"
                      " latency: 40 ms, cost: 500 }\n"
                      "servers:\n");
  text += "connectors:\n  routing_group:\n    - { between: [EX03, EX07] }\n";
  const Scenario s = load_ok(text);
  ASSERT_EQ(s.links.size(), 2u);
  EXPECT_EQ(s.links[0].name, "HQ-Branch");
  EXPECT_DOUBLE_EQ(s.links[0].cost, 100);
  EXPECT_EQ(s.links[1].name, "backup-line");
  EXPECT_DOUBLE_EQ(s.links[1].cost, 500);
  ASSERT_EQ(s.connectors.routing_group.size(), 1u);
  EXPECT_DOUBLE_EQ(s.connectors.routing_group[0].cost, 10);
}

TEST(LoaderDefaults, LegacyWebAccessIsFrontEndWhenA2003FrontEndExists) {
  const std::string text =
      replace_once(kMinimal, "  - name: EX07\n",
                   server_yaml("EX03-FE", "2003", "HQ", "front_end") + "  - name: EX07\n");
  EXPECT_EQ(load_ok(text).workload.legacy_web_access, LegacyWebAccess::front_end);
  // Explicit beats the default.
  EXPECT_EQ(
      load_ok(text + "workload:\n  legacy_web_access: client_access\n").workload.legacy_web_access,
      LegacyWebAccess::client_access);
}

TEST(LoaderDefaults, WorkloadNoneAndPartialMixes) {
  EXPECT_FALSE(load_ok(std::string(kMinimal) + "workload: none\n").workload.enabled);
  // A mix names every part it wants; the parts it omits are 0 and the whole adds to 100 %.
  const Scenario s = load_ok(std::string(kMinimal) +
                             "workload:\n  day_shape: flat\n  clients: { outlook: 100 % }\n");
  EXPECT_EQ(s.workload.day_shape, DayShape::flat);
  EXPECT_DOUBLE_EQ(s.workload.clients.outlook.value, 1.0);
  EXPECT_DOUBLE_EQ(s.workload.clients.owa.value, 0.0);
  EXPECT_DOUBLE_EQ(s.workload.clients.pop_imap.value, 0.0);
  EXPECT_DOUBLE_EQ(s.workload.recipients.same_site.value, 0.50);  // untouched default
}

// ---- other forms ----------------------------------------------------------------------------

TEST(LoaderForms, MailboxSizeForms) {
  const auto size_of = [](const std::string& size) {
    return load_ok(replace_once(kMinimal, "size: 300 MB", "size: " + size))
        .servers[0]
        .databases[0]
        .mailboxes.size;
  };
  const SizeSpec fixed = size_of("{ distribution: fixed, mean: 2 GiB }");
  EXPECT_EQ(fixed.distribution, SizeDistribution::fixed);
  EXPECT_DOUBLE_EQ(fixed.fixed.value, 2 * kGiB);
  const SizeSpec uniform = size_of("{ distribution: uniform, min: 50 MB, max: 2 GB }");
  EXPECT_EQ(uniform.distribution, SizeDistribution::uniform);
  EXPECT_DOUBLE_EQ(uniform.min.value, 50e6);
  EXPECT_DOUBLE_EQ(uniform.max.value, 2e9);
  const SizeSpec zero_min = size_of("{ distribution: uniform, min: 0 MB, max: 1 GB }");
  EXPECT_DOUBLE_EQ(zero_min.min.value, 0);
  const SizeSpec logn = size_of("{ distribution: lognormal, mean: 300 MB, stddev: 250 MB }");
  EXPECT_EQ(logn.distribution, SizeDistribution::lognormal);
  EXPECT_DOUBLE_EQ(logn.mean.value, 300e6);
  EXPECT_DOUBLE_EQ(logn.stddev.value, 250e6);
}

TEST(LoaderForms, BatchSelectionsAndNotBefore) {
  const Scenario s =
      load_ok(with_migration("  batches:\n"
                             "    - { name: a, from: EX03/DB03, to: EX07/DB07, mailboxes: all }\n"
                             "    - { name: b, from: EX03/DB03, to: EX07/DB07, mailboxes: 5 }\n"
                             "    - { name: c, from: EX03/DB03, to: EX07/DB07, mailboxes: 40 %,"
                             " not_before: 2007-06-02T08:30 }\n"));
  const auto& b = s.migration.batches;
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].mailboxes.kind, BatchSelection::Kind::all);
  EXPECT_EQ(b[1].mailboxes.kind, BatchSelection::Kind::count);
  EXPECT_EQ(b[1].mailboxes.count, 5);
  EXPECT_EQ(b[2].mailboxes.kind, BatchSelection::Kind::share);
  EXPECT_DOUBLE_EQ(b[2].mailboxes.share.value, 0.4);
  // 2007-06-01T20:00 -> 2007-06-02T08:30 is 12 h 30 min.
  ASSERT_TRUE(b[2].not_before.has_value());
  EXPECT_DOUBLE_EQ(b[2].not_before->value, 12.5 * 3600);
}

TEST(LoaderForms, AbsoluteWindowsCountFromStart) {
  const Scenario s =
      load_ok(with_migration("  windows:\n    - { from: 2007-06-08T20:00, to: 2007-06-09T08:00 }\n"
                             "  on_window_end: cancel\n"));
  ASSERT_EQ(s.migration.windows.size(), 1u);
  const Window& w = s.migration.windows[0];
  EXPECT_FALSE(w.weekly);
  EXPECT_DOUBLE_EQ(w.from.value, 7 * 86400);
  EXPECT_DOUBLE_EQ(w.to.value, 7 * 86400 + 12 * 3600);
  EXPECT_EQ(s.migration.on_window_end, WindowEndPolicy::cancel);
}

TEST(LoaderForms, SignedUtcOffsetsAndCalibration) {
  std::string text = replace_once(kMinimal, "  - name: HQ\n",
                                  "  - name: HQ\n    utc_offset: -5 h\n"
                                  "  - name: Delhi\n    utc_offset: 5.5 h\n");
  text += "calibration:\n  mode: ideal\n  item_server_time: 10 ms\n  rpc_round_trips_per_item: 3\n";
  const Scenario s = load_ok(text);
  EXPECT_DOUBLE_EQ(s.sites[0].utc_offset.value, -5 * 3600);
  EXPECT_DOUBLE_EQ(s.sites[1].utc_offset.value, 5.5 * 3600);
  EXPECT_EQ(s.calibration.mode, CalibrationMode::ideal);
  ASSERT_EQ(s.calibration.overrides.size(), 2u);
  EXPECT_EQ(s.calibration.overrides[0].name, "item_server_time");
  EXPECT_DOUBLE_EQ(s.calibration.overrides[0].base_value, 0.010);
  EXPECT_EQ(s.calibration.overrides[1].name, "rpc_round_trips_per_item");
  EXPECT_DOUBLE_EQ(s.calibration.overrides[1].base_value, 3);
}

TEST(LoaderForms, ScenarioNamesMayHaveDotsOtherNamesNot) {
  EXPECT_EQ(load_ok(replace_once(kMinimal, "scenario: minimal", "scenario: v1.2_test-a")).name,
            "v1.2_test-a");
  const Diagnostic d =
      load_one_error(replace_once(kMinimal, "  - name: EX03\n", "  - name: EX.03\n"));
  expect_at(d, 6, 11, "server name 'EX.03' may contain only letters, digits, '-' and '_'");
}

// ---- errors with positions ------------------------------------------------------------------

TEST(LoaderErrors, UnknownKeysSuggestTheClosestKnownOne) {
  struct Case {
    std::string from, to;
    int line, column;
    std::string message;
  };
  const Case cases[] = {
      {"scenario: minimal\n", "scenario: minimal\nseeds: 3\n", 2, 1,
       "unknown key 'seeds' in the scenario; did you mean 'seed'?"},
      {"  - name: HQ\n", "  - name: HQ\n    utc_ofset: 1 h\n", 5, 5,
       "unknown key 'utc_ofset' in a site; did you mean 'utc_offset'?"},
      {"database_disk: { iops: 800 }", "database_disk: { iops: 800, capcity: 1 TB }", 10, 97,
       "unknown key 'capcity' in server 'EX03' hardware database_disk; did you mean 'capacity'?"},
      {"size: 300 MB }", "size: 300 MB, item_per_mb: 30 }", 14, 47,
       "unknown key 'item_per_mb' in database 'DB03' mailboxes; did you mean 'items_per_mb'?"},
      {"    version: 2003\n", "    version: 2003\n    clustr: ccr\n", 8, 5,
       "unknown key 'clustr' in a server; did you mean 'cluster'?"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    expect_at(load_one_error(replace_once(kMinimal, c.from, c.to)), c.line, c.column, c.message);
  }
}

TEST(LoaderErrors, PrefixSuggestionAndNoSuggestion) {
  // "sim" is a prefix of "simulation" (3 edits away, so only the prefix rule finds it).
  expect_at(load_one_error(std::string(kMinimal) + "sim:\n  horizon: 1 d\n"), 23, 1,
            "unknown key 'sim' in the scenario; did you mean 'simulation'?");
  const Diagnostic d = load_one_error(std::string(kMinimal) + "xyzzy: 1\n");
  expect_at(d, 23, 1, "unknown key 'xyzzy' in the scenario");
  EXPECT_EQ(d.message.find("did you mean"), std::string::npos) << d.message;
}

TEST(LoaderErrors, MissingRequiredKeysPointAtTheirMapping) {
  expect_at(load_one_error(replace_once(kMinimal, "start: 2007-06-01T20:00\n", "")), 1, 1,
            "the scenario has no 'start' (required)");
  expect_at(load_one_error(replace_once(kMinimal, "    version: 2003\n", "")), 6, 5,
            "server 'EX03' has no 'version' (required)");
  expect_at(load_one_error(replace_once(kMinimal, "clock: 3 GHz, ", "")), 10, 15,
            "server 'EX03' hardware has no 'clock' (required)");
  // A null value is as good as missing.
  expect_at(load_one_error(replace_once(kMinimal, "cores: 4,", "cores: ~,")), 10, 15,
            "server 'EX03' hardware has no 'cores' (required)");
}

TEST(LoaderErrors, WholeNumbers) {
  const auto count_error = [](const std::string& v) {
    return load_one_error(replace_once(kMinimal, "count: 10,", "count: " + v + ",")).message;
  };
  EXPECT_EQ(count_error("1.5"),
            "database 'DB03' mailboxes count must be a whole number, got '1.5'");
  EXPECT_EQ(count_error("ten"),
            "database 'DB03' mailboxes count must be a whole number, got 'ten'");
  EXPECT_EQ(count_error("0x10"),
            "database 'DB03' mailboxes count must be a whole number, got '0x10'");
  EXPECT_EQ(count_error("-1"), "database 'DB03' mailboxes count = -1 is out of range [0, 1000000]");
  EXPECT_EQ(count_error("1000001"),
            "database 'DB03' mailboxes count = 1000001 is out of range [0, 1000000]");
  // Absurd numbers are range errors, never an attempt and never an overflow.
  EXPECT_EQ(count_error("1e15"),
            "database 'DB03' mailboxes count = 1e15 is out of range [0, 1000000]");
  EXPECT_EQ(
      count_error("99999999999999999999999"),
      "database 'DB03' mailboxes count = 99999999999999999999999 is out of range [0, 1000000]");
  EXPECT_EQ(count_error("1e400"),
            "database 'DB03' mailboxes count must be a whole number, got '1e400'");
}

TEST(LoaderErrors, QuantitiesNeedTheirUnit) {
  const Diagnostic bare =
      load_one_error(replace_once(kMinimal, "nic: 1 Gbps, database_disk: { iops: 800 }",
                                  "nic: 1000, database_disk: { iops: 800 }"));
  expect_at(bare, 10, 61, "server 'EX03' hardware nic: '1000' has no unit: expected a rate");
  const Diagnostic wrong =
      load_one_error(replace_once(kMinimal, "memory: 4 GiB", "memory: 4 Gbps"));
  expect_at(wrong, 10, 49, "'4 Gbps' is a rate, not a size");
  const Diagnostic zero = load_one_error(replace_once(kMinimal, "clock: 3 GHz", "clock: 0 GHz"));
  expect_at(zero, 10, 34,
            "server 'EX03' hardware clock = '0 GHz' is out of range (must be more than zero)");
  const Diagnostic map =
      load_one_error(replace_once(kMinimal, "clock: 3 GHz", "clock: { ghz: 3 }"));
  expect_at(map, 10, 34, "server 'EX03' hardware clock must be a single value, not a mapping");
  const Diagnostic list = load_one_error(replace_once(kMinimal, "clock: 3 GHz", "clock: [3, GHz]"));
  expect_at(list, 10, 34, "server 'EX03' hardware clock must be a single value, not a list");
}

TEST(LoaderErrors, SyntaxErrorIsReportedAloneAndYieldsNoScenario) {
  // The unknown key and the bad unit above the syntax error are not reported.
  std::string text = replace_once(kMinimal, "scenario: minimal\n", "scenario: minimal\nbogus: 1\n");
  text = replace_once(text, "nic: 1 Gbps, database_disk: { iops: 800 }",
                      "nic: 1000, database_disk: { iops: 800 }");
  text = replace_once(text, "    site: HQ\n    roles: [mailbox, hub",
                      "    site: *nowhere\n    roles: [mailbox, hub");
  LoadResult r = load_scenario_text(text, "test.yaml");
  ASSERT_EQ(r.diagnostics.all().size(), 1u) << dump(r.diagnostics);
  const Diagnostic& d = r.diagnostics.all()[0];
  EXPECT_EQ(d.severity, Severity::error);
  EXPECT_EQ(d.format(),
            "test.yaml:18:11: error: YAML syntax: the referenced anchor is not defined");
  EXPECT_FALSE(r.scenario.has_value());
}

TEST(LoaderErrors, EveryErrorOfAFileInOnePass) {
  std::string text = replace_once(kMinimal, "cores: 4,", "cores: 0,");
  text = replace_once(text, "memory: 16 GiB", "memory: 16");
  text = replace_once(text, "    version: 2003\n", "    version: 2003\n    colour: red\n");
  text += "simulation: { horizon: 5000 d, mail_flow: sometimes }\n";
  LoadResult r = load_scenario_text(text, "test.yaml");
  const auto errs = r.diagnostics.sorted();
  ASSERT_EQ(errs.size(), 5u) << dump(r.diagnostics);
  EXPECT_EQ(errs[0].format(), "test.yaml:8:5: error: unknown key 'colour' in a server");
  EXPECT_EQ(errs[1].format(),
            "test.yaml:11:24: error: server 'EX03' hardware cores = 0 is out of range [1, 1024]");
  EXPECT_EQ(errs[2].pos.line, 20);
  EXPECT_EQ(errs[3].format(),
            "test.yaml:24:24: error: simulation horizon = '5000 d' is out of range");
  EXPECT_EQ(errs[4].pos.line, 24);
  EXPECT_EQ(errs[4].pos.column, 43);
  EXPECT_NE(errs[4].message.find("simulation mail_flow 'sometimes' is not one of"),
            std::string::npos);
  // The partial scenario is still there for the rules to check.
  EXPECT_TRUE(r.scenario.has_value());
}

TEST(LoaderErrors, DuplicateKeys) {
  expect_at(load_one_error(replace_once(kMinimal, "cores: 4,", "cores: 4, cores: 6,")), 10, 27,
            "duplicate key 'cores' in server 'EX03' hardware");
}

TEST(LoaderErrors, LimitsBeforeAllocation) {
  std::string dbs;
  for (int i = 0; i < 201; ++i) dbs += "      - name: D" + std::to_string(i) + "\n";
  const Diagnostic d = load_one_error(replace_once(kMinimal, "      - name: DB07\n", dbs));
  expect_at(d, 22, 7, "server 'EX07' databases: 201 databases exceed the limit of 200");
  const Diagnostic samples = load_one_error(
      std::string(kMinimal) + "simulation: { sample_interval: 1 s, horizon: 3650 d }\n");
  expect_at(samples, 23, 13, "315360000 samples exceeds the limit of 2000000");
}

TEST(LoaderErrors, EmptyDocumentAndNonMapping) {
  expect_at(load_one_error("# nothing\n"), 1, 1, "the scenario is empty");
  expect_at(load_one_error("- a\n- b\n"), 1, 1, "the scenario must be a mapping of keys to values");
}

TEST(LoaderErrors, MissingFile) {
  LoadResult r = load_scenario_file("/nonexistent/coexlab/scenario.yaml");
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.all()[0].format(),
            "/nonexistent/coexlab/scenario.yaml: error: cannot open the file: No such file or "
            "directory");
  EXPECT_FALSE(r.scenario.has_value());
}

// Issue 16: a device never ends; reading it must not even start.
TEST(LoaderFile, DevicesAreRefusedAtOnce) {
  for (const char* dev : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
    SCOPED_TRACE(dev);
    LoadResult r = load_scenario_file(dev);
    ASSERT_EQ(r.diagnostics.all().size(), 1u) << dump(r.diagnostics);
    EXPECT_EQ(r.diagnostics.all()[0].format(),
              std::string(dev) +
                  ": error: is a character device, not a scenario file (a regular file or a "
                  "pipe)");
  }
  LoadResult dir = load_scenario_file(COEXLAB_SOURCE_DIR);
  ASSERT_EQ(dir.diagnostics.all().size(), 1u);
  EXPECT_NE(dir.diagnostics.all()[0].message.find("is a directory"), std::string::npos);
}

// Issue 16: a FIFO that nobody writes to ends at once (empty); one that carries more than the
// limit is cut after limit + 1 bytes instead of being read whole first.
TEST(LoaderFile, PipesAreReadToTheLimitAndNoFurther) {
  const std::string fifo = ::testing::TempDir() + "coexlab_fifo_" + std::to_string(::getpid());
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  {
    LoadResult r = load_scenario_file(fifo);  // no writer: EOF, not a wait
    EXPECT_TRUE(has_error(r.diagnostics, "the scenario is empty")) << dump(r.diagnostics);
  }
  ::unlink(fifo.c_str());
  // A pipe with a writer that would send 50 MB, read through its /dev/fd path.
  std::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::atomic<std::int64_t> written{0};
  std::thread writer([&] {
    const std::string chunk(1 << 16, ' ');
    while (written < 50'000'000) {
      const ssize_t n = ::write(fds[1], chunk.data(), chunk.size());
      if (n <= 0) break;  // EPIPE: the reader has stopped
      written += n;
    }
    ::close(fds[1]);
  });
  LoadResult r = load_scenario_file("/dev/fd/" + std::to_string(fds[0]));
  ::close(fds[0]);  // the last reader: the writer's next write fails
  writer.join();
  ASSERT_EQ(r.diagnostics.all().size(), 1u) << dump(r.diagnostics);
  EXPECT_NE(r.diagnostics.all()[0].message.find("more than 16777216 bytes"), std::string::npos)
      << r.diagnostics.all()[0].message;
  EXPECT_LT(written.load(), 20'000'000) << "the pipe was read far past the limit";
}

// Issue 16: max_threads 1000 (the maximum) took 195 s; above 100 a warning says what it costs.
TEST(LoaderErrors, ManyThreadsWarnWithTheMeasuredCost) {
  const std::string text = std::string(kMinimal) + "migration: { mover: EX07, max_threads: 101 }\n";
  LoadResult r = load_scenario_text(text, "test.yaml");
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  const auto w = warnings(r.diagnostics);
  ASSERT_EQ(w.size(), 1u) << dump(r.diagnostics);
  EXPECT_EQ(w[0].format().rfind("test.yaml:23:40: warning: migration max_threads = 101: a real "
                                "Move-Mailbox runs tens of threads",
                                0),
            0u)
      << w[0].format();
  LoadResult ok = load_scenario_text(
      std::string(kMinimal) + "migration: { mover: EX07, max_threads: 100 }\n", "test.yaml");
  EXPECT_TRUE(warnings(ok.diagnostics).empty()) << dump(ok.diagnostics);
}

// Issue 16: bytes YAML does not allow, and CR-only line endings, are named at their position
// (yaml-cpp said "unknown escape character: j" for a NUL and "the scenario is empty" for CRs).
TEST(LoaderErrors, ControlBytesAndCrOnlyLineEndings) {
  std::string cr = kMinimal;
  for (char& c : cr) {
    if (c == '\n') c = '\r';
  }
  expect_at(load_one_error(cr), 1, 18, "lone CR (classic Mac line endings)");
  std::string crlf;
  for (char c : std::string(kMinimal)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  load_ok(crlf);
  std::string nul = std::string(kMinimal) + "description: \"a";
  nul += '\0';
  nul += "j\"\n";
  expect_at(load_one_error(nul), 23, 16, "contains a NUL byte");
  expect_at(load_one_error(std::string(kMinimal) + "description: a\x01"
                                                   "b\n"),
            23, 15, "control character 0x01");
  // A tab is allowed where YAML allows it.
  load_ok(std::string(kMinimal) + "description: \"a\tb\"\n");
}

TEST(LoaderFile, ReferenceScenarioLoadsClean) {
  const std::string path = std::string(COEXLAB_SOURCE_DIR) + "/scenarios/contoso-weekend.yaml";
  LoadResult r = load_and_check(path, {});
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  ASSERT_TRUE(r.scenario.has_value());
  EXPECT_EQ(r.scenario->name, "contoso-weekend");
  EXPECT_EQ(r.scenario->file, path);
  for (const Diagnostic& d : r.diagnostics.all()) {
    EXPECT_EQ(d.format().rfind(path + ":", 0), 0u) << d.format();
    EXPECT_GT(d.pos.line, 0) << d.format();
  }
}

// ---- --seed and --set -----------------------------------------------------------------------

TEST(LoaderSeed, CommandLineSeedBeatsTheFile) {
  const std::string text = replace_once(kMinimal, "start:", "seed: 7\nstart:");
  EXPECT_EQ(load_ok(text).seed, 7u);
  LoadOptions o;
  o.seed = 42;
  EXPECT_EQ(load_ok(text, o).seed, 42u);
  EXPECT_EQ(load_ok(kMinimal, o).seed, 42u);
  const Diagnostic neg = load_one_error(replace_once(kMinimal, "start:", "seed: -3\nstart:"));
  EXPECT_NE(neg.message.find("seed = -3 is out of range"), std::string::npos) << neg.message;
}

TEST(LoaderOverrides, SetsValuesByDottedPathAndEntryName) {
  std::string text = replace_once(kMinimal, "  - name: HQ\n", "  - name: HQ\n  - name: Branch\n");
  text = replace_once(text, "servers:\n",
                      "links:\n  - { between: [HQ, Branch], bandwidth: 10 Mbps, latency: 30 ms }\n"
                      "servers:\n");
  text += "migration:\n  mover: EX07\n";
  LoadOptions o;
  o.overrides = {{"servers.EX07.hardware.cores", "16"},
                 {"links.HQ-Branch.bandwidth", "20 Mbps"},
                 {"migration.max_threads", "8"},
                 {"servers.EX03.databases.DB03.mailboxes.count", "25"},
                 {"servers.EX03.roles", "[mailbox, bridgehead, front_end]"},
                 {"simulation.horizon", "10 d"},    // creates the absent section
                 {"migration.max_threads", "12"}};  // the last one wins
  const Scenario s = load_ok(text, o);
  ASSERT_EQ(s.servers.size(), 2u);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.servers[1].hardware.cores, 16);
  EXPECT_EQ(s.servers[0].hardware.cores, 4);  // untouched
  EXPECT_DOUBLE_EQ(s.links[0].bandwidth.value, 20e6 / 8);
  EXPECT_EQ(s.migration.max_threads, 12);
  EXPECT_EQ(s.servers[0].databases[0].mailboxes.count, 25);
  EXPECT_EQ(s.servers[0].roles.size(), 3u);
  EXPECT_DOUBLE_EQ(s.simulation.horizon.value, 10 * 86400);
  // ...and so the default of legacy web access follows the new front-end.
  EXPECT_EQ(s.workload.legacy_web_access, LegacyWebAccess::front_end);
}

TEST(LoaderOverrides, ListEntriesByIndexToo) {
  LoadOptions o;
  o.overrides = {{"servers.1.hardware.cores", "2"}};
  const Scenario s = load_ok(kMinimal, o);
  ASSERT_EQ(s.servers.size(), 2u);
  EXPECT_EQ(s.servers[1].hardware.cores, 2);
}

TEST(LoaderOverrides, BadPathsAreUsageErrorsWithoutDiagnostics) {
  struct Case {
    std::string path, value, message;
  };
  const Case cases[] = {
      {"servers.EX7.hardware.cores", "8",
       "--set path 'servers.EX7.hardware.cores': no entry 'EX7' in 'servers' (did you mean "
       "'EX07'?)"},
      {"migration.max_thread", "8",
       "--set path 'migration.max_thread': 'max_thread' is not a key under 'migration' (did you "
       "mean 'max_threads'?)"},
      {"servers.EX07.hardware.corse", "8",
       "'corse' is not a key under 'servers[].hardware' (did you mean 'cores'?)"},
      {"simulaton.horizon", "1 d",
       "'simulaton' is not a key of a scenario (did you mean 'simulation'?)"},
      {"migration..max_threads", "1", "--set path 'migration..max_threads' has an empty part"},
      {"servers..hardware", "1", "no entry '' in 'servers'"},
      {"links.HQ-Branch.bandwidth", "1 Mbps", "the scenario has no list 'links'"},
      {"migration.max_threads", "[",
       "--set migration.max_threads: the value '[' is not valid YAML"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    LoadOptions o;
    o.overrides = {{c.path, c.value}};
    LoadResult r = load_scenario_text(kMinimal, "test.yaml", o);
    EXPECT_NE(r.usage_error.find(c.message), std::string::npos) << r.usage_error;
    EXPECT_TRUE(r.diagnostics.all().empty()) << dump(r.diagnostics);
    EXPECT_FALSE(r.scenario.has_value());
  }
}

TEST(LoaderOverrides, BadValuesAreDiagnosticsLabelledWithTheOverride) {
  LoadOptions o;
  o.overrides = {{"servers.EX07.hardware.cores", "0"}, {"servers.EX07.hardware.nic", "100"}};
  LoadResult r = load_scenario_text(kMinimal, "test.yaml", o);
  EXPECT_TRUE(r.usage_error.empty());
  const auto errs = r.diagnostics.sorted();
  ASSERT_EQ(errs.size(), 2u) << dump(r.diagnostics);
  EXPECT_EQ(errs[0].format(),
            "--set servers.EX07.hardware.cores:1:1: error: server 'EX07' hardware cores = 0 is out "
            "of range [1, 1024]");
  EXPECT_EQ(errs[1].pos.source, "--set servers.EX07.hardware.nic");
  EXPECT_NE(errs[1].message.find("'100' has no unit"), std::string::npos) << errs[1].message;
}
