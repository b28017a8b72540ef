// Scenario checks: evaluation against a hand-written summary.json (analysis/check_eval.hpp),
// the table of checkable fields against a real summary, `run` exiting 1 on a failed check,
// and `coexlab test` end to end (table, --json, --out DIR/test.csv, JUnit XML that parses).
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "check_eval.hpp"
#include "cli_runner.hpp"
#include "harness.hpp"

namespace fs = std::filesystem;
using namespace coexlab;
using ojson = nlohmann::ordered_json;

namespace {

// A summary.json as `run` writes it, cut down to what the checks read.
const char* const kSummary = R"({
  "migration": {
    "duration_s": 216000.0,
    "lower_bound_s": null,
    "mailboxes_total": 1200,
    "mailboxes_moved": 1177,
    "bytes_moved": 352900000000.0,
    "completed": false,
    "user_downtime_s": { "mean": 960.0, "p95": 2520.0, "max": 7380.0 }
  },
  "resources": [
    { "id": "EX07-HQ1/cpu", "kind": "cpu", "capacity": 21280000000.0, "unit": "Hz",
      "mean_utilisation": 0.01, "peak_utilisation": 0.42 },
    { "id": "EX07-HQ1/nic", "kind": "nic", "capacity": 1000000000.0, "unit": "bit/s",
      "mean_utilisation": 0.1, "peak_utilisation": 0.5 },
    { "id": "EX07-HQ1/database_disk", "kind": "database_disk", "capacity": 1500.0, "unit": "IOPS",
      "mean_utilisation": 0.2, "peak_utilisation": 1.0 }
  ],
  "mail_flow": null
})";

CheckOutcome eval(const std::string& expr) {
  const auto parsed = parse_check(expr);
  if (const CheckError* e = std::get_if<CheckError>(&parsed)) {
    ADD_FAILURE() << expr << ": " << e->message;
    return {};
  }
  return evaluate_check(std::get<ParsedCheck>(parsed), ojson::parse(kSummary));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(CheckEvaluation, ComparesInBaseUnits) {
  EXPECT_TRUE(eval("migration.duration <= 60 h").passed);  // 216,000 s is 60 h
  EXPECT_FALSE(eval("migration.duration < 60 h").passed);
  EXPECT_TRUE(eval("migration.duration == 3600 min").passed);
  EXPECT_TRUE(eval("migration.duration != 2 d").passed);
  EXPECT_TRUE(eval("migration.duration > 2 d").passed);
  EXPECT_TRUE(eval("migration.duration >= 2.5 d").passed);
  EXPECT_TRUE(eval("migration.user_downtime.p95 < 1 h").passed);
  EXPECT_TRUE(eval("migration.bytes_moved > 350 GB").passed);
  EXPECT_TRUE(eval("migration.mailboxes_moved >= 1177").passed);
  EXPECT_FALSE(eval("migration.mailboxes_moved == 1200").passed);
  EXPECT_TRUE(eval("resource(EX07-HQ1/cpu).peak_utilisation < 80 %").passed);
  EXPECT_FALSE(eval("resource(EX07-HQ1/database_disk).peak_utilisation < 100 %").passed);
  const CheckOutcome v = eval("resource(EX07-HQ1/cpu).peak_utilisation < 80 %");
  EXPECT_DOUBLE_EQ(v.value.get<double>(), 0.42);  // the value is a fraction, as compared
}

TEST(CheckEvaluation, BooleansCompareWithEqualityOnly) {
  EXPECT_FALSE(eval("migration.completed == true").passed);
  EXPECT_TRUE(eval("migration.completed == false").passed);
  EXPECT_TRUE(eval("migration.completed != true").passed);
  const CheckOutcome o = eval("migration.completed == true");
  EXPECT_EQ(o.value, false);
  EXPECT_EQ(o.message, "migration.completed is false, not == true");
}

TEST(CheckEvaluation, CapacityInTheResourcesUnit) {
  // The NIC's 1e9 bit/s is 125,000,000 B/s; a rate in the check compares with that.
  const CheckOutcome nic = eval("resource(EX07-HQ1/nic).capacity == 1 Gbps");
  EXPECT_TRUE(nic.passed) << nic.message;
  EXPECT_DOUBLE_EQ(nic.value.get<double>(), 125e6);
  EXPECT_TRUE(eval("resource(EX07-HQ1/cpu).capacity > 20 GHz").passed);
  EXPECT_TRUE(eval("resource(EX07-HQ1/database_disk).capacity >= 1500").passed);
  const CheckOutcome wrong = eval("resource(EX07-HQ1/database_disk).capacity >= 1 Gbps");
  EXPECT_FALSE(wrong.passed);
  EXPECT_TRUE(contains(wrong.message, "is in IOPS")) << wrong.message;
}

TEST(CheckEvaluation, NullOrMissingValuesFailWithAReason) {
  const CheckOutcome bound = eval("migration.lower_bound < 1 d");
  EXPECT_FALSE(bound.passed);
  EXPECT_TRUE(bound.value.is_null());
  EXPECT_TRUE(contains(bound.message, "migration.lower_bound_s is null")) << bound.message;
  const CheckOutcome mail = eval("mail_flow.latency.p95 < 30 s");
  EXPECT_FALSE(mail.passed);
  EXPECT_TRUE(contains(mail.message, "mail_flow.latency_s.p95 is null")) << mail.message;
  const CheckOutcome absent = eval("resource(EX07-HQ1/log_disk).peak_utilisation < 50 %");
  EXPECT_FALSE(absent.passed);
  EXPECT_TRUE(contains(absent.message, "no resource 'EX07-HQ1/log_disk'")) << absent.message;
}

TEST(CheckEvaluation, EvaluateChecksListsEveryCheckInOrder) {
  const std::vector<Check> checks{{"migration.duration <= 60 h", {}},
                                  {"migration.duration < 1 h", {}},
                                  {"migration.duraton < 1 h", {}}};
  const ojson list = evaluate_checks(checks, ojson::parse(kSummary));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0],
            (ojson{{"expr", "migration.duration <= 60 h"}, {"passed", true}, {"value", 216000.0}}));
  EXPECT_EQ(list[1]["passed"], false);
  EXPECT_TRUE(
      contains(list[1]["message"].get<std::string>(), "216000 s (2 d 12 h 00 min), not < 1 h"))
      << list[1]["message"];
  EXPECT_EQ(list[2]["passed"], false);  // validate rejects it; evaluated anyway, it fails
  EXPECT_TRUE(contains(list[2]["message"].get<std::string>(), "column 1"));
  EXPECT_FALSE(all_passed(list));
  EXPECT_TRUE(all_passed(ojson::array()));
}

