// A wave's chance of finishing inside its window from calibrate's interval
// (analysis/finish_chance.hpp): the fit's Student t on log F, so that the chance is exactly
// (1 + level) / 2 when the window ends at the interval's high end, 1/2 at the prediction and
// (1 - level) / 2 at the low end.
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "finish_chance.hpp"

namespace {

using coexlab::DurationInterval;
using coexlab::finish_chance;
using coexlab::read_duration_interval;

// fit.json as calibrate writes it (the fields plan reads): 12 moves, 2 determined constants.
std::string fit_json(double duration_s, double low_s, double high_s, int moves = 12,
                     const char* second_determined = "true") {
  return fmt::format(R"({{"scenario": "s", "moves_fitted": {}, "level": 0.9,
    "constants": [{{"name": "item_server_time", "value": 0.03, "determined": true}},
                  {{"name": "move_chunk_size", "value": 32e6, "determined": {}}},
                  {{"name": "tcp_window", "value": 65536, "determined": false}}],
    "prediction": {{"duration_s": {}, "low_s": {}, "high_s": {}, "completed": true}}}})",
                     moves, second_determined, duration_s, low_s, high_s);
}

TEST(FinishChance, TheIntervalEndsGiveItsLevel) {
  // t(10 dof) two-sided 90 %: 1.812461 (any t table). se = 0.2 on log F.
  const double t = 1.812461, se = 0.2, d = 1000;
  DurationInterval iv;
  ASSERT_EQ(read_duration_interval(fit_json(d, d * std::exp(-t * se), d * std::exp(t * se)), iv),
            "");
  EXPECT_EQ(iv.dof, 10);
  ASSERT_EQ(iv.fitted.size(), 2u);
  EXPECT_EQ(iv.fitted[1].first, "move_chunk_size");
  EXPECT_NEAR(iv.log_sigma, se, 1e-6);
  // A wave from 100 s predicted to end at 600 s (500 s elapsed).
  const double first = 100, end = 600;
  EXPECT_NEAR(finish_chance(iv, first, end, first + 500 * std::exp(t * se)), 0.95, 1e-6);
  EXPECT_NEAR(finish_chance(iv, first, end, end), 0.5, 1e-12);
  EXPECT_NEAR(finish_chance(iv, first, end, first + 500 * std::exp(-t * se)), 0.05, 1e-6);
  // Twice the elapsed time fits: log 2 / 0.2 = 3.466 standard errors; t(10) there: 0.99695.
  EXPECT_NEAR(finish_chance(iv, first, end, first + 1000), 0.99697, 1e-4);
  EXPECT_EQ(finish_chance(iv, first, end, first), 0.0) << "the window ends at the first start";
}

TEST(FinishChance, NoSpreadGivesCertainty) {
  DurationInterval iv;
  ASSERT_EQ(read_duration_interval(fit_json(1000, 1000, 1000), iv), "");
  EXPECT_EQ(iv.log_sigma, 0);
  EXPECT_EQ(finish_chance(iv, 0, 100, 100), 1.0);
  EXPECT_EQ(finish_chance(iv, 0, 100, 99), 0.0);
}

TEST(FinishChance, AFitWithoutAnIntervalIsRefusedWithTheReason) {
  DurationInterval iv;
  EXPECT_NE(read_duration_interval("[1, 2", iv), "");
  EXPECT_NE(read_duration_interval(R"({"scenario": "s"})", iv).find("not a fit.json"),
            std::string::npos);
  // 2 moves, 2 constants: no degrees of freedom.
  EXPECT_NE(read_duration_interval(fit_json(1000, 900, 1100, 2), iv).find("no degrees of freedom"),
            std::string::npos);
  // One determined constant, 12 moves: 11 dof, accepted.
  EXPECT_EQ(read_duration_interval(fit_json(1000, 900, 1100, 12, "false"), iv), "");
  EXPECT_EQ(iv.dof, 11);
}

}  // namespace
