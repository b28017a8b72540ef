// trace.json and the wave plan over hand-made recordings: the trace is valid JSON with the
// required fields, one track per mover thread whose events never overlap, metadata naming
// every track, bounded counters; the plan's waves follow the windows, its CSV columns and
// order are fixed, --margin pushes late mailboxes to the next wave, plan.ps1 has one
// Move-Mailbox per wave and target database, and quoting (CSV, PowerShell) is right.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "csv.hpp"
#include "loader.hpp"
#include "mailboxes.hpp"
#include "plan.hpp"
#include "trace.hpp"

namespace coexlab {
namespace {

constexpr double kHour = 3600;

// Two source databases of `count` mailboxes each, to two target databases; weekly windows
// Fri 20:00 - Mon 06:00 from a Friday 20:00 start: [0, 58 h), [168 h, 226 h), ...
std::string scenario_yaml(int count) {
  const std::string n = std::to_string(count);
  return R"(scenario: plan-test
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
      - { name: DB03A, mailboxes: { count: )" +
         n + R"(, size: 300 MB } }
      - { name: DB03B, mailboxes: { count: )" +
         n + R"(, size: 100 MB } }
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1500 },
                log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases:
      - name: DB07
      - name: DB08
migration:
  mover: EX07
  max_threads: 3
  bad_item_limit: 5
  windows:
    - { from: Fri 20:00, to: Mon 06:00 }
  batches:
    - { name: a, from: EX03/DB03A, to: EX07/DB07 }
    - { name: b, from: EX03/DB03B, to: EX07/DB08 }
simulation: { horizon: 20 d }
)";
}

struct Fixture {
  Scenario scenario;
  std::vector<Mailbox> mailboxes;
  std::vector<MoveRequest> queue;
  Recording rec;

  explicit Fixture(int count) {
    LoadResult r = load_scenario_text(scenario_yaml(count), "plan-test.yaml");
    EXPECT_FALSE(r.diagnostics.has_errors());
    scenario = *r.scenario;
    mailboxes = generate_mailboxes(scenario);
    queue = build_move_queue(scenario, mailboxes);
  }
  RunData run() const { return RunData{scenario, mailboxes, queue, rec}; }
  void attempt(int q, int thread, double start, double end, MoveState state = MoveState::moved,
               int number = 1) {
    MoveAttempt a;
    a.queue_index = q;
    a.mailbox = queue[size_t(q)].mailbox;
    a.attempt = number;
    a.start = Seconds{start};
    a.end = Seconds{end};
    a.thread = thread;
    a.state = state;
    a.bytes_copied = state == MoveState::moved ? mailboxes[size_t(a.mailbox)].size : Bytes{0};
    rec.attempts.push_back(a);
  }
};

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  // A strict little RFC 4180 reader, enough for the tests.
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(cell.empty()) << "a quote inside an unquoted cell";
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
      was_quoted = false;
    } else if (c == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      was_quoted = false;
      rows.emplace_back();
    } else {
      cell += c;
    }
  }
  (void)was_quoted;
  EXPECT_TRUE(rows.back().empty()) << "no newline at the end";
  rows.pop_back();
  return rows;
}

// ---- trace.json ----

