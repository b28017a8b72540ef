// The pilot file of `coexlab calibrate` (models/pilot.hpp): its columns, the positioned error
// of every bad pilot SPEC §5.4 / issue 13 names, and the scenario of the pilot as it ran.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mailboxes.hpp"
#include "pilot.hpp"
#include "test_support.hpp"

namespace coexlab {
namespace {

struct Fixture {
  Scenario s;
  std::vector<Mailbox> mailboxes;
  Fixture() {
    LoadResult r = testing::load_checked(testing::kBaseScenario);
    EXPECT_FALSE(r.diagnostics.has_errors());
    s = *r.scenario;
    mailboxes = generate_mailboxes(s);
  }
  std::optional<Pilot> read(const std::string& text, Diagnostics& d) const {
    return read_pilot(text, "pilot.csv", s, mailboxes, d);
  }
  // The only error's "FILE:LINE:COLUMN: error: MESSAGE".
  std::string error(const std::string& text) const {
    Diagnostics d;
    EXPECT_FALSE(read(text, d).has_value());
    EXPECT_EQ(d.error_count(), 1) << (d.all().empty() ? "" : d.all().front().format());
    return d.all().empty() ? std::string() : d.all().front().format();
  }
};

const std::string kHeader = "mailbox,start,end,status\n";

TEST(Pilot, ReadsMovesByIdWithTheScenariosSizeAndTarget) {
  Fixture f;
  Diagnostics d;
  const auto p = f.read(
      "#TYPE Selected.Microsoft.Exchange.Data.MoveMailboxResult\n"
      "Mailbox,Start,End,Status,Items\n"
      "EX03/DB03/0002,2007-05-25T20:10:00,2007-05-25T20:40:30,moved,\n"
      "EX03/DB03/0001,2007-05-25 20:00,2007-05-25T20:31:00,Moved,9000\n"
      "EX03/DB03/0003,2007-05-25T20:00,2007-05-25T20:05:00,failed,\n",
      d);
  ASSERT_TRUE(p.has_value()) << (d.all().empty() ? "" : d.all().front().format());
  ASSERT_EQ(p->moves.size(), 3u);
  const auto moved = p->moved();
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0]->key, "EX03/DB03/0001");  // start order
  EXPECT_EQ(moved[0]->items, 9000);
  EXPECT_EQ(moved[0]->duration().value, 31 * 60);
  EXPECT_EQ(moved[1]->items, f.mailboxes[1].items);
  EXPECT_EQ(moved[1]->size.value, f.mailboxes[1].size.value);
  EXPECT_EQ(moved[1]->target_server, f.s.server_index("EX07"));
  EXPECT_EQ(moved[1]->duration().value, 30 * 60 + 30);
}

TEST(Pilot, UnknownMailboxIsAnErrorAtItsField) {
  EXPECT_EQ(Fixture().error(kHeader + "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:30,moved\n"
                                      "EX03/DB03/0099,2007-05-25T20:00,2007-05-25T20:30,moved\n"),
            "pilot.csv:3:1: error: unknown mailbox 'EX03/DB03/0099': not an id "
            "(SERVER/DATABASE/NNNN), name or identity of the scenario's mailboxes");
}

TEST(Pilot, EndBeforeStartIsAnErrorAtTheEnd) {
  EXPECT_EQ(Fixture().error(kHeader + "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:30,moved\n"
                                      "EX03/DB03/0002,2007-05-25T21:00,2007-05-25T20:30,moved\n"),
            "pilot.csv:3:33: error: end 2007-05-25T20:30:00 is not after start "
            "2007-05-25T21:00:00");
}

TEST(Pilot, MissingColumnIsAnErrorAtTheHeader) {
  const std::string e = Fixture().error(
      "mailbox,start,status\n"
      "EX03/DB03/0001,2007-05-25T20:00,moved\n");
  EXPECT_EQ(e.rfind("pilot.csv:1:1: error: the column 'end' is missing (the header has: "
                    "mailbox,start,status)",
                    0),
            0u)
      << e;
}

