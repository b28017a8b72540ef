#include <gtest/gtest.h>

#include "units.hpp"

using namespace coexlab::units;

TEST(Units, SizesDecimalAndBinary) {
  EXPECT_DOUBLE_EQ(parse_quantity("300 MB", Dimension::size).base_value, 300e6);
  EXPECT_DOUBLE_EQ(parse_quantity("4 GiB", Dimension::size).base_value, 4.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_quantity("2 TiB", Dimension::size).base_value, 2.0 * 1099511627776.0);
  EXPECT_DOUBLE_EQ(parse_quantity("75 KB", Dimension::size).base_value, 75e3);
  EXPECT_DOUBLE_EQ(parse_quantity("1.5GB", Dimension::size).base_value, 1.5e9);
}

TEST(Units, RatesInBitsAndBytes) {
  EXPECT_DOUBLE_EQ(parse_quantity("10 Mbps", Dimension::rate).base_value, 10e6 / 8);
  EXPECT_DOUBLE_EQ(parse_quantity("1 Gbps", Dimension::rate).base_value, 1e9 / 8);
  EXPECT_DOUBLE_EQ(parse_quantity("60 MB/s", Dimension::rate).base_value, 60e6);
  EXPECT_DOUBLE_EQ(parse_quantity("1 MiB/s", Dimension::rate).base_value, 1048576.0);
}

TEST(Units, TimesClockShares) {
  EXPECT_DOUBLE_EQ(parse_quantity("30 ms", Dimension::time).base_value, 0.030);
  EXPECT_DOUBLE_EQ(parse_quantity("5 min", Dimension::time).base_value, 300);
  EXPECT_DOUBLE_EQ(parse_quantity("60 d", Dimension::time).base_value, 60 * 86400.0);
  EXPECT_DOUBLE_EQ(parse_quantity("250 us", Dimension::time).base_value, 250e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("2.66 GHz", Dimension::clock).base_value, 2.66e9);
  EXPECT_DOUBLE_EQ(parse_quantity("40 %", Dimension::share).base_value, 0.4);
}

TEST(Units, BareNumberIsAnErrorNamingTheUnit) {
  const auto q = parse_quantity("10", Dimension::rate);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error.find("has no unit"), std::string::npos);
  EXPECT_NE(q.error.find("e.g. '10 Mbps'"), std::string::npos);
}

TEST(Units, WrongDimensionIsAnError) {
  const auto q = parse_quantity("10 MB", Dimension::rate);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error.find("is a size, not a rate"), std::string::npos);
}

TEST(Units, UnknownUnitNegativeAndGarbage) {
  EXPECT_NE(parse_quantity("10 parsecs", Dimension::size).error.find("unknown unit"),
            std::string::npos);
  EXPECT_NE(parse_quantity("-5 MB", Dimension::size).error.find("is negative"), std::string::npos);
  EXPECT_FALSE(parse_quantity("", Dimension::time).ok());
  EXPECT_FALSE(parse_quantity("MB", Dimension::size).ok());
  EXPECT_FALSE(parse_quantity("1e400 MB", Dimension::size).ok());
  EXPECT_FALSE(parse_quantity("mb 10", Dimension::size).ok());
  // Units are case-sensitive: "mb" is not "MB" (millibits would be absurd).
  EXPECT_FALSE(parse_quantity("10 mb", Dimension::size).ok());
}

TEST(Units, TypedArithmetic) {
  const Bytes b{1e9};
  const BytesPerSecond r = from_bits_per_second(100e6);
  EXPECT_DOUBLE_EQ((b / r).value, 80.0);
  EXPECT_DOUBLE_EQ(bits_per_second(r), 100e6);
  EXPECT_EQ(format_duration(Seconds{3 * 86400 + 5 * 3600 + 7 * 60}), "3 d 05 h 07 min");
  EXPECT_EQ(format_bits_per_second(r), "100 Mbps");
}

// A unit in another case or spelled out: the message suggests the value as it should be written.
TEST(Units, UnknownUnitSuggestsTheIntendedOne) {
  const auto gbps = parse_quantity("1 gbps", Dimension::rate);
  EXPECT_FALSE(gbps.ok());
  EXPECT_NE(gbps.error.find("unknown unit 'gbps' in '1 gbps' (did you mean '1 Gbps'?)"),
            std::string::npos)
      << gbps.error;
  const auto days = parse_quantity("30 days", Dimension::time);
  EXPECT_NE(days.error.find("(did you mean '30 d'?)"), std::string::npos) << days.error;
  EXPECT_NE(parse_quantity("3 ghz", Dimension::clock).error.find("(did you mean '3 GHz'?)"),
            std::string::npos);
  EXPECT_NE(parse_quantity("60 MB/sec", Dimension::rate).error.find("(did you mean '60 MB/s'?)"),
            std::string::npos);
  EXPECT_NE(parse_quantity("2.5 hours", Dimension::time).error.find("(did you mean '2.5 h'?)"),
            std::string::npos);
  // Only units of the expected dimension are suggested, and nothing far-fetched.
  EXPECT_EQ(parse_quantity("30 days", Dimension::size).error.find("did you mean"),
            std::string::npos);
  EXPECT_EQ(parse_quantity("5 furlongs", Dimension::time).error.find("did you mean"),
            std::string::npos);
}
