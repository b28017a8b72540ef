// Results that tell the truth (SPEC §5.1): why a run stopped (migration.stopped_by), checks
// that an unfinished run cannot decide, database disks that hold no more than their capacity,
// the space rules of validate, and mailboxes.csv listing every planned mailbox. Each TEST is
// its own process.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bottleneck.hpp"
#include "check_eval.hpp"
#include "harness.hpp"

using coexlab::test::read_text;
using coexlab::test::run_cli;
using coexlab::test::simulate_yaml;
using coexlab::test::TempDir;
using nlohmann::json;

namespace {

std::string scenario_path(const char* name) {
  return std::string(COEXLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

// A 2003 server with `count` mailboxes of 10 MB (1000 IOPS x 4 KiB: 4 MB/s) and a 2007 target
// with `target_disk` (YAML of its database_disk); no users, ideal costs; `extra` is appended.
std::string small(int count, const std::string& target_disk, const std::string& extra = "") {
  return fmt::format(R"(scenario: small
start: 2007-06-01T20:00
sites: [ {{ name: HQ }} ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: {{ iops: 1000 }},
                log_disk: {{ throughput: 100 MB/s, capacity: 1 TB }} }}
    databases: [ {{ name: DB, mailboxes: {{ count: {}, size: 10 MB }} }} ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: {},
                log_disk: {{ throughput: 100 MB/s, capacity: 1 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration: {{ mover: NEW, max_threads: 1, batches: [ {{ from: OLD/DB, to: NEW/DB }} ] }}
calibration: {{ mode: ideal }}
{}
)",
                     count, target_disk, extra);
}

}  // namespace

TEST(StoppedBy, ACompleteRunIsDoneAndAHorizonCutRunSaysSoAndFailsWhatItCannotDecide) {
  TempDir dir("coexlab-stopped-by");
  // contoso-weekend needs a week; its checks include `migration.duration <= 9 d`.
  const auto cut = run_cli(fmt::format("run {} --out {} --set 'simulation.horizon=3 d'",
                                       scenario_path("contoso-weekend"), dir.path().string()));
  EXPECT_EQ(cut.code, 1) << cut.out;  // a check failed: it is undecided
  EXPECT_NE(cut.out.find("stopped by  horizon"), std::string::npos) << cut.out;
  const json summary = json::parse(read_text(dir.path() / "summary.json"));
  EXPECT_EQ(summary["migration"]["stopped_by"], "horizon");
  EXPECT_FALSE(summary["migration"]["completed"].get<bool>());
  bool duration_check_seen = false;
  for (const json& c : summary["checks"]) {
    if (c["expr"].get<std::string>().rfind("migration.duration", 0) != 0) continue;
    duration_check_seen = true;
    EXPECT_FALSE(c["passed"].get<bool>()) << c.dump();
    EXPECT_NE(c["message"].get<std::string>().find("undecided"), std::string::npos) << c.dump();
  }
  EXPECT_TRUE(duration_check_seen);
}

TEST(StoppedBy, AFullTargetDatabaseDiskDismountsItForGoodAndStallsTheMigration) {
  // 3 x 10 MB towards a 25 MB disk: the third mailbox's chunk does not fit.
  const auto s = simulate_yaml(small(3, "{ iops: 1000, capacity: 25 MB }"));
  const coexlab::Recording& rec = s.out.recording;
  EXPECT_EQ(rec.stopped_by, coexlab::StopReason::stalled);
  EXPECT_NE(rec.stop_detail.find("NEW's database disk is full"), std::string::npos)
      << rec.stop_detail;
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].kind, coexlab::EventKind::dismount);
  EXPECT_EQ(rec.events[0].server, "NEW");
  EXPECT_EQ(rec.events[0].resource, "NEW/database_space");
  const coexlab::MigrationMetrics m = s.metrics();
  EXPECT_EQ(m.mailboxes_moved, 2);
  // The disk never holds more than its capacity.
  for (double u : s.resource("NEW/database_space").samples) EXPECT_LE(u, 1.0);
  // The one-line bottleneck names what filled.
  const coexlab::Bottleneck b = coexlab::estimate_bottleneck(s.run(), m);
  EXPECT_EQ(b.resource, "NEW/database_space");
}

TEST(StoppedBy, ARunThatMovedEverythingIsDone) {
  const auto s = simulate_yaml(small(3, "{ iops: 1000, capacity: 30 MB }"));
  EXPECT_EQ(s.out.recording.stopped_by, coexlab::StopReason::done);
  EXPECT_TRUE(s.metrics().completed);
  EXPECT_TRUE(s.out.recording.events.empty());
}

TEST(StoppedBy, AFullLogDiskWithoutABackupStallsTheMigration) {
  // The target's log disk (the last "capacity: 1 TB") holds two mailboxes' logs.
  std::string yaml = small(3, "{ iops: 1000 }");
  const auto at = yaml.rfind("capacity: 1 TB");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, std::string("capacity: 1 TB").size(), "capacity: 25 MB");
  const auto s = simulate_yaml(yaml);
  EXPECT_EQ(s.out.recording.stopped_by, coexlab::StopReason::stalled);
  EXPECT_NE(s.out.recording.stop_detail.find("NEW's log disk is full and no backup"),
            std::string::npos)
      << s.out.recording.stop_detail;
  EXPECT_EQ(s.metrics().mailboxes_moved, 2);
}