TEST(Pilot, DuplicatedMailboxIsAnErrorAtTheSecondRow) {
  EXPECT_EQ(Fixture().error(kHeader + "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:30,moved\n"
                                      "EX03/DB03/0002,2007-05-25T20:00,2007-05-25T20:30,moved\n"
                                      "  EX03/DB03/0001,2007-05-26T20:00,2007-05-26T20:30,moved\n"),
            "pilot.csv:4:1: error: mailbox 'EX03/DB03/0001' is in the pilot twice (first on "
            "line 2): one row per mailbox, its last attempt");
}

TEST(Pilot, AllMovesFailedIsAnError) {
  EXPECT_EQ(Fixture().error(kHeader + "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:30,failed\n"
                                      "EX03/DB03/0002,2007-05-25T20:00,2007-05-25T20:30,failed\n"),
            "pilot.csv:2:1: error: every move of the pilot failed (2 rows): there is no "
            "duration to fit");
}

TEST(Pilot, OneMoveIsAnError) {
  EXPECT_EQ(Fixture().error(kHeader + "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:30,failed\n"
                                      "EX03/DB03/0002,2007-05-25T20:00,2007-05-25T20:30,moved\n"),
            "pilot.csv:3:1: error: the pilot has one moved mailbox: a fit needs at least two "
            "(more than the constants it fits, for an interval)");
}

TEST(Pilot, EveryBadRowIsReportedInOnePass) {
  Fixture f;
  Diagnostics d;
  EXPECT_FALSE(f.read(kHeader + "nobody,2007-05-25T20:00,2007-05-25T20:30,moved\n"
                                "EX03/DB03/0001,yesterday,2007-05-25T20:30,moved\n"
                                "EX03/DB03/0002,2007-05-25T20:00,2007-05-25T20:30,done\n",
                      d)
                   .has_value());
  ASSERT_EQ(d.error_count(), 3);
  EXPECT_EQ(d.all()[1].pos.line, 3);
  EXPECT_EQ(d.all()[1].pos.column, 16);
  EXPECT_EQ(d.all()[2].pos.column, 50);
}

TEST(Pilot, TheScenarioOfThePilotLoadsWithOneBatchPerMove) {
  Fixture f;
  Diagnostics d;
  const auto p = f.read(kHeader +
                            "EX03/DB03/0002,2007-05-25T20:10,2007-05-25T20:40,moved\n"
                            "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:31,moved\n",
                        d);
  ASSERT_TRUE(p.has_value());
  const PilotScenario ps = pilot_scenario(testing::kBaseScenario, ".", f.s, f.mailboxes, *p);
  ASSERT_EQ(ps.ids.size(), 2u);
  EXPECT_EQ(ps.ids[0], "EX03/coexlab_pilot_1/0001");
  ASSERT_EQ(ps.inventories.size(), 2u);
  EXPECT_EQ(ps.inventories[0].second,
            "DisplayName,ItemCount,TotalItemSize\nEX03/DB03/0001," +
                std::to_string(f.mailboxes[0].items) + "," +
                std::to_string(static_cast<long long>(f.mailboxes[0].size.value)) + "B\n");
  // Loaded with its inventories beside it, it is valid and starts at the first pilot start.
  const std::string dir = ::testing::TempDir() + "coexlab-pilot-scenario";
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : ps.inventories) {
    std::ofstream(dir + "/" + name) << text;
  }
  std::ofstream(dir + "/scenario.yaml") << ps.yaml;
  LoadResult r = load_scenario_file(dir + "/scenario.yaml");
  ASSERT_TRUE(r.scenario.has_value());
  check_rules(*r.scenario, r.diagnostics);
  for (const Diagnostic& x : r.diagnostics.all())
    EXPECT_NE(x.severity, Severity::error) << x.format();
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.start.iso(), "2007-05-25T20:00:00");
  ASSERT_EQ(s.migration.batches.size(), 2u);
  EXPECT_EQ(s.migration.batches[1].not_before.value_or(Seconds{-1}).value, 600);
  EXPECT_EQ(s.migration.max_threads, 2);
  const auto mbs = generate_mailboxes(s);
  const auto queue = build_move_queue(s, mbs);
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(mbs[size_t(queue[1].mailbox)].name, "EX03/DB03/0002");
  EXPECT_EQ(mbs[size_t(queue[1].mailbox)].items, f.mailboxes[1].items);
}

}  // namespace
}  // namespace coexlab
