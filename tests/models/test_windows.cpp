// Move windows as intervals of simulated time: weekly windows expanded from the start
// (already open at the start, crossing midnight, wrapping over Sunday), absolute windows,
// merging, overlap detection and the search for the next open window.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.hpp"
#include "windows.hpp"

using namespace coexlab;
using namespace coexlab::testing;

namespace {

constexpr double kHour = 3600;
constexpr double kDay = 86400;

CivilTime at(const std::string& text) {
  std::string err;
  auto t = parse_iso_datetime(text, &err);
  EXPECT_TRUE(t.has_value()) << err;
  return t.value_or(CivilTime{});
}

Window weekly(const std::string& from, const std::string& to) {
  std::string err;
  Window w;
  w.weekly = true;
  w.from_minute_of_week = parse_weekly_time(from, &err).value_or(-1);
  w.to_minute_of_week = parse_weekly_time(to, &err).value_or(-1);
  EXPECT_GE(w.from_minute_of_week, 0) << from;
  EXPECT_GE(w.to_minute_of_week, 0) << to;
  return w;
}

Window absolute(double from_s, double to_s) {
  Window w;
  w.weekly = false;
  w.from = Seconds{from_s};
  w.to = Seconds{to_s};
  return w;
}

// Intervals as pairs of hours, for readable expectations.
std::vector<std::pair<double, double>> hours(const std::vector<Interval>& v) {
  std::vector<std::pair<double, double>> out;
  for (const Interval& i : v) out.emplace_back(i.from.value / kHour, i.to.value / kHour);
  return out;
}

using Hours = std::vector<std::pair<double, double>>;

const CivilTime kFriday2000 = at("2007-06-01T20:00");  // a Friday, 20:00

}  // namespace

TEST(Windows, NoWindowsMeansAlwaysOpen) {
  EXPECT_EQ(hours(expand_windows({}, kFriday2000, Seconds{10 * kDay})), (Hours{{0, 240}}));
}

TEST(Windows, WeekendFromAFridayEveningStart) {
  // Fri 20:00 -> Mon 06:00 is 58 h; it opens at t = 0 and every 168 h after; the third
  // occurrence (336 h) is cut by the 15 d = 360 h horizon.
  const auto v =
      expand_windows({weekly("Fri 20:00", "Mon 06:00")}, kFriday2000, Seconds{15 * kDay});
  EXPECT_EQ(hours(v), (Hours{{0, 58}, {168, 226}, {336, 360}}));
}

TEST(Windows, AlreadyOpenAtTheStart) {
  // Saturday 12:00: the weekend window opened 16 h ago and closes in 42 h; the next opens
  // Friday 20:00, 6 d 8 h = 152 h after the start.
  const auto v = expand_windows({weekly("Fri 20:00", "Mon 06:00")}, at("2007-06-02T12:00"),
                                Seconds{10 * kDay});
  EXPECT_EQ(hours(v), (Hours{{0, 42}, {152, 210}}));
}

TEST(Windows, StartingBetweenOccurrences) {
  // Monday 07:00, an hour after the window closed: next Friday 20:00 is 4 d 13 h = 109 h.
  const auto v =
      expand_windows({weekly("Fri 20:00", "Mon 06:00")}, at("2007-06-04T07:00"), Seconds{8 * kDay});
  EXPECT_EQ(hours(v), (Hours{{109, 167}}));
}

TEST(Windows, CrossingMidnightAndWrappingOverSunday) {
  // Nightly Mon 22:00 -> Tue 02:00 from Monday 00:00.
  EXPECT_EQ(hours(expand_windows({weekly("Mon 22:00", "Tue 02:00")}, at("2007-06-04T00:00"),
                                 Seconds{9 * kDay})),
            (Hours{{22, 26}, {190, 194}}));
  // Sun 22:00 -> Mon 02:00 (to < from in minutes of the week): Sunday 22:00 is 50 h after
  // Friday 20:00.
  EXPECT_EQ(
      hours(expand_windows({weekly("Sun 22:00", "Mon 02:00")}, kFriday2000, Seconds{7 * kDay})),
      (Hours{{50, 54}}));
}

