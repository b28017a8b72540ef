// The scenario clock: ISO date-times, weekly times, times of day, weekdays and the minute of
// the week. Expected numbers are computed by hand in the comments.
#include <gtest/gtest.h>

#include <string>

#include "calendar.hpp"

using namespace coexlab;

namespace {

CivilTime iso(const std::string& text) {
  std::string err;
  auto t = parse_iso_datetime(text, &err);
  EXPECT_TRUE(t.has_value()) << text << ": " << err;
  return t.value_or(CivilTime{});
}

std::string iso_error(const std::string& text) {
  std::string err;
  EXPECT_FALSE(parse_iso_datetime(text, &err).has_value()) << text;
  return err;
}

std::string weekly_error(const std::string& text) {
  std::string err;
  EXPECT_FALSE(parse_weekly_time(text, &err).has_value()) << text;
  return err;
}

}  // namespace

TEST(Calendar, ParsesIsoDateTimeWithAndWithoutSeconds) {
  const CivilTime t = iso("2007-06-01T20:00");
  EXPECT_EQ(t.year, 2007);
  EXPECT_EQ(t.month, 6);
  EXPECT_EQ(t.day, 1);
  EXPECT_EQ(t.hour, 20);
  EXPECT_EQ(t.minute, 0);
  EXPECT_EQ(t.second, 0);
  EXPECT_EQ(iso("2007-06-01T20:00:30").second, 30);
  // A space instead of the T is accepted too.
  EXPECT_EQ(iso("2007-06-01 20:15").minute, 15);
  EXPECT_EQ(t.iso(), "2007-06-01T20:00:00");
}

