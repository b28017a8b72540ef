// Issue 16: summary.json's numbers are rounded to 12 significant digits without a string
// round trip through std::stod, which threw std::out_of_range on a subnormal (1e-300 bps
// simulated in full, then "internal error: stod"). The rounding gives the very doubles of the
// old formula on normal numbers, so the golden files stay byte-identical.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

#include "results.hpp"

using coexlab::round_to_12_digits;

TEST(RoundTo12Digits, SameDoublesAsTheOldFormulaOnNormalNumbers) {
  std::mt19937_64 rng(16);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  std::uniform_int_distribution<int> exponent(-300, 300);
  for (int i = 0; i < 200000; ++i) {
    const double x = mantissa(rng) * std::pow(10.0, exponent(rng));
    if (!std::isnormal(x)) continue;
    const double old = std::stod(fmt::format("{:.12g}", x));
    ASSERT_EQ(round_to_12_digits(x), old) << fmt::format("{:.17g}", x);
  }
  for (const double x : {0.1, 1.0 / 3, 2.0 / 3, 123456789012345.0, 0.000123456789012345, 1e-307,
                         DBL_MAX, DBL_MIN, -DBL_MIN, 86400.0 * 365, 0.999999999999951}) {
    EXPECT_EQ(round_to_12_digits(x), std::stod(fmt::format("{:.12g}", x))) << x;
  }
}

TEST(RoundTo12Digits, SubnormalsZerosAndNonFiniteNeverThrow) {
  EXPECT_THROW((void)std::stod(fmt::format("{:.12g}", 1e-310)), std::out_of_range);  // the bug
  for (const double x : {1e-310, -1e-310, 4.9e-324, DBL_TRUE_MIN, 2.2250738585072e-308}) {
    double r = 0;
    EXPECT_NO_THROW(r = round_to_12_digits(x)) << x;
    EXPECT_NEAR(r, x, std::fabs(x) * 1e-6 + 5e-324) << x;
  }
  EXPECT_EQ(round_to_12_digits(0.0), 0.0);
  EXPECT_TRUE(std::signbit(round_to_12_digits(-0.0)));
  EXPECT_TRUE(std::isinf(round_to_12_digits(std::numeric_limits<double>::infinity())));
  EXPECT_TRUE(std::isnan(round_to_12_digits(std::numeric_limits<double>::quiet_NaN())));
}