// Every number and boolean of a real summary.json is reachable by a check (a new field of the
// results needs its row in models/checks.cpp result_fields()).
TEST(CheckEvaluation, EveryResultFieldOfARealSummaryIsCheckable) {
  const auto s = coexlab::test::simulate_yaml(R"(
scenario: fields
start: 2007-06-01T20:00
sites: [ { name: HQ } ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 1000 },
                log_disk: { throughput: 100 MB/s, capacity: 1 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 10 MB } } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1000 },
                log_disk: { throughput: 100 MB/s, capacity: 1 TB } }
    databases: [ { name: DB } ]
workload: none
migration: { mover: NEW, batches: [ { from: OLD/DB, to: NEW/DB } ] }
calibration: { mode: ideal }
)");
  const ojson summary = summary_json(s.run(), ojson::array());
  std::vector<std::string> leaves;
  std::function<void(const ojson&, const std::string&)> walk = [&](const ojson& node,
                                                                   const std::string& path) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items())
        walk(value, path.empty() ? key : path + "." + key);
    } else if (node.is_number() || node.is_boolean()) {
      leaves.push_back(path);
    }
  };
  walk(summary["migration"], "migration");
  walk(summary["mail_flow"], "mail_flow");
  for (const char* top : {"simulated_until_s"}) walk(summary[top], top);
  for (const auto& [key, value] : summary["resources"][0].items()) {
    if (value.is_number()) leaves.push_back("resource." + key);
  }
  ASSERT_FALSE(leaves.empty());
  for (const std::string& leaf : leaves) {
    bool known = false;
    for (const ResultField& f : result_fields()) {
      known =
          known || (f.per_resource ? "resource." + std::string(f.key) : std::string(f.key)) == leaf;
    }
    EXPECT_TRUE(known) << leaf << " is in summary.json but no check can name it";
  }
}

// ---- the commands ------------------------------------------------------------------------------

