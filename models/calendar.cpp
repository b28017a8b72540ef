#include "calendar.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace coexlab {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Reads exactly `width` digits at s[pos].
bool read_digits(std::string_view s, size_t pos, size_t width, int* out) {
  if (pos + width > s.size()) return false;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return std::from_chars(s.data() + pos, s.data() + pos + width, *out).ec == std::errc{};
}

std::optional<int> parse_hh_mm(std::string_view s, std::string* error) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !read_digits(s, 0, 2, &h) || !read_digits(s, 3, 2, &m)) {
    *error = fmt::format("'{}' is not a time of day HH:MM, e.g. '20:00'", s);
    return std::nullopt;
  }
  if (h > 23 || m > 59) {
    *error = fmt::format("'{}' is out of range (00:00 to 23:59)", s);
    return std::nullopt;
  }
  return h * 60 + m;
}

}  // namespace

std::int64_t CivilTime::epoch_seconds() const {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
}

int CivilTime::weekday() const {
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::string CivilTime::iso() const {
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day, hour, minute, second);
}

std::string_view weekday_name(int weekday) {
  static constexpr std::array<std::string_view, 7> kNames{"Mon", "Tue", "Wed", "Thu",
                                                          "Fri", "Sat", "Sun"};
  return kNames[static_cast<size_t>(((weekday % 7) + 7) % 7)];
}

std::string CivilTime::human() const {
  return fmt::format("{} {:04}-{:02}-{:02} {:02}:{:02}", weekday_name(weekday()), year, month, day,
                     hour, minute);
}

std::string axis_label(const CivilTime& c) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string day = fmt::format("{} {} {}", weekday_name(c.weekday()), c.day,
                                kMonths[static_cast<size_t>(c.month - 1)]);
  if (c.hour == 0 && c.minute == 0) return day;
  return fmt::format("{} {:02}:{:02}", day, c.hour, c.minute);
}

CivilTime civil_from_epoch(std::int64_t epoch_seconds) {
  std::int64_t days =
      epoch_seconds >= 0 ? epoch_seconds / 86400 : -((-epoch_seconds + 86399) / 86400);
  std::int64_t rem = epoch_seconds - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime c;
  c.year = static_cast<int>(y + (m <= 2));
  c.month = static_cast<int>(m);
  c.day = static_cast<int>(d);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>((rem % 3600) / 60);
  c.second = static_cast<int>(rem % 60);
  return c;
}

std::optional<CivilTime> parse_iso_datetime(std::string_view s, std::string* error) {
  CivilTime c;
  const bool shape_ok = (s.size() == 16 || s.size() == 19) && s[4] == '-' && s[7] == '-' &&
                        (s[10] == 'T' || s[10] == ' ') && s[13] == ':' &&
                        (s.size() == 16 || s[16] == ':');
  if (!shape_ok || !read_digits(s, 0, 4, &c.year) || !read_digits(s, 5, 2, &c.month) ||
      !read_digits(s, 8, 2, &c.day) || !read_digits(s, 11, 2, &c.hour) ||
      !read_digits(s, 14, 2, &c.minute) || (s.size() == 19 && !read_digits(s, 17, 2, &c.second))) {
    *error = fmt::format("'{}' is not a date-time YYYY-MM-DDTHH:MM, e.g. '2007-06-01T20:00'", s);
    return std::nullopt;
  }
  if (c.year < 1970 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1 ||
      c.day > days_in_month(c.year, c.month) || c.hour > 23 || c.minute > 59 || c.second > 59) {
    *error = fmt::format("'{}' is not a valid date-time", s);
    return std::nullopt;
  }
  return c;
}

std::optional<int> parse_weekly_time(std::string_view s, std::string* error) {
  static constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu",
                                                         "Fri", "Sat", "Sun"};
  const auto bad = [&] {
    *error = fmt::format("'{}' is not a weekly time 'DAY HH:MM' (Mon..Sun), e.g. 'Fri 20:00'", s);
    return std::nullopt;
  };
  if (s.size() < 9 || s[3] != ' ') return bad();
  int day = -1;
  for (size_t i = 0; i < kDays.size(); ++i) {
    if (s.substr(0, 3) == kDays[i]) day = static_cast<int>(i);
  }
  if (day < 0) return bad();
  size_t p = 3;
  while (p < s.size() && s[p] == ' ') ++p;
  std::string sub_error;
  auto minutes = parse_hh_mm(s.substr(p), &sub_error);
  if (!minutes) return bad();
  return day * 24 * 60 + *minutes;
}

std::optional<int> parse_time_of_day(std::string_view s, std::string* error) {
  auto minutes = parse_hh_mm(s, error);
  if (!minutes) return std::nullopt;
  return *minutes * 60;
}

double minute_of_week(const CivilTime& start, double t_seconds) {
  const double start_minute =
      start.weekday() * 1440.0 + start.hour * 60.0 + start.minute + start.second / 60.0;
  const double m = std::fmod(start_minute + t_seconds / 60.0, kMinutesPerWeek);
  return m < 0 ? m + kMinutesPerWeek : m;
}

CivilTime civil_at(const CivilTime& start, double t_seconds) {
  return civil_from_epoch(start.epoch_seconds() +
                          static_cast<std::int64_t>(std::llround(t_seconds)));
}

}  // namespace coexlab
