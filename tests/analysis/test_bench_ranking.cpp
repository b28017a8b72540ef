// The bench's ranking and baseline comparison over hand-made rows (no process).
#include <gtest/gtest.h>

#include <cmath>

#include "bench_ranking.hpp"

using namespace coexlab;
using ojson = nlohmann::ordered_json;

namespace {

ojson row(const std::string& scenario, const std::string& scheduler, double makespan_s,
          long long unmoved = 0, const std::string& status = "ok") {
  return ojson{{"status", status},         {"error", status == "ok" ? "" : "exit 3"},
               {"scenario", scenario},     {"scheduler", scheduler},
               {"makespan_s", makespan_s}, {"ratio", makespan_s / 100},
               {"cancelled", 1},           {"overrun_s", 0.5},
               {"unmoved", unmoved}};
}

}  // namespace

TEST(BenchRanking, MeanNormalisedMakespanThenQueueOrderBreaksTies) {
  const std::vector<ojson> rows{row("a", "fifo", 200), row("a", "lpt", 100), row("a", "x", 100),
                                row("b", "fifo", 100), row("b", "lpt", 150), row("b", "x", 150)};
  const auto ranks = rank_schedulers(rows, {"x", "fifo", "lpt"});
  ASSERT_EQ(ranks.size(), 3u);
  // lpt and x: (1 + 1.5) / 2 = 1.25, fifo: (2 + 1) / 2 = 1.5; x before lpt by --schedulers.
  EXPECT_EQ(ranks[0].scheduler, "x");
  EXPECT_EQ(ranks[1].scheduler, "lpt");
  EXPECT_EQ(ranks[2].scheduler, "fifo");
  EXPECT_DOUBLE_EQ(ranks[1].mean(ranks[1].normalised), 1.25);
  EXPECT_EQ(ranks[2].cancelled, 2);
  EXPECT_DOUBLE_EQ(ranks[2].overrun, 1.0);
}

TEST(BenchRanking, IncompleteCellsRankLastWhateverTheirMakespan) {
  const std::vector<ojson> rows{row("a", "fast", 10, 3), row("a", "slow", 100),
                                row("b", "fast", 10, 0, "timeout"), row("b", "slow", 100)};
  const auto ranks = rank_schedulers(rows, {"fast", "slow"});
  EXPECT_EQ(ranks[0].scheduler, "slow");
  EXPECT_EQ(ranks[1].scheduler, "fast");
  EXPECT_EQ(ranks[1].incomplete, 2);
  EXPECT_TRUE(std::isnan(ranks[1].mean(ranks[1].normalised)));
  EXPECT_FALSE(usable(rows[0]));
  EXPECT_TRUE(usable(rows[1]));
}

TEST(BenchRanking, BySlowdownReordersTheSameSchedulersAndKeepsTheirFigures) {
  std::vector<ojson> rows{row("a", "lpt", 100), row("a", "spt", 120), row("a", "odd", 120),
                          row("b", "lpt", 100), row("b", "spt", 110), row("b", "odd", 100)};
  const double slowdown[] = {9, 2, 4, 7, 2, 4};
  const double best_known = 100;
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i]["bounded_slowdown_mean"] = slowdown[i];
    rows[i]["scheduler_cpu_s"] = 0.25;
    rows[i]["best_known_ratio"] = rows[i]["makespan_s"].get<double>() / best_known;
  }
  rows[5]["bounded_slowdown_mean"] = nullptr;  // odd has a figure on one scenario only
  const auto ranks = rank_schedulers(rows, {"lpt", "spt", "odd"});
  EXPECT_EQ(ranks[0].scheduler, "lpt");  // makespan: lpt 1.0, odd 1.1, spt 1.15
  EXPECT_EQ(ranks[1].scheduler, "odd");
  const auto by_slowdown = rank_by_slowdown(ranks);
  ASSERT_EQ(by_slowdown.size(), 3u);
  // Slowdown: spt (2 + 2) / 2 = 2, odd 4 (one figure), lpt (9 + 7) / 2 = 8.
  EXPECT_EQ(by_slowdown[0].scheduler, "spt");
  EXPECT_EQ(by_slowdown[1].scheduler, "odd");
  EXPECT_EQ(by_slowdown[2].scheduler, "lpt");
  EXPECT_DOUBLE_EQ(by_slowdown[2].mean(by_slowdown[2].slowdowns), 8);
  EXPECT_DOUBLE_EQ(by_slowdown[0].mean(by_slowdown[0].best_known), 1.15);
  EXPECT_DOUBLE_EQ(by_slowdown[0].scheduler_cpu_s, 0.5);
  // An incomplete scheduler still ranks last, whatever its slowdown.
  rows[0]["unmoved"] = 1;
  EXPECT_EQ(rank_by_slowdown(rank_schedulers(rows, {"lpt", "spt", "odd"})).back().scheduler, "lpt");
  rows[0]["unmoved"] = 0;
  rows[2]["status"] = "failed";
  EXPECT_EQ(rank_by_slowdown(rank_schedulers(rows, {"lpt", "spt", "odd"})).back().scheduler, "odd");
}

TEST(BenchBaseline, MakespanGrowthOverTheToleranceIsARegression) {
  const std::vector<std::map<std::string, std::string>> baseline{
      {{"status", "ok"},
       {"scenario", "a"},
       {"scheduler", "fifo"},
       {"makespan_s", "100"},
       {"unmoved", "0"}},
      {{"status", "ok"},
       {"scenario", "a"},
       {"scheduler", "lpt"},
       {"makespan_s", "100"},
       {"unmoved", "0"}},
      {{"status", "ok"},
       {"scenario", "b"},
       {"scheduler", "fifo"},
       {"makespan_s", "100"},
       {"unmoved", "0"}},
      {{"status", "failed"}, {"scenario", "b"}, {"scheduler", "lpt"}, {"makespan_s", ""}}};
  const std::vector<ojson> rows{row("a", "fifo", 101.9), row("a", "lpt", 102.1),
                                row("b", "fifo", 90, 2), row("b", "lpt", 500)};
  int compared = 0;
  const auto regs = compare_with_baseline(rows, baseline, 0.02, &compared);
  EXPECT_EQ(compared, 3);  // the baseline's failed cell is not compared
  ASSERT_EQ(regs.size(), 2u);
  EXPECT_EQ(regs[0].scheduler, "lpt");
  EXPECT_NE(regs[0].what.find("+2.10 %"), std::string::npos) << regs[0].what;
  EXPECT_EQ(regs[1].scenario, "b");
  EXPECT_EQ(regs[1].what, "2 mailboxes unmoved, 0 in the baseline");
}

TEST(BenchBaseline, ToleranceAsAShareOrAFraction) {
  EXPECT_DOUBLE_EQ(*parse_tolerance("2%"), 0.02);
  EXPECT_DOUBLE_EQ(*parse_tolerance("2 %"), 0.02);
  EXPECT_DOUBLE_EQ(*parse_tolerance("0.05"), 0.05);
  EXPECT_FALSE(parse_tolerance("-1"));
  EXPECT_FALSE(parse_tolerance("2x"));
}