namespace {

struct Output {
  int code = -1;
  std::string out;
};

Output coexlab_command(const std::string& args) {
  const auto r = coexlab::testing::run_coexlab(args, coexlab::testing::Stderr::drop);
  return {r.exit_code, r.out};
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Two 10 MB moves at 4 MB/s (1000 IOPS x 4 KiB): done in about 5 s.
std::string tiny_scenario(const std::string& checks) {
  return R"(scenario: tiny
start: 2007-06-01T20:00
sites: [ { name: HQ } ]
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 1000 },
                log_disk: { throughput: 100 MB/s, capacity: 1 TB } }
    databases: [ { name: DB, mailboxes: { count: 2, size: 10 MB } } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1000 },
                log_disk: { throughput: 100 MB/s, capacity: 1 TB } }
    databases: [ { name: DB } ]
workload: none
migration: { mover: NEW, batches: [ { from: OLD/DB, to: NEW/DB } ] }
calibration: { mode: ideal }
checks:
)" + checks;
}

class TestCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("coexlab-test-command-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "suite");
    std::ofstream(dir_ / "suite" / "a-tiny.yaml")
        << tiny_scenario("  - migration.duration < 1 h\n  - \"migration.mailboxes_moved > 5\"\n");
    std::ofstream(dir_ / "suite" / "b-no-checks.yaml") << tiny_scenario("  []\n");
    std::ofstream(dir_ / "suite" / "notes.txt") << "not a scenario";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

}  // namespace

TEST_F(TestCommand, RunExitsOneWhenACheckFailsAfterWritingTheResults) {
  std::ofstream(dir_ / "run.yaml")
      << tiny_scenario("  - migration.duration < 1 h\n  - migration.completed == false\n");
  const Output o = coexlab_command(
      fmt::format("run {} --out {}", (dir_ / "run.yaml").string(), (dir_ / "out").string()));
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.out, "checks      1 of 2 passed")) << o.out;
  EXPECT_TRUE(contains(
      o.out, "FAIL migration.completed == false: migration.completed is true, not == false"))
      << o.out;
  const ojson summary = ojson::parse(read(dir_ / "out" / "summary.json"));
  ASSERT_EQ(summary["checks"].size(), 2u);
  EXPECT_EQ(summary["checks"][0]["passed"], true);
  EXPECT_EQ(summary["checks"][1]["passed"], false);
  EXPECT_EQ(summary["checks"][1]["value"], true);
  EXPECT_TRUE(summary["migration"]["lower_bound_s"].is_number());
  // All checks passing: exit 0.
  std::ofstream(dir_ / "run.yaml") << tiny_scenario("  - migration.duration < 1 h\n");
  EXPECT_EQ(coexlab_command(fmt::format("run {} --out {} --quiet", (dir_ / "run.yaml").string(),
                                        (dir_ / "out").string()))
                .code,
            0);
}

TEST_F(TestCommand, TableJunitAndCsvWithOnePassingAndOneFailingCheck) {
  const fs::path junit = dir_ / "junit.xml";
  const Output o =
      coexlab_command(fmt::format("test {} --junit {} --out {}", (dir_ / "suite").string(),
                                  junit.string(), (dir_ / "out").string()));
  EXPECT_EQ(o.code, 1) << "one check fails";
  EXPECT_TRUE(contains(o.out, "migration.duration < 1 h")) << o.out;
  EXPECT_TRUE(contains(o.out, "2 checks in 1 scenarios: 1 passed, 1 failed")) << o.out;
  EXPECT_FALSE(contains(o.out, "b-no-checks")) << "a scenario without checks is skipped";

  // JUnit: well-formed XML with one testsuite, two testcases, one failure.
  const std::string xml = read(junit);
  const std::string parse = fmt::format(
      "python3 -c \"import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
      "s = d.getElementsByTagName('testsuite'); c = d.getElementsByTagName('testcase'); "
      "f = d.getElementsByTagName('failure'); "
      "sys.exit(0 if (len(s), len(c), len(f)) == (1, 2, 1) else 1)\" {}",
      junit.string());
  EXPECT_EQ(std::system(parse.c_str()), 0) << xml;
  EXPECT_TRUE(contains(xml, "name=\"migration.mailboxes_moved &gt; 5\"")) << xml;
  EXPECT_TRUE(contains(xml, "<testsuite name=\"tiny\" tests=\"2\" failures=\"1\" errors=\"0\""))
      << xml;

  // DIR/test.csv: the common columns, then one row per check.
  const std::string csv = read(dir_ / "out" / "test.csv");
  std::istringstream lines(csv);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 3u) << csv;
  EXPECT_EQ(rows[0], "variant_index,status,error,scenario,expr,passed,value,message");
  EXPECT_TRUE(contains(rows[1], ",migration.duration < 1 h,true,")) << rows[1];
  EXPECT_TRUE(contains(rows[2], ",migration.mailboxes_moved > 5,false,2,")) << rows[2];
}

