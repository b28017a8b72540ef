// The scheduler benchmark's ranking and baseline comparison (`coexlab bench`), over its rows
// (bench.csv's columns as JSON): no process, no file, so that unit tests can hold them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coexlab {

// A cell that counts in the ranking: it ran and left no mailbox unmoved.
bool usable(const nlohmann::ordered_json& row);

struct Rank {
  std::string scheduler;
  int order = 0;                   // position in --schedulers (the last tie-break)
  int incomplete = 0;              // cells not ok, or that left mailboxes unmoved
  std::vector<double> normalised;  // makespan / the best makespan on that scenario
  std::vector<double> ratios;      // makespan / lower bound
  std::vector<double> slowdowns;   // bounded_slowdown_mean of each complete cell
  std::vector<double> best_known;  // makespan / the scenario's best-known order's makespan
  long long cancelled = 0;
  double overrun = 0;
  double scheduler_cpu_s = 0;                       // summed over every cell that reported it
  double mean(const std::vector<double>& v) const;  // NaN when empty
};

// Normalised makespan: on each scenario, every complete run's makespan divided by the best
// complete run's; a scheduler's score is the mean over the scenarios it completed. A
// scheduler with incomplete cells (failed, timed out, or mailboxes left unmoved) ranks after
// every scheduler with fewer: a short makespan that leaves work undone is no win.
std::vector<Rank> rank_schedulers(const std::vector<nlohmann::ordered_json>& rows,
                                  const std::vector<std::string>& schedulers);

// The same schedulers ordered by their mean bounded slowdown (SPEC §5.7) over the cells they
// completed: incomplete cells first, as above, then the mean (lower is better), then the
// order given. A scheduler with no slowdown figure ranks after those with one.
std::vector<Rank> rank_by_slowdown(std::vector<Rank> ranks);

struct Regression {
  std::string scenario, scheduler, what;
};

// A cell regresses when the baseline had it ok and now it is not, when it now leaves more
// mailboxes unmoved, or when its makespan grew by more than the tolerance.
std::vector<Regression> compare_with_baseline(
    const std::vector<nlohmann::ordered_json>& rows,
    const std::vector<std::map<std::string, std::string>>& baseline, double tolerance,
    int* compared);

// --tolerance: "2%", "2 %" or a fraction "0.02"; nullopt when it is neither.
std::optional<double> parse_tolerance(const std::string& text);

}  // namespace coexlab
