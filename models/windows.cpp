#include "windows.hpp"

#include <algorithm>
#include <cmath>

namespace coexlab {
namespace {

// Occurrences of one window as intervals in [0, horizon).
std::vector<Interval> occurrences(const Window& w, const CivilTime& start, Seconds horizon) {
  std::vector<Interval> out;
  if (!w.weekly) {
    const double from = std::max(0.0, w.from.value);
    const double to = std::min(horizon.value, w.to.value);
    if (from < to) out.push_back({Seconds{from}, Seconds{to}});
    return out;
  }
  constexpr double kWeek = kMinutesPerWeek * 60.0;
  double length_min = w.to_minute_of_week - w.from_minute_of_week;
  if (length_min <= 0) length_min += kMinutesPerWeek;
  // Seconds from start to the first occurrence's opening at or before t = 0.
  const double now_min = minute_of_week(start, 0.0);
  double offset = (w.from_minute_of_week - now_min) * 60.0;
  if (offset > 0) offset -= kWeek;  // the occurrence that opened last, possibly still open
  for (double open = offset; open < horizon.value; open += kWeek) {
    const double close = open + length_min * 60.0;
    const double from = std::max(0.0, open);
    const double to = std::min(horizon.value, close);
    if (from < to) out.push_back({Seconds{from}, Seconds{to}});
  }
  return out;
}

bool overlap(const Interval& a, const Interval& b) {
  return a.from < b.to && b.from < a.to;
}

}  // namespace

std::vector<Interval> expand_windows(const std::vector<Window>& windows, const CivilTime& start,
                                     Seconds horizon) {
  if (windows.empty()) return {Interval{Seconds{0}, horizon}};
  std::vector<Interval> all;
  for (const Window& w : windows) {
    auto occ = occurrences(w, start, horizon);
    all.insert(all.end(), occ.begin(), occ.end());
  }
  std::sort(all.begin(), all.end(),
            [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> merged;
  for (const Interval& i : all) {
    if (!merged.empty() && i.from <= merged.back().to) {
      merged.back().to = std::max(merged.back().to, i.to);
    } else {
      merged.push_back(i);
    }
  }
  return merged;
}

std::vector<std::pair<size_t, size_t>> overlapping_windows(const std::vector<Window>& windows,
                                                           const CivilTime& start,
                                                           Seconds horizon) {
  std::vector<std::pair<size_t, size_t>> out;
  // Weekly windows: compare over two weeks so that wrapping windows are seen whole.
  const Seconds span{std::max(horizon.value, 3.0 * kMinutesPerWeek * 60.0)};
  // One sweep over every occurrence of every window in time order, keeping those still open:
  // O(n log n) in the occurrences (a weekly window has 521 in ten years), where comparing
  // every pair of windows occurrence by occurrence took seconds for a few hundred windows.
  struct Occurrence {
    Interval at;
    size_t window;
  };
  std::vector<Occurrence> all;
  for (size_t i = 0; i < windows.size(); ++i) {
    for (const Interval& iv : occurrences(windows[i], start, span)) all.push_back({iv, i});
  }
  std::sort(all.begin(), all.end(), [](const Occurrence& a, const Occurrence& b) {
    return a.at.from < b.at.from || (a.at.from == b.at.from && a.window < b.window);
  });
  const size_t n = windows.size();
  std::vector<char> overlaps(n * n, 0);  // [i * n + j], i < j (n is bounded by the loader)
  std::vector<Occurrence> open;
  for (const Occurrence& o : all) {
    // Still open: began at or before o (sorted) and ends after o begins.
    std::erase_if(open, [&](const Occurrence& a) { return !(o.at.from < a.at.to); });
    for (const Occurrence& a : open) {
      if (a.window != o.window && overlap(a.at, o.at)) {
        overlaps[std::min(a.window, o.window) * n + std::max(a.window, o.window)] = 1;
      }
    }
    open.push_back(o);
  }
  for (size_t i = 0; i < n; ++i) {  // in index order, as the pairs are reported
    for (size_t j = i + 1; j < n; ++j) {
      if (overlaps[i * n + j]) out.emplace_back(i, j);
    }
  }
  return out;
}

std::optional<Interval> window_at_or_after(const std::vector<Interval>& open, Seconds t) {
  // First interval whose end is after t.
  auto it = std::upper_bound(open.begin(), open.end(), t,
                             [](Seconds v, const Interval& i) { return v < i.to; });
  if (it == open.end()) return std::nullopt;
  return *it;
}

}  // namespace coexlab