TEST_F(TestCommand, JsonPrintsTheRowsAndNothingElse) {
  const Output o =
      coexlab_command(fmt::format("test {} --json", (dir_ / "suite" / "a-tiny.yaml").string()));
  EXPECT_EQ(o.code, 1);
  const ojson rows = ojson::parse(o.out);  // throws (fails the test) on anything but JSON
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["variant_index"], 0);
  EXPECT_EQ(rows[0]["status"], "ok");
  EXPECT_EQ(rows[0]["error"], "");
  EXPECT_EQ(rows[0]["expr"], "migration.duration < 1 h");
  EXPECT_EQ(rows[0]["passed"], true);
  EXPECT_TRUE(rows[0]["value"].is_number());
  EXPECT_EQ(rows[1]["passed"], false);
  EXPECT_EQ(rows[1]["value"], 2);
}

TEST_F(TestCommand, AllPassingExitsZeroAndNothingToTestIsAUsageError) {
  std::ofstream(dir_ / "suite" / "a-tiny.yaml")
      << tiny_scenario("  - migration.mailboxes_moved == 2\n");
  EXPECT_EQ(coexlab_command(fmt::format("test {}", (dir_ / "suite").string())).code, 0);
  EXPECT_EQ(
      coexlab_command(fmt::format("test {}", (dir_ / "suite" / "b-no-checks.yaml").string())).code,
      2);
}

TEST_F(TestCommand, AnInvalidScenarioIsAFailedRowAndAnErrorInJunit) {
  std::ofstream(dir_ / "suite" / "c-broken.yaml") << "scenario: [unclosed\n";
  const fs::path junit = dir_ / "junit.xml";
  const Output o = coexlab_command(
      fmt::format("test {} --json --junit {}", (dir_ / "suite").string(), junit.string()));
  EXPECT_EQ(o.code, 1);
  const ojson rows = ojson::parse(o.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2]["status"], "failed");
  EXPECT_EQ(rows[2]["variant_index"], 1);
  EXPECT_TRUE(contains(rows[2]["error"].get<std::string>(), "c-broken.yaml:")) << rows[2];
  EXPECT_TRUE(contains(read(junit), "<error type=\"failed\"")) << read(junit);
}

TEST_F(TestCommand, ResumeKeepsFinishedScenariosWithoutDuplicates) {
  const fs::path out = dir_ / "out";
  ASSERT_EQ(
      coexlab_command(fmt::format("test {} --out {}", (dir_ / "suite").string(), out.string()))
          .code,
      1);
  // Mark the finished rows: a resumed run must take them as they are, not simulate again.
  std::string csv = read(out / "test.csv");
  const std::string moved = ",false,2,";
  ASSERT_NE(csv.find(moved), std::string::npos) << csv;
  csv.replace(csv.find(moved), moved.size(), ",false,7,");
  std::ofstream(out / "test.csv") << csv;
  const Output resumed = coexlab_command(
      fmt::format("test {} --out {} --resume --json", (dir_ / "suite").string(), out.string()));
  EXPECT_EQ(resumed.code, 1);
  const ojson rows = ojson::parse(resumed.out);
  ASSERT_EQ(rows.size(), 2u) << resumed.out;
  EXPECT_EQ(rows[1]["value"], 7) << "taken from test.csv";
  EXPECT_EQ(read(out / "test.csv"), csv) << "rewritten in order, no row twice";
  // Without --resume the scenario runs again.
  const ojson fresh =
      ojson::parse(coexlab_command(fmt::format("test {} --out {} --json", (dir_ / "suite").string(),
                                               out.string()))
                       .out);
  EXPECT_EQ(fresh[1]["value"], 2);
}