TEST(Trace, IsValidJsonWithRequiredFieldsNonOverlappingTracksAndNamedTracks) {
  Fixture f(4);
  f.attempt(0, 1, 0, 2 * kHour);
  f.attempt(1, 2, 0.5, 1 * kHour, MoveState::failed);
  f.attempt(2, 1, 2 * kHour, 3.5 * kHour);  // right after the first on thread 1
  f.attempt(3, 3, 57 * kHour, 60 * kHour, MoveState::cancelled);
  f.attempt(3, 3, 168 * kHour, 171 * kHour, MoveState::moved, 2);
  for (double t = 300; t <= 171 * kHour; t += 300) f.rec.sample_times.push_back(t);
  ResourceSeries log{"EX07/log_space", ResourceKind::log_space, "B", 200e9, {}};
  for (size_t i = 0; i < f.rec.sample_times.size(); ++i)
    log.samples.push_back(0.001 * double(i % 7));
  f.rec.resources.push_back(log);

  const std::string text = trace_json(f.run());
  EXPECT_EQ(text, trace_json(f.run())) << "deterministic";
  const nlohmann::json trace = nlohmann::json::parse(text);
  ASSERT_TRUE(trace.contains("traceEvents"));
  ASSERT_TRUE(trace["traceEvents"].is_array());

  std::map<std::pair<int, int>, std::vector<std::pair<std::int64_t, std::int64_t>>> spans;
  std::set<int> named_pids;
  std::set<std::pair<int, int>> named_threads;
  size_t moves = 0, counters = 0;
  for (const auto& e : trace["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("name")) << e.dump();
    const std::string ph = e["ph"];
    const int pid = e["pid"];
    if (ph == "X") {
      ++moves;
      ASSERT_TRUE(e.contains("ts") && e.contains("dur") && e.contains("tid")) << e.dump();
      const auto& args = e["args"];
      for (const char* key : {"mailbox", "state", "bytes", "items"})
        EXPECT_TRUE(args.contains(key)) << key << " in " << e.dump();
      EXPECT_EQ(pid, 1);
      spans[{pid, e["tid"].get<int>()}].emplace_back(e["ts"].get<std::int64_t>(),
                                                     e["dur"].get<std::int64_t>());
    } else if (ph == "C") {
      ++counters;
      ASSERT_TRUE(e.contains("ts") && e["args"].contains("used_bytes")) << e.dump();
    } else if (ph == "M") {
      if (e["name"] == "process_name") named_pids.insert(pid);
      if (e["name"] == "thread_name") named_threads.insert({pid, e["tid"].get<int>()});
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
  EXPECT_EQ(moves, 5u);
  EXPECT_GT(counters, 0u);
  EXPECT_TRUE(named_pids.count(1) && named_pids.count(2));
  for (int t = 1; t <= 3; ++t) EXPECT_TRUE(named_threads.count({1, t})) << "thread " << t;
  for (auto& [track, list] : spans) {
    EXPECT_TRUE(named_threads.count(track)) << "track " << track.second << " has no name";
    std::sort(list.begin(), list.end());
    for (size_t i = 1; i < list.size(); ++i)
      EXPECT_LE(list[i - 1].first + list[i - 1].second, list[i].first)
          << "overlap on thread " << track.second;
  }
  // The second attempt's timestamp: 0.5 s in microseconds.
  EXPECT_NE(text.find("\"tid\":2,\"ts\":500000,\"dur\":3599500000"), std::string::npos);
}

TEST(Trace, CountersAreDownsampledAndKeepThePeak) {
  Fixture f(1);
  f.attempt(0, 1, 0, kHour);
  const size_t n = 10 * kTraceMaxCounterPoints + 3;
  ResourceSeries log{"EX07/log_space", ResourceKind::log_space, "B", 1000.0, {}};
  for (size_t i = 0; i < n; ++i) {
    f.rec.sample_times.push_back(double(i + 1) * 60);
    log.samples.push_back(i == 4321 ? 1.0 : 0.25);
  }
  f.rec.resources.push_back(log);
  ResourceSeries untracked{"EX03/log_space", ResourceKind::log_space, "B", std::nullopt, {}};
  f.rec.resources.push_back(untracked);
  const nlohmann::json trace = nlohmann::json::parse(trace_json(f.run()));
  size_t points = 0;
  double peak = 0;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] != "C") continue;
    EXPECT_EQ(e["name"], "EX07/log_space");
    ++points;
    peak = std::max(peak, e["args"]["used_bytes"].get<double>());
  }
  EXPECT_LE(points, kTraceMaxCounterPoints);
  EXPECT_GT(points, kTraceMaxCounterPoints / 2);
  EXPECT_DOUBLE_EQ(peak, 1000.0);
}

// ---- the wave plan ----

// Two weekends: mailboxes 0-2 of batch a and 0-1 of batch b in the first, the rest in the second.
Fixture two_weekends() {
  Fixture f(3);  // queue: 0-2 batch a (DB07), 3-5 batch b (DB08)
  f.attempt(0, 1, 0, 10 * kHour);
  f.attempt(3, 2, 0, 20 * kHour);
  f.attempt(1, 3, 1 * kHour, 40 * kHour);
  f.attempt(4, 1, 10 * kHour, 50 * kHour);  // ends 8 h before the window's end (58 h)
  f.attempt(2, 2, 168 * kHour, 170 * kHour);
  f.attempt(5, 1, 168 * kHour, 230 * kHour);  // runs 4 h past the second window (226 h)
  return f;
}

