// Monte Carlo over seeds (`whatif --seeds`): the spread of one variant's duration over the
// runs of its seeds.
#pragma once

#include <optional>
#include <vector>

namespace coexlab {

struct SeedStats {
  int seeds = 0;                 // runs
  int completed = 0;             // runs whose migration completed
  double completed_share = 0;    // completed / seeds
  std::optional<double> mean_s;  // over the completed runs; none when no run completed
  std::optional<double> p5_s;    // percentiles over every run, one that did not complete
  std::optional<double> p50_s;   //   counting as an infinite duration: none when the
  std::optional<double> p95_s;   //   percentile falls on such a run
};

// `durations`: one per seed, nullopt for a run that did not complete (or failed).
SeedStats seed_stats(const std::vector<std::optional<double>>& durations);

// The p-th percentile (0..100) of sorted values, linear between the closest ranks
// (Hyndman-Fan type 7, numpy's default): x[floor(h)] + (h - floor(h)) (x[floor(h)+1] -
// x[floor(h)]), h = (n - 1) p / 100. Infinite values allowed; none when the result is not finite.
std::optional<double> percentile_of_sorted(const std::vector<double>& sorted, double p);

}  // namespace coexlab
