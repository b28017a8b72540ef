// The terminal's table printer and the human forms of its cells (analysis/table.hpp), and the
// calendar labels of the outputs (models/calendar.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calendar.hpp"
#include "table.hpp"

namespace coexlab {
namespace {

TEST(Table, ThousandsSeparators) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000), "1,000");
  EXPECT_EQ(with_thousands(1233841), "1,233,841");
  EXPECT_EQ(with_thousands(-1234), "-1,234");
  EXPECT_EQ(with_thousands(INT64_MIN), "-9,223,372,036,854,775,808");
}

TEST(Table, AlignedColumnsWithoutTrailingBlanks) {
  const std::string t = render_table({{"name", false}, {"n", true}, {"last", false}},
                                     {{"a", "1", ""}, {"longer", "1,000", "x"}, {"—", "22", "yy"}});
  std::istringstream in(t);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "name        n  last");
  EXPECT_EQ(lines[1], "------  -----  ----");
  EXPECT_EQ(lines[2], "a           1");  // the empty last cell leaves no blanks
  EXPECT_EQ(lines[3], "longer  1,000  x");
  EXPECT_EQ(lines[4], "—          22  yy");  // "—" is one column wide
  for (const std::string& l : lines) EXPECT_NE(l.back(), ' ') << l;
}

TEST(Table, TheSameCellsAsMarkdown) {
  EXPECT_EQ(render_markdown_table({{"name", false}, {"n", true}}, {{"a|b", "1,000"}, {"c"}}),
            "| name | n |\n|---|---:|\n| a\\|b | 1,000 |\n| c |  |\n");
}

TEST(Table, HumanCellsBySuffix) {
  using J = nlohmann::ordered_json;
  EXPECT_EQ(human_cell("duration_s", J(2593123.0)), "30 d 00 h 19 min");
  EXPECT_EQ(human_cell("gain_s", J(-7200.0)), "-2 h 00 min");
  EXPECT_EQ(human_cell("size_bytes", J(1.2e9)), "1.20 GB");
  EXPECT_EQ(human_cell("gain_fraction", J(0.256)), "25.6 %");
  EXPECT_EQ(human_cell("mailboxes_moved", J(1200)), "1,200");
  EXPECT_EQ(human_cell("cost", J(2.5)), "2.5");
  EXPECT_EQ(human_cell("bottleneck", J(nullptr)), "—");
  EXPECT_EQ(human_cell("completed", J(true)), "true");
  EXPECT_EQ(human_header("duration_s"), "duration");
  EXPECT_EQ(human_header("gain_fraction"), "gain %");
  EXPECT_EQ(human_header("bottleneck"), "bottleneck");
}

TEST(Table, HumanTableRightAlignsNumberColumns) {
  using J = nlohmann::ordered_json;
  const std::string t =
      human_table({"variant_index", "duration_s", "bottleneck"},
                  {J{{"variant_index", 0}, {"duration_s", 90000.0}, {"bottleneck", "EX07/cpu"}},
                   J{{"variant_index", 12}, {"duration_s", nullptr}, {"bottleneck", nullptr}}});
  EXPECT_NE(t.find("variant_index         duration  bottleneck\n"), std::string::npos) << t;
  EXPECT_NE(t.find("            0  1 d 01 h 00 min  EX07/cpu\n"), std::string::npos) << t;
  EXPECT_NE(t.find("           12                —  —\n"), std::string::npos) << t;
}