TEST(Windows, AbsoluteWindowsAreClippedToTheRun) {
  // 2007-06-08T20:00 -> 2007-06-09T08:00 is [168 h, 180 h) after the start.
  EXPECT_EQ(
      hours(expand_windows({absolute(168 * kHour, 180 * kHour)}, kFriday2000, Seconds{30 * kDay})),
      (Hours{{168, 180}}));
  // Begun before the start: only its remainder; past the horizon: cut there.
  EXPECT_EQ(
      hours(expand_windows({absolute(-10 * kHour, 5 * kHour), absolute(20 * kHour, 99 * kHour)},
                           kFriday2000, Seconds{2 * kDay})),
      (Hours{{0, 5}, {20, 48}}));
  // Entirely before the start: never open (not "always open").
  EXPECT_TRUE(
      expand_windows({absolute(-10 * kHour, -5 * kHour)}, kFriday2000, Seconds{kDay}).empty());
}

TEST(Windows, TouchingWindowsMergeAndDoNotOverlap) {
  const std::vector<Window> w{weekly("Fri 20:00", "Sat 06:00"), weekly("Sat 06:00", "Sat 08:00")};
  EXPECT_EQ(hours(expand_windows(w, kFriday2000, Seconds{3 * kDay})), (Hours{{0, 12}}));
  EXPECT_TRUE(overlapping_windows(w, kFriday2000, Seconds{3 * kDay}).empty());
  // Weekly and absolute mixed in one list, sorted by time.
  const std::vector<Window> mixed{weekly("Sat 06:00", "Sat 08:00"), absolute(kHour, 2 * kHour)};
  EXPECT_EQ(hours(expand_windows(mixed, kFriday2000, Seconds{kDay})), (Hours{{1, 2}, {10, 12}}));
}

TEST(Windows, OverlapDetection) {
  using Pairs = std::vector<std::pair<size_t, size_t>>;
  const Seconds horizon{60 * kDay};
  // Sunday daytime lies inside the weekend.
  EXPECT_EQ(
      overlapping_windows({weekly("Fri 20:00", "Mon 06:00"), weekly("Sun 08:00", "Sun 20:00")},
                          kFriday2000, horizon),
      (Pairs{{0, 1}}));
  // Only the pairs that overlap, in index order.
  EXPECT_EQ(overlapping_windows({weekly("Tue 20:00", "Wed 06:00"), weekly("Sat 10:00", "Sat 12:00"),
                                 weekly("Wed 05:00", "Wed 07:00")},
                                kFriday2000, horizon),
            (Pairs{{0, 2}}));
  // An absolute window on a Sunday of the second week overlaps the weekend; on a Wednesday not.
  // Sunday 2007-06-10T00:00 is 196 h after the start; Wednesday 2007-06-06T10:00 is 110 h.
  EXPECT_EQ(
      overlapping_windows({weekly("Fri 20:00", "Mon 06:00"), absolute(196 * kHour, 208 * kHour)},
                          kFriday2000, horizon),
      (Pairs{{0, 1}}));
  EXPECT_TRUE(
      overlapping_windows({weekly("Fri 20:00", "Mon 06:00"), absolute(110 * kHour, 112 * kHour)},
                          kFriday2000, horizon)
          .empty());
  // Two absolute windows.
  EXPECT_EQ(overlapping_windows({absolute(0, 10 * kHour), absolute(9 * kHour, 11 * kHour)},
                                kFriday2000, horizon),
            (Pairs{{0, 1}}));
  // Weekly windows overlap whatever the horizon: a one-day run still sees the clash on
  // Wednesday, five days after the start.
  EXPECT_EQ(
      overlapping_windows({weekly("Wed 10:00", "Wed 12:00"), weekly("Wed 11:00", "Wed 13:00")},
                          kFriday2000, Seconds{kDay}),
      (Pairs{{0, 1}}));
}

