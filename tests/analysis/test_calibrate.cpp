// The solver of `coexlab calibrate` (analysis/calibrate.hpp) over a closed-form move model, so
// that many seeds are cheap: exact recovery, what a LAN-only pilot cannot determine, and the
// coverage of the stated interval under lognormal noise (the simulated fit is checked end to
// end in tests/sim/test_calibrate_cli.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <vector>

#include "calibrate.hpp"

namespace coexlab {
namespace {

struct Move {
  double items;
  double bytes;
  double rtt_s;  // both legs
};

// T = items x (rpc_round_trips_per_item x rtt + item_server_time) + bytes / 5 MB/s.
double duration(const Move& m, double item_server_time, double round_trips) {
  return m.items * (round_trips * m.rtt_s + item_server_time) + m.bytes / 5e6;
}

BatchModel closed_form(const std::vector<Move>& moves) {
  return [moves](const std::vector<std::vector<double>>& points) {
    std::vector<std::vector<double>> out;
    for (const auto& p : points) {
      std::vector<double> d;
      for (const Move& m : moves) d.push_back(duration(m, p[0], p[1]));
      out.push_back(d);
    }
    return out;
  };
}

std::vector<Move> pilot(bool with_branch) {
  std::vector<Move> moves;
  for (int i = 0; i < 10; ++i) {
    const double items = 2000 + 700 * i;
    const bool branch = with_branch && i % 3 == 0;
    moves.push_back({items, items * 40e3, branch ? 0.0604 : 0.0004});
  }
  return moves;
}

FitProblem problem(const std::vector<Move>& moves, double item_server_time, double round_trips) {
  FitProblem p;
  p.names = {"item_server_time", "rpc_round_trips_per_item"};
  p.initial = {0.025, 4.8};
  for (const Move& m : moves) p.measured_s.push_back(duration(m, item_server_time, round_trips));
  return p;
}

TEST(Calibrate, RecoversKnownConstantsFromAPilotAcrossTheWan) {
  const auto moves = pilot(true);
  const FitResult fit = fit_constants(problem(moves, 0.04, 7.5), closed_form(moves));
  ASSERT_EQ(fit.fitted.size(), 2u) << fit.solver;
  EXPECT_NEAR(fit.constants[0].value, 0.04, 0.04 * 1e-3);
  EXPECT_NEAR(fit.constants[1].value, 7.5, 7.5 * 1e-3);
  EXPECT_LT(fit.rmse_relative, 1e-4);
  EXPECT_EQ(fit.constants[1].status, Determination::fitted);
}

TEST(Calibrate, LanOnlyPilotCannotSeparateRoundTripsFromStoreTime) {
  const auto moves = pilot(false);
  const FitResult fit = fit_constants(problem(moves, 0.04, 7.5), closed_form(moves));
  ASSERT_EQ(fit.fitted.size(), 1u);
  EXPECT_EQ(fit.constants[0].status, Determination::fitted);
  // On a LAN the round trips' effect is tiny and shaped like the store time's.
  EXPECT_NE(fit.constants[1].status, Determination::fitted);
  EXPECT_EQ(fit.constants[1].value, 4.8);  // keeps its value
  EXPECT_EQ(fit.constants[1].low, 4.8);
  // The fitted store time absorbs the round trips: the durations still fit.
  EXPECT_LT(fit.rmse_relative, 0.01);
}

TEST(Calibrate, ConfoundedConstantIsNamedWithTheOneItMimics) {
  // Two constants with exactly the same effect: the second is confounded with the first.
  const auto moves = pilot(true);
  FitProblem p = problem(moves, 0.04, 7.5);
  p.names = {"item_server_time", "rpc_server_time"};
  p.initial = {0.025, 0.006};
  const BatchModel model = [moves](const std::vector<std::vector<double>>& points) {
    std::vector<std::vector<double>> out;
    for (const auto& pt : points) {
      std::vector<double> d;
      for (const Move& m : moves) d.push_back(duration(m, pt[0] + 2 * pt[1], 7.5));
      out.push_back(d);
    }
    return out;
  };
  const FitResult fit = fit_constants(p, model);
  EXPECT_EQ(fit.constants[1].status, Determination::confounded);
  EXPECT_EQ(fit.constants[1].confounded, "item_server_time");
}

double normal(std::mt19937_64& rng) {  // Box-Muller on our own uniforms: same on every machine
  const double u1 = (double(rng() >> 11) + 0.5) / 9007199254740992.0;
  const double u2 = (double(rng() >> 11) + 0.5) / 9007199254740992.0;
  return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

TEST(Calibrate, NoisyPilotIntervalCoversTheTruthAboutAsOftenAsItsLevelSays) {
  const auto moves = pilot(true);
  // The whole migration: 300 LAN and 60 branch mailboxes of the pilot's kinds, one at a time.
  const auto whole = [](double a, double n) {
    double t = 0;
    for (int i = 0; i < 360; ++i)
      t += duration({3000.0 + 10 * i, 1.2e8, i < 60 ? 0.0604 : 0.0004}, a, n);
    return t;
  };
  const double truth = whole(0.04, 7.5);
  int covered = 0, within_10 = 0;
  const int seeds = 200;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::mt19937_64 rng{static_cast<std::uint64_t>(seed)};
    FitProblem p = problem(moves, 0.04, 7.5);
    for (double& d : p.measured_s) d *= std::exp(0.15 * normal(rng));  // lognormal 15 %
    const FitResult fit = fit_constants(p, closed_form(moves));
    ASSERT_EQ(fit.fitted.size(), 2u);
    const double a = fit.constants[0].value, n = fit.constants[1].value;
    const double q = whole(a, n);
    const double step = 1e-4;
    const std::vector<double> g{std::log(whole(a * std::exp(step), n) / q) / step,
                                std::log(whole(a, n * std::exp(step)) / q) / step};
    const Interval in = propagate(q, g, fit);
    covered += in.low <= truth && truth <= in.high;
    within_10 += std::abs(q / truth - 1) < 0.10;
  }
  const double coverage = double(covered) / seeds;
  std::cout << "coverage of the 90 % interval over " << seeds << " noisy pilots: " << coverage
            << "; predictions within 10 %: " << within_10 << " of " << seeds << '\n';
  RecordProperty("coverage", std::to_string(coverage));
  EXPECT_GT(coverage, 0.80);
  EXPECT_LT(coverage, 0.97);
  EXPECT_GE(within_10, seeds * 9 / 10);
}

TEST(Calibrate, ModelFailureAtTheStartIsAnErrorNotAFit) {
  const auto moves = pilot(true);
  const BatchModel broken = [](const std::vector<std::vector<double>>& points) {
    return std::vector<std::vector<double>>(points.size(), std::vector<double>(10, -1.0));
  };
  EXPECT_THROW(fit_constants(problem(moves, 0.04, 7.5), broken), std::runtime_error);
}

}  // namespace
}  // namespace coexlab
