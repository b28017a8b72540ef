// Move windows as intervals of simulated time (seconds from `start`).
#pragma once

#include <optional>
#include <vector>

#include "scenario.hpp"

namespace coexlab {

struct Interval {
  Seconds from{0};
  Seconds to{0};  // exclusive
  bool contains(Seconds t) const { return from <= t && t < to; }
};

// The open intervals of the windows in [0, horizon], sorted and merged where they touch.
// No windows: one interval [0, horizon).
std::vector<Interval> expand_windows(const std::vector<Window>& windows, const CivilTime& start,
                                     Seconds horizon);

// At most this many move windows (docs/limits.md): the loader refuses more. It bounds the
// overlap check below (and its errors) when every window overlaps every other: 200 identical
// weekly windows over ten years are 10^5 occurrences, each compared with 199 open ones.
inline constexpr std::size_t kMaxMoveWindows = 200;

// Pairs of windows (indices) that overlap; weekly windows are compared over a week, absolute
// ones with each other and with the weekly ones' occurrences before `horizon`.
std::vector<std::pair<size_t, size_t>> overlapping_windows(const std::vector<Window>& windows,
                                                           const CivilTime& start, Seconds horizon);

// The window interval containing t, or the first one starting after t.
std::optional<Interval> window_at_or_after(const std::vector<Interval>& open, Seconds t);

}  // namespace coexlab