TEST(Table, QuantitiesInTheUnitTheUserTyped) {
  EXPECT_EQ(format_like(6e9, "3 GHz"), "6 GHz");
  EXPECT_EQ(format_like(2 * 100 * 1073741824.0, "100 GiB"), "200 GiB");
  EXPECT_EQ(format_like(2.5e6, "10Mbps"), "20 Mbps");  // 2.5 MB/s
  EXPECT_EQ(format_like(1.0, "8"), "");                // no unit: nothing to follow
  EXPECT_EQ(format_like(0.5, "40 %"), "");
  EXPECT_EQ(check_value_text(734400, "migration.duration <= 9 d"), "8 d 12 h 00 min");
  EXPECT_EQ(check_value_text(0.632, "resource(EX/cpu).peak_utilisation < 80 %"), "63.2 %");
  EXPECT_EQ(check_value_text(123.4 * 1073741824.0, "x.peak <= 200 GiB"), "123.4 GiB");
  EXPECT_EQ(check_value_text(3, "mailboxes_failed == 0"), "");
  // No file, or a path the file does not set: the set line stays as computed.
  EXPECT_EQ(set_in_scenario_units("/nonexistent.yaml", "servers.A.hardware.clock=6000000000 Hz"),
            "servers.A.hardware.clock=6000000000 Hz");
  EXPECT_EQ(scenario_text_at("/nonexistent.yaml", "servers.A"), "");
}

TEST(Calendar, DatesForPeople) {
  std::string err;
  const auto start = parse_iso_datetime("2007-06-01T20:00", &err);
  ASSERT_TRUE(start) << err;
  EXPECT_EQ(start->human(), "Fri 2007-06-01 20:00");
  // +7 d 23 h 02 min 11 s: Sat 9 June, 19:02 (the seconds are not shown).
  const CivilTime end = civil_at(*start, 7 * 86400 + 23 * 3600 + 2 * 60 + 11);
  EXPECT_EQ(end.human(), "Sat 2007-06-09 19:02");
  EXPECT_EQ(end.iso(), "2007-06-09T19:02:11");
  EXPECT_EQ(axis_label(civil_at(*start, 4 * 3600)), "Sat 2 Jun");
  EXPECT_EQ(axis_label(civil_at(*start, 6 * 3600)), "Sat 2 Jun 02:00");
  EXPECT_EQ(weekday_name(6), "Sun");
}

// The parsed file is kept between calls (a report asks for every capacity): lookups in any
// order, repeated, and after a miss give what the file says, and another file is read anew.
TEST(Table, ScenarioTextLookupsDoNotDisturbEachOther) {
  const std::string a = ::testing::TempDir() + "coexlab_text_at_a.yaml";
  const std::string b = ::testing::TempDir() + "coexlab_text_at_b.yaml";
  std::ofstream(a)
      << "servers:\n"
         "  - name: EX1\n    hardware: { clock: 3 GHz, log_disk: { capacity: 100 GiB } }\n"
         "  - name: EX2\n    hardware: { clock: 2.4 GHz }\n"
         "links:\n  - between: [HQ, Branch]\n    latency: 30 ms\n";
  std::ofstream(b) << "servers:\n  - name: EX1\n    hardware: { clock: 5 GHz }\n";
  // One parse, many lookups in any order: a miss or a lookup into a missing key leaves the
  // tree as it was (yaml-cpp's operator[] on a mutable node would insert it).
  const ScenarioText text(a);
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_EQ(text.at("servers.EX2.hardware.clock"), "2.4 GHz");
    EXPECT_EQ(text.at("servers.EX1.hardware.log_disk.capacity"), "100 GiB");
    EXPECT_EQ(text.at("servers.EX3.hardware.clock"), "");
    EXPECT_EQ(text.at("servers.EX1.hardware.memory"), "");
    EXPECT_EQ(text.at("servers.EX1.hardware.clock"), "3 GHz");
    EXPECT_EQ(text.at("links.HQ-Branch.latency"), "30 ms");
  }
  EXPECT_EQ(scenario_text_at(b, "servers.EX1.hardware.clock"), "5 GHz");
  EXPECT_EQ(scenario_text_at(a, "servers.EX1.hardware.clock"), "3 GHz");
  EXPECT_EQ(ScenarioText(a + ".missing").at("servers.EX1.hardware.clock"), "");
}

}  // namespace
}  // namespace coexlab
