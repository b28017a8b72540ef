#include "seed_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace coexlab {

std::optional<double> percentile_of_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const double h = double(sorted.size() - 1) * p / 100.0;
  const auto lo = size_t(std::floor(h));
  const double frac = h - double(lo);
  double v = sorted[lo];
  // No interpolation step when the rank is exact: inf * 0 would be NaN.
  if (frac > 0 && lo + 1 < sorted.size()) v += frac * (sorted[lo + 1] - sorted[lo]);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

SeedStats seed_stats(const std::vector<std::optional<double>>& durations) {
  SeedStats s;
  s.seeds = int(durations.size());
  std::vector<double> all;
  double sum = 0;
  for (const auto& d : durations) {
    all.push_back(d ? *d : std::numeric_limits<double>::infinity());
    if (d) {
      ++s.completed;
      sum += *d;
    }
  }
  std::sort(all.begin(), all.end());
  s.completed_share = s.seeds > 0 ? double(s.completed) / double(s.seeds) : 0;
  if (s.completed > 0) s.mean_s = sum / double(s.completed);
  s.p5_s = percentile_of_sorted(all, 5);
  s.p50_s = percentile_of_sorted(all, 50);
  s.p95_s = percentile_of_sorted(all, 95);
  return s;
}

}  // namespace coexlab
