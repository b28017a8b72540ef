// The scenario clock: a proleptic Gregorian calendar without time zones. `start` and
// absolute window times are read on this clock; a site's office hours are this clock plus
// the site's utc_offset. Simulated time t (seconds) is counted from `start`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coexlab {

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;

  // Seconds since 1970-01-01T00:00 on the scenario clock (may be negative).
  std::int64_t epoch_seconds() const;
  // 0 = Monday ... 6 = Sunday.
  int weekday() const;
  std::string iso() const;  // "2007-06-01T20:00:00"
  // For people, to the minute (SPEC §5.2): "Sat 2007-06-09 19:02".
  std::string human() const;
};

// "Mon" ... "Sun" for weekday() 0 ... 6.
std::string_view weekday_name(int weekday);
// A chart axis label at time-of-day granularity: "Sat 9 Jun" at midnight, else
// "Sat 9 Jun 18:00".
std::string axis_label(const CivilTime& c);

constexpr int kMinutesPerWeek = 7 * 24 * 60;

// "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (also with a space instead of T); nullopt
// with `error` set when malformed or out of range.
std::optional<CivilTime> parse_iso_datetime(std::string_view text, std::string* error);
// "Fri 20:00" -> minutes since Monday 00:00.
std::optional<int> parse_weekly_time(std::string_view text, std::string* error);
// "02:00" -> seconds since midnight.
std::optional<int> parse_time_of_day(std::string_view text, std::string* error);

CivilTime civil_from_epoch(std::int64_t epoch_seconds);
// The instant `t_seconds` after `start`, to the nearest second, on the scenario clock.
CivilTime civil_at(const CivilTime& start, double t_seconds);

// Minute of the week (0 = Mon 00:00) of the instant `t_seconds` after `start`.
double minute_of_week(const CivilTime& start, double t_seconds);

}  // namespace coexlab
