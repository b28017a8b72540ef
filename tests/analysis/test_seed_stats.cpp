#include <gtest/gtest.h>

#include "seed_stats.hpp"

using coexlab::percentile_of_sorted;
using coexlab::seed_stats;

TEST(SeedStats, PercentilesInterpolateBetweenTheClosestRanks) {
  const std::vector<double> x{10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(*percentile_of_sorted(x, 0), 10);
  EXPECT_DOUBLE_EQ(*percentile_of_sorted(x, 50), 30);
  EXPECT_DOUBLE_EQ(*percentile_of_sorted(x, 95), 48);  // h = 3.8: 40 + 0.8 * 10
  EXPECT_DOUBLE_EQ(*percentile_of_sorted(x, 5), 12);   // h = 0.2
  EXPECT_DOUBLE_EQ(*percentile_of_sorted(x, 100), 50);
  EXPECT_FALSE(percentile_of_sorted({}, 50));
}

TEST(SeedStats, AllCompleted) {
  const auto s = seed_stats({100.0, 300.0, 200.0, 400.0});
  EXPECT_EQ(s.seeds, 4);
  EXPECT_EQ(s.completed, 4);
  EXPECT_DOUBLE_EQ(s.completed_share, 1);
  EXPECT_DOUBLE_EQ(*s.mean_s, 250);
  EXPECT_DOUBLE_EQ(*s.p50_s, 250);
  EXPECT_DOUBLE_EQ(*s.p5_s, 115);   // h = 0.15
  EXPECT_DOUBLE_EQ(*s.p95_s, 385);  // h = 2.85
}

TEST(SeedStats, ARunThatDidNotCompleteCountsAsInfinitelyLong) {
  // 1 of 20 did not complete: p95 lands between the slowest completed run and it.
  std::vector<std::optional<double>> d;
  for (int i = 1; i <= 19; ++i) d.emplace_back(double(i));
  d.emplace_back(std::nullopt);
  const auto s = seed_stats(d);
  EXPECT_EQ(s.completed, 19);
  EXPECT_DOUBLE_EQ(s.completed_share, 0.95);
  EXPECT_DOUBLE_EQ(*s.mean_s, 10);  // over the completed runs only
  EXPECT_FALSE(s.p95_s);            // h = 18.05: between 19 and infinity
  EXPECT_DOUBLE_EQ(*s.p50_s, 10.5);
  const auto none = seed_stats({std::nullopt, std::nullopt});
  EXPECT_FALSE(none.mean_s);
  EXPECT_FALSE(none.p5_s);
  EXPECT_DOUBLE_EQ(none.completed_share, 0);
}

TEST(SeedShareTarget, TheClauseGivesTheShareAndLeavesTheCheck) {
  const auto t = coexlab::split_seed_share("migration.duration <= 60 h in 90 % of seeds");
  EXPECT_EQ(t.error, "");
  EXPECT_EQ(t.check, "migration.duration <= 60 h");
  ASSERT_TRUE(t.share);
  EXPECT_DOUBLE_EQ(*t.share, 0.9);
  EXPECT_DOUBLE_EQ(*coexlab::split_seed_share("migration.duration<=60 h in 100% of seeds").share,
                   1.0);
  EXPECT_DOUBLE_EQ(*coexlab::split_seed_share("x <= 1 in 12.5 % of seeds").share, 0.125);
}

TEST(SeedShareTarget, WithoutTheClauseTheTextIsTheCheck) {
  const auto t = coexlab::split_seed_share("resource(link/in-out).peak_utilisation < 80 %");
  EXPECT_EQ(t.error, "");
  EXPECT_FALSE(t.share);
  EXPECT_EQ(t.check, "resource(link/in-out).peak_utilisation < 80 %");
}

TEST(SeedShareTarget, ABadClauseSaysWhereAndWhy) {
  for (const char* bad :
       {"migration.duration <= 60 h in 90 seeds", "migration.duration <= 60 h in 90 % of runs",
        "migration.duration <= 60 h in ninety % of seeds",
        "migration.duration <= 60 h in 90 % of seeds extra"}) {
    const auto t = coexlab::split_seed_share(bad);
    EXPECT_NE(t.error.find("expected 'in P % of seeds'"), std::string::npos) << bad;
    EXPECT_EQ(t.error_offset, 27u) << bad;
    EXPECT_FALSE(t.share);
  }
  for (const char* bad : {"migration.duration <= 60 h in 0 % of seeds",
                          "migration.duration <= 60 h in 101 % of seeds"}) {
    const auto t = coexlab::split_seed_share(bad);
    EXPECT_NE(t.error.find("more than 0 % and at most 100 %"), std::string::npos) << bad;
  }
}