TEST(Plan, TwoWeekendsGiveTwoWavesWithFixedColumnsInPredictedStartOrder) {
  const Fixture f = two_weekends();
  const Plan plan = make_plan(f.run(), {});
  ASSERT_EQ(plan.waves.size(), 2u);
  EXPECT_EQ(plan.unplanned, 0);
  EXPECT_EQ(plan.waves[0].mailboxes, 4);
  EXPECT_EQ(plan.waves[1].mailboxes, 2);

  const auto rows = parse_csv(plan_csv(f.run(), plan));
  ASSERT_EQ(rows.size(), 7u);
  const std::vector<std::string> fixed{
      "wave",     "window_start", "window_end", "mailbox",         "name",
      "identity", "source",       "target",     "predicted_start", "predicted_end"};
  ASSERT_GE(rows[0].size(), fixed.size());
  EXPECT_EQ(std::vector<std::string>(rows[0].begin(), rows[0].begin() + long(fixed.size())), fixed);
  const std::vector<std::string> order{"EX03/DB03A/0001", "EX03/DB03B/0001", "EX03/DB03A/0002",
                                       "EX03/DB03B/0002", "EX03/DB03A/0003", "EX03/DB03B/0003"};
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].size(), rows[0].size());
    EXPECT_EQ(rows[i][3], order[i - 1]);
    EXPECT_EQ(rows[i][5], rows[i][3]) << "no inventory: the identity is the id";
    EXPECT_EQ(rows[i][0], i <= 4 ? "1" : "2");
    // ISO dates compare as text: the predicted start lies inside the window.
    EXPECT_LE(rows[i][1], rows[i][8]);
    EXPECT_LT(rows[i][8], rows[i][2]);
  }
  EXPECT_EQ(rows[1][1], "2007-06-01T20:00:00");
  EXPECT_EQ(rows[1][2], "2007-06-04T06:00:00");
  EXPECT_EQ(rows[5][1], "2007-06-08T20:00:00");
  EXPECT_EQ(rows[2][9], "2007-06-02T16:00:00");  // 20 h after the start

  const auto waves = parse_csv(waves_csv(f.run(), plan));
  ASSERT_EQ(waves.size(), 3u);
  const std::vector<std::string> wave_columns{"wave",  "window_start",  "window_end", "mailboxes",
                                              "bytes", "predicted_end", "spare_s"};
  EXPECT_EQ(std::vector<std::string>(waves[0].begin(), waves[0].begin() + 7), wave_columns);
  EXPECT_EQ(waves[1][3], "4");
  EXPECT_EQ(waves[1][4], "800000000");   // 2 × 300 MB + 2 × 100 MB
  EXPECT_EQ(waves[1][6], "28800.000");   // 58 h - 50 h
  EXPECT_EQ(waves[2][6], "-14400.000");  // overrun: 230 h - 226 h
}