TEST(DatabaseSpace, ValidateRefusesASourceLargerThanItsDiskAndWarnsOfATargetThatWillFill) {
  TempDir dir("coexlab-space-rules");
  // The source holds 30 MB on a 20 MB disk: an error at its database's mailboxes.
  const std::string source = small(3, "{ iops: 1000 }");
  std::string too_big = source;
  too_big.replace(too_big.find("database_disk: { iops: 1000 }"),
                  std::string("database_disk: { iops: 1000 }").size(),
                  "database_disk: { iops: 1000, capacity: 20 MB }");
  const auto bad = run_cli("validate " + dir.write("too-big.yaml", too_big), true);
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_NE(bad.out.find("too-big.yaml:11:41: error: 'OLD' holds 30.0 MB"), std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("more than its database disk's capacity"), std::string::npos) << bad.out;
  // The plan sends 30 MB to a 25 MB target disk: a warning at the batch, exit 0.
  const auto fills = run_cli(
      "validate " + dir.write("fills.yaml", small(3, "{ iops: 1000, capacity: 25 MB }")), true);
  EXPECT_EQ(fills.code, 0) << fills.out;
  EXPECT_NE(fills.out.find("fills.yaml:20:53: warning: the plan sends 30.0 MB to 'NEW'"),
            std::string::npos)
      << fills.out;
}

TEST(MailboxesCsv, ListsEveryPlannedMailboxWithItsStateAndDates) {
  TempDir dir("coexlab-mailboxes-csv");
  // Four mailboxes towards a log disk that holds two and that no backup empties: two move, the
  // third waits for log space until the horizon (unfinished), the fourth never starts.
  std::string yaml = small(4, "{ iops: 1000 }", "simulation: { horizon: 1 h }");
  const auto at = yaml.rfind("capacity: 1 TB");
  yaml.replace(at, std::string("capacity: 1 TB").size(), "capacity: 25 MB");
  const std::string file = dir.write("four.yaml", yaml);
  const auto r = run_cli(fmt::format("run {} --out {} --quiet", file, dir.path().string()));
  EXPECT_EQ(r.code, 0) << r.out;
  const std::string csv = read_text(dir.path() / "mailboxes.csv");
  EXPECT_EQ(
      csv,
      "mailbox,name,batch,source,target,size_bytes,items,state,attempts,first_start,last_end\n"
      "OLD/DB/0001,,batch1,OLD/DB,NEW/DB,10000000,250,moved,1,2007-06-01T20:00:00,"
      "2007-06-01T20:00:02\n"
      "OLD/DB/0002,,batch1,OLD/DB,NEW/DB,10000000,250,moved,1,2007-06-01T20:00:02,"
      "2007-06-01T20:00:05\n"
      "OLD/DB/0003,,batch1,OLD/DB,NEW/DB,10000000,250,unfinished,1,2007-06-01T20:00:05,"
      "2007-06-01T21:00:00\n"
      "OLD/DB/0004,,batch1,OLD/DB,NEW/DB,10000000,250,not_started,0,,\n");
  const json summary = json::parse(read_text(dir.path() / "summary.json"));
  EXPECT_EQ(summary["migration"]["stopped_by"], "stalled");
}

namespace {

// A summary.json of a run that the horizon cut after 3 days, cut down to what checks read.
json cut_summary(const char* stopped_by) {
  json s = json::parse(R"({
    "migration": { "duration_s": 259200.0, "mailboxes_total": 1200, "mailboxes_moved": 500,
                   "completed": false, "stopped_by": "horizon",
                   "user_downtime_s": { "mean": 900.0, "p95": 2000.0, "max": 7000.0 } },
    "resources": [], "mail_flow": null, "simulated_until_s": 259200.0 })");
  s["migration"]["stopped_by"] = stopped_by;
  return s;
}

coexlab::CheckOutcome check(const std::string& expr, const json& summary) {
  const auto parsed = coexlab::parse_check(expr);
  EXPECT_TRUE(std::holds_alternative<coexlab::ParsedCheck>(parsed)) << expr;
  return coexlab::evaluate_check(std::get<coexlab::ParsedCheck>(parsed),
                                 nlohmann::ordered_json::parse(summary.dump()));
}

bool undecided(const coexlab::CheckOutcome& o) {
  return !o.passed && o.message.find("undecided") != std::string::npos;
}

}  // namespace

TEST(UnfinishedChecks, OnlyWhatTheRunsLowerBoundSettlesIsDecided) {
  const json cut = cut_summary("horizon");
  // The duration so far (3 d) is a lower bound on the whole migration's.
  EXPECT_TRUE(undecided(check("migration.duration <= 9 d", cut)));
  const auto too_long = check("migration.duration <= 2 d", cut);  // already past 2 d: false
  EXPECT_FALSE(too_long.passed);
  EXPECT_FALSE(undecided(too_long)) << too_long.message;
  EXPECT_TRUE(check("migration.duration >= 2 d", cut).passed);  // already past: true
  EXPECT_TRUE(undecided(check("migration.duration >= 9 d", cut)));
  EXPECT_TRUE(check("migration.duration != 1 d", cut).passed);
  EXPECT_TRUE(undecided(check("migration.duration == 9 d", cut)));
  EXPECT_TRUE(undecided(check("migration.mailboxes_moved == 1200", cut)));
  // A mean could move either way; the plan's count and the run's own completion are final.
  EXPECT_TRUE(undecided(check("migration.user_downtime.mean < 1 h", cut)));
  EXPECT_TRUE(check("migration.mailboxes_total == 1200", cut).passed);
  EXPECT_TRUE(check("migration.completed == false", cut).passed);
  // The same figures from a run that ended with nothing left to do decide everything.
  const json done = cut_summary("done");
  EXPECT_TRUE(check("migration.duration <= 9 d", done).passed);
  EXPECT_TRUE(check("migration.user_downtime.mean < 1 h", done).passed);
}
