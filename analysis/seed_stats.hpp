// Monte Carlo over seeds (`whatif --seeds`): the spread of one variant's duration over the
// runs of its seeds.
#pragma once

#include <optional>
#include <string>
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

// `size --target 'CHECK in P % of seeds'`: the check, and the share of seeds that must pass
// it (0 < P <= 100). Without the clause, `share` is none and `check` the whole text.
struct SeedShareTarget {
  std::string check;
  std::optional<double> share;  // P / 100
  std::string error;            // "" or why the clause does not parse
  size_t error_offset = 0;      // where in the text (0-based)
};
SeedShareTarget split_seed_share(const std::string& target);

}  // namespace coexlab