TEST(Plan, MarginPushesLateMailboxesToTheNextWave) {
  const Fixture f = two_weekends();
  // 20 %: the first window fills to 46.4 h: mailbox b/0002 (ends 50 h) moves to wave 2.
  const Plan plan = make_plan(f.run(), {0.2});
  ASSERT_EQ(plan.waves.size(), 3u);  // wave 2 overruns its limit too: b/0003 goes on
  EXPECT_EQ(plan.waves[0].mailboxes, 3);
  EXPECT_LE(plan.waves[0].predicted_end, plan.waves[0].fill_limit);
  EXPECT_DOUBLE_EQ(plan.waves[0].fill_limit, 0.8 * 58 * kHour);
  const auto rows = parse_csv(plan_csv(f.run(), plan));
  std::map<std::string, std::vector<std::string>> by_id;
  for (size_t i = 1; i < rows.size(); ++i) by_id[rows[i][3]] = rows[i];
  EXPECT_EQ(by_id["EX03/DB03B/0002"][0], "2");
  EXPECT_EQ(by_id["EX03/DB03B/0002"][10], "margin");
  EXPECT_EQ(by_id["EX03/DB03A/0001"][10], "simulation");
  // Placed on the thread that frees first in wave 2 (thread 1, free from 168 h), with
  // its simulated 40 h.
  EXPECT_EQ(by_id["EX03/DB03B/0002"][8], "2007-06-08T20:00:00");
  EXPECT_EQ(by_id["EX03/DB03B/0002"][9], "2007-06-10T12:00:00");
  // b/0003 (62 h) cannot end by the fill limit of any window; it starts a window of its own.
  EXPECT_EQ(by_id["EX03/DB03B/0003"][0], "3");
  EXPECT_EQ(by_id["EX03/DB03B/0003"][8], "2007-06-15T20:00:00");
  // Every wave ends before its fill limit unless a mailbox starts at the window's start.
  for (const PlanWave& w : plan.waves) EXPECT_LE(w.predicted_end, w.window.to.value + 62 * kHour);
}

TEST(Plan, NeverStartedMailboxesAreUnplanned) {
  Fixture f(3);
  f.attempt(0, 1, 0, kHour);
  const Plan plan = make_plan(f.run(), {});
  EXPECT_EQ(plan.unplanned, 5);
  const auto rows = parse_csv(plan_csv(f.run(), plan));
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[1][0], "1");
  for (size_t i = 2; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][0], "unplanned");
    EXPECT_EQ(rows[i][1], "");
    EXPECT_EQ(rows[i][8], "");
    EXPECT_EQ(rows[i][9], "");
  }
  const auto waves = parse_csv(waves_csv(f.run(), plan));
  ASSERT_EQ(waves.size(), 3u);
  EXPECT_EQ(waves[2][0], "unplanned");
  EXPECT_EQ(waves[2][3], "5");
}

TEST(Plan, ScriptHasOneMoveMailboxPerWaveAndTargetDatabase) {
  const Fixture f = two_weekends();
  const Plan plan = make_plan(f.run(), {});
  const std::string ps1 = plan_ps1(f.run(), plan, {});
  std::istringstream in(ps1);
  std::string line;
  std::vector<std::string> moves;
  while (std::getline(in, line)) {
    if (line.find("Move-Mailbox ") != std::string::npos && line.rfind("#", 0) != 0)
      moves.push_back(line);
  }
  ASSERT_EQ(moves.size(), 4u);  // 2 waves × 2 target databases
  EXPECT_EQ(moves[0],
            ") | Move-Mailbox -TargetDatabase \"EX07\\DB07\" -MaxThreads 3 -BadItemLimit 5 "
            "-ReportFile \"$ReportDir\\wave-1-EX07-DB07.xml\" -Confirm:$false");
  EXPECT_NE(moves[3].find("\"EX07\\DB08\""), std::string::npos);
  EXPECT_NE(moves[3].find("wave-2-EX07-DB08.xml"), std::string::npos);
  EXPECT_NE(ps1.find("# coexlab wave plan: scenario plan-test, seed 1"), std::string::npos);
  EXPECT_NE(ps1.find("Identities: no inventory in the scenario: the generated mailbox ids"),
            std::string::npos);
  EXPECT_NE(ps1.find("  'EX03/DB03A/0001',\n  'EX03/DB03A/0002'\n) | Move-Mailbox"),
            std::string::npos);
  EXPECT_NE(ps1.find("# Wave 2 -> EX07/DB08: 1 mailbox(es), window 2007-06-08T20:00:00 to "
                     "2007-06-11T06:00:00"),
            std::string::npos);
}

TEST(Plan, QuotingFollowsRfc4180AndPowerShell) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("Doe, John"), "\"Doe, John\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(ps_single_quoted("O'Brien"), "'O''Brien'");
  EXPECT_EQ(ps_single_quoted("a$b`c\"d"), "'a$b`c\"d'");  // nothing expands in single quotes
  EXPECT_EQ(ps_single_quoted("O\u2019Neil"), "'O\u2019\u2019Neil'");
}

}  // namespace
}  // namespace coexlab