TEST(Calendar, EpochSecondsByHand) {
  EXPECT_EQ(iso("1970-01-01T00:00").epoch_seconds(), 0);
  // 1970..2006: 37 years, 9 of them leap (1972..2004) = 13,514 days; Jan..May 2007 = 151 days;
  // 13,665 days * 86,400 s + 20 h = 1,180,728,000 s.
  EXPECT_EQ(iso("2007-06-01T20:00").epoch_seconds(), 1'180'728'000);
  // The 32-bit time_t limit.
  EXPECT_EQ(iso("2038-01-19T03:14:07").epoch_seconds(), 2'147'483'647);
}

TEST(Calendar, WeekdaysMondayIsZero) {
  EXPECT_EQ(iso("1970-01-01T00:00").weekday(), 3);  // a Thursday
  EXPECT_EQ(iso("2007-06-01T20:00").weekday(), 4);  // a Friday
  EXPECT_EQ(iso("2007-06-03T12:00").weekday(), 6);  // Sunday
  EXPECT_EQ(iso("2007-06-04T00:00").weekday(), 0);  // Monday
  EXPECT_EQ(iso("2000-02-29T00:00").weekday(), 1);  // a Tuesday, leap day of a /400 year
}

TEST(Calendar, LeapYears) {
  EXPECT_EQ(iso("2008-02-29T00:00").day, 29);
  EXPECT_EQ(iso("2000-02-29T00:00").day, 29);
  const std::string err = iso_error("2007-02-29T20:00");
  EXPECT_NE(err.find("'2007-02-29T20:00' is not a valid date-time"), std::string::npos) << err;
  iso_error("1900-02-29T00:00");  // before 1970 anyway
  iso_error("2100-02-29T00:00");  // 2100 is not a leap year
  // 2000 is leap and 2001 not: the day between differs by exactly 366 days.
  EXPECT_EQ(iso("2001-01-01T00:00").epoch_seconds() - iso("2000-01-01T00:00").epoch_seconds(),
            366 * 86400);
}

TEST(Calendar, MalformedAndOutOfRangeDateTimes) {
  for (const char* bad : {"2007-06-01", "2007-6-01T20:00", "07-06-01T20:00", "2007/06/01T20:00",
                          "2007-06-01T20", "2007-06-01T20:00Z", "2007-06-01T2O:00", ""}) {
    const std::string err = iso_error(bad);
    EXPECT_NE(err.find("is not a date-time YYYY-MM-DDTHH:MM"), std::string::npos)
        << bad << ": " << err;
  }
  for (const char* bad :
       {"2007-13-01T00:00", "2007-00-10T00:00", "2007-04-31T00:00", "2007-06-01T24:00",
        "2007-06-01T23:60", "2007-06-01T23:59:60", "1969-12-31T23:59"}) {
    const std::string err = iso_error(bad);
    EXPECT_NE(err.find("is not a valid date-time"), std::string::npos) << bad << ": " << err;
  }
}

TEST(Calendar, CivilFromEpochRoundTrips) {
  for (const char* text : {"1970-01-01T00:00:00", "2007-06-01T20:00:00", "2000-02-29T23:59:59",
                           "2399-12-31T12:34:56"}) {
    const CivilTime t = iso(text);
    EXPECT_EQ(civil_from_epoch(t.epoch_seconds()).iso(), text);
  }
  // Before the epoch: one second earlier is the last second of 1969.
  EXPECT_EQ(civil_from_epoch(-1).iso(), "1969-12-31T23:59:59");
  EXPECT_EQ(civil_from_epoch(-86400).iso(), "1969-12-31T00:00:00");
}

TEST(Calendar, WeeklyTimesAreMinutesSinceMonday) {
  std::string err;
  EXPECT_EQ(parse_weekly_time("Mon 00:00", &err), 0);
  EXPECT_EQ(parse_weekly_time("Fri 20:00", &err), 4 * 1440 + 20 * 60);  // 6960
  EXPECT_EQ(parse_weekly_time("Mon 06:00", &err), 360);
  EXPECT_EQ(parse_weekly_time("Sun 23:59", &err), 6 * 1440 + 23 * 60 + 59);  // 10079
  EXPECT_EQ(parse_weekly_time("Sat  08:30", &err), 5 * 1440 + 8 * 60 + 30);  // extra spaces
}

TEST(Calendar, BadWeeklyTimes) {
  for (const char* bad : {"fri 20:00", "Friday 20:00", "Fri20:00", "Fri 24:00", "Fri 20:60",
                          "Fri 8:00", "Xyz 20:00", "20:00", ""}) {
    const std::string err = weekly_error(bad);
    EXPECT_NE(err.find("is not a weekly time 'DAY HH:MM' (Mon..Sun)"), std::string::npos)
        << bad << ": " << err;
  }
}

TEST(Calendar, TimeOfDay) {
  std::string err;
  EXPECT_EQ(parse_time_of_day("02:00", &err), 7200);
  EXPECT_EQ(parse_time_of_day("00:00", &err), 0);
  EXPECT_EQ(parse_time_of_day("23:59", &err), 86340);
  EXPECT_FALSE(parse_time_of_day("2:00", &err).has_value());
  EXPECT_NE(err.find("is not a time of day HH:MM"), std::string::npos) << err;
  EXPECT_FALSE(parse_time_of_day("24:00", &err).has_value());
  EXPECT_NE(err.find("'24:00' is out of range (00:00 to 23:59)"), std::string::npos) << err;
  EXPECT_FALSE(parse_time_of_day("02:00:00", &err).has_value());
}

TEST(Calendar, MinuteOfWeekFromAFridayEveningStart) {
  const CivilTime start = iso("2007-06-01T20:00");  // Friday 20:00 = minute 6960
  EXPECT_DOUBLE_EQ(minute_of_week(start, 0), 6960);
  // Four hours later it is Saturday 00:00 = 5 * 1440.
  EXPECT_DOUBLE_EQ(minute_of_week(start, 4 * 3600), 7200);
  // 58 hours later it is Monday 06:00: 6960 + 3480 = 10440, minus a week (10080) = 360.
  EXPECT_DOUBLE_EQ(minute_of_week(start, 58 * 3600), 360);
  // Exactly a week later: the same minute.
  EXPECT_DOUBLE_EQ(minute_of_week(start, 7 * 86400), 6960);
  // Seconds count: 90 s is one and a half minutes.
  EXPECT_DOUBLE_EQ(minute_of_week(start, 90), 6961.5);
  // Before the start (negative t) wraps backwards: 1 h before is Friday 19:00.
  EXPECT_DOUBLE_EQ(minute_of_week(start, -3600), 6900);
}