// 168 weekly windows over ten years: 521 occurrences each, 14,028 pairs. The pairwise check
// compared every occurrence with every other (5 s in a release build for this scenario size,
// over a minute under the sanitizers); it now walks both sorted lists at once.
TEST(Windows, OverlapCheckIsLinearInOccurrences) {
  static const char* const kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::vector<Window> w;
  for (const char* d : kDays) {
    for (int h = 0; h < 24; ++h) {
      const std::string hh = (h < 10 ? "0" : "") + std::to_string(h);
      w.push_back(weekly(std::string(d) + " " + hh + ":00", std::string(d) + " " + hh + ":30"));
    }
  }
  const Seconds ten_years{3650 * kDay};
  EXPECT_TRUE(overlapping_windows(w, kFriday2000, ten_years).empty());
  // An absolute window in the last year, on Monday 00:15 + 52 weeks × 9: found all the same.
  const double monday_0015 = (2 * 24 + 4 + 0.25) * kHour + 52.0 * 9 * 7 * kDay;
  w.push_back(absolute(monday_0015, monday_0015 + 0.1 * kHour));
  const auto pairs = overlapping_windows(w, kFriday2000, ten_years);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (std::pair<size_t, size_t>{0, 168}));
}

TEST(Windows, WindowAtOrAfter) {
  const std::vector<Interval> open{{Seconds{10}, Seconds{20}}, {Seconds{30}, Seconds{40}}};
  const auto from_of = [&](double t) {
    auto w = window_at_or_after(open, Seconds{t});
    return w ? w->from.value : -1.0;
  };
  EXPECT_EQ(from_of(0), 10);
  EXPECT_EQ(from_of(10), 10);  // open from `from` on
  EXPECT_EQ(from_of(19.5), 10);
  EXPECT_EQ(from_of(20), 30);  // `to` is exclusive
  EXPECT_EQ(from_of(39.9), 30);
  EXPECT_EQ(from_of(40), -1);  // nothing after the last
  EXPECT_TRUE(open[0].contains(Seconds{10}));
  EXPECT_FALSE(open[0].contains(Seconds{20}));
  EXPECT_FALSE(window_at_or_after({}, Seconds{0}).has_value());
}

TEST(Windows, LoaderRejectsEmptyMixedAndBackwardsWindows) {
  const auto error_of = [](const std::string& window) {
    std::string text = replace_once(kBaseScenario, "  batches:\n",
                                    "  windows:\n    - " + window + "\n  batches:\n");
    LoadResult r = load_checked(text);
    const auto errs = errors(r.diagnostics);
    EXPECT_EQ(errs.size(), 1u) << dump(r.diagnostics);
    return errs.empty() ? std::string() : errs[0].format();
  };
  EXPECT_EQ(error_of("{ from: Sat 08:00, to: Sat 08:00 }"),
            "test.yaml:26:7: error: move window Sat 08:00 -> Sat 08:00 is empty (from equals to); "
            "for an always-open migration omit 'windows'");
  EXPECT_EQ(error_of("{ from: Fri 20:00, to: 2007-06-04T06:00 }"),
            "test.yaml:26:7: error: a move window mixes a weekly time and a date-time: give both "
            "as 'Fri 20:00' (weekly) or both as '2007-06-08T20:00' (once)");
  EXPECT_EQ(error_of("{ from: 2007-06-09T06:00, to: 2007-06-09T06:00 }"),
            "test.yaml:26:7: error: move window 2007-06-09T06:00 -> 2007-06-09T06:00 is empty: "
            "'to' must be after 'from'");
  EXPECT_EQ(error_of("{ from: Fri 20:00 }"),
            "test.yaml:26:7: error: a move window has no 'to' (required)");
}
