// Result files of `coexlab run` (SPEC §4) and the human summary, computed from the
// recording alone.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mailboxes.hpp"
#include "recording.hpp"
#include "scenario.hpp"

namespace coexlab {

// Everything a report needs: the scenario, what was queued, what happened.
struct Bottleneck;

struct RunData {
  const Scenario& scenario;
  const std::vector<Mailbox>& mailboxes;
  const std::vector<MoveRequest>& queue;
  const Recording& recording;
  // The run's bottleneck estimate (analysis/bottleneck.hpp), when the caller computed it once
  // for the summary, the report and the text; null: each computes its own.
  const Bottleneck* bottleneck = nullptr;
};

struct MigrationMetrics {
  std::int64_t mailboxes_total = 0;
  std::int64_t mailboxes_moved = 0;
  std::int64_t mailboxes_failed = 0;
  std::int64_t attempts_cancelled = 0;
  double bytes_moved = 0;
  bool completed = false;
  std::optional<double> first_start_s;  // seconds from start; nullopt: no move ever started
  std::optional<double> last_end_s;
  std::optional<double> duration_s;  // last_end_s - first_start_s
  // Per mailbox with at least one attempt: total offline time over its attempts.
  std::optional<double> downtime_mean_s, downtime_p95_s, downtime_max_s;
  // Scheduler metrics (SPEC §5.7, docs/outputs.md). Wait: from when a mailbox was first
  // queued (its batch's not_before, else the start) to its first attempt's start, over the
  // mailboxes that started. Bounded slowdown: per mailbox whose last attempt ended (moved or
  // failed), max(1, (wait + run) / max(run, kSlowdownBound_s)) where run is its time in attempts
  // and wait + run its whole turnaround, last end - first queued; their mean.
  std::optional<double> wait_mean_s;
  std::optional<double> bounded_slowdown_mean;
};

// τ of the bounded slowdown: moves shorter than this count as this long, so that a
// two-second move that waited a minute does not dominate the mean.
inline constexpr double kSlowdownBound_s = 10;

MigrationMetrics migration_metrics(const RunData& run);

struct ResourceStats {
  std::optional<double> mean;               // time-weighted over the run
  std::optional<double> peak;               // highest sample
  std::optional<double> busy_during_moves;  // time-weighted mean while any move ran
};
ResourceStats resource_stats(const RunData& run, const ResourceSeries& r);
// Same, given which sample intervals had a move running (computed once for many resources).
ResourceStats resource_stats(const RunData& run, const ResourceSeries& r,
                             const std::vector<bool>& moving);
// For each sample interval, whether at least one move ran during it (a sort of the attempts:
// compute it once for a loop over the resources).
std::vector<bool> intervals_with_moves(const RunData& run);

// p-th percentile (0 < p <= 100) by the nearest-rank method; values need not be sorted.
double percentile_nearest_rank(std::vector<double> values, double p);

// ---- Window overrun (scheduler benchmarks) ----------------------------------------------------
// Seconds that moves ran past the end of the window they started in: the sum, over attempts
// that started inside a window and ended after that window's end (on_window_end: finish; a
// cancelled attempt ends at the window's end), of end - window end. Windows from
// expand_windows; no windows: one window up to the horizon, so 0. summary.json:
// migration.window_overrun_s.
double window_overrun(const RunData& run);

// ---- Mail latency ---------------------------------------------------------------------------
// Weighted by messages (per message: 1 each; aggregate: an interval's count per path class);
// p50 and p95 are the smallest latencies with at least that share of the weight at or below.
struct WeightedLatency {
  double total = 0;                            // messages
  double mean = 0, p50 = 0, p95 = 0, max = 0;  // seconds
};
WeightedLatency weighted_latency(std::vector<std::pair<double, double>> values_and_weights);

struct MailLatencies {
  WeightedLatency all;
  std::map<std::string, WeightedLatency> by_path;  // by path class
};
MailLatencies mail_latencies(const MailRecording& mail);
// "35 ms" below a second (mail takes milliseconds to seconds), else as format_duration.
std::string format_latency(double seconds);

// x to 12 significant digits (the precision of summary.json), the nearest double to its
// 12-digit decimal; never throws (a subnormal, an extreme exponent, inf and nan stay numbers).
double round_to_12_digits(double x);

nlohmann::ordered_json summary_json(const RunData& run, const nlohmann::ordered_json& checks);
std::string moves_csv(const RunData& run);
// One row per planned mailbox (SPEC §5.1), in queue order, those never attempted included:
// its last attempt's state (or not_started), attempts, and the first start and last end as
// scenario-local ISO 8601 date-times.
std::string mailboxes_csv(const RunData& run);
std::string utilisation_csv(const RunData& run);
// The same, streamed in pieces (a line or a sample's lines at a time) for writing to disk
// without building the file in memory.
void write_moves_csv(const RunData& run, const std::function<void(std::string_view)>& emit);
void write_utilisation_csv(const RunData& run, const std::function<void(std::string_view)>& emit);
// utilisation_wide.csv (`run --wide-utilisation`): the same samples, one row per sample time and
// one column per resource (`time_s`, then the resource ids in summary.json's order), so that a
// long run stays under a spreadsheet's row limit (Excel: 1,048,576 rows).
void write_utilisation_wide_csv(const RunData& run,
                                const std::function<void(std::string_view)>& emit);
std::string human_summary(const RunData& run, const std::string& out_dir);

}  // namespace coexlab
