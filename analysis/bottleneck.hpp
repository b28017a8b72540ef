// The in-run bottleneck estimate (summary.json `bottleneck`, the run summary's line): which
// factor of the migration, improved the way `coexlab bottlenecks` improves it (twice the
// capacity of a resource, half a link's latency, twice the threads, windows twice as long),
// would end it soonest, as far as one run can tell. `bottlenecks` simulates that ranking; this
// predicts it from the run and the cost model, so that the two tell one story.
//
// How (docs/model.md, "Bottleneck"): the moves are a closed queueing network — the mover
// threads are the customers; each move spends its RPC and latency time in a delay station and
// its bytes, pages and cycles in one processor-sharing station per resource it crosses —
// solved by mean value analysis (MVA) for the threads the plan allows (throttles included),
// request group by request group (batches with one first start). The throughput it predicts is
// calibrated once, so that walking the migration's open window time reproduces the run's
// duration; each factor's variant is then walked the same way. A dismount (a full log or
// database disk) is named first: the run saw the moves stop on it, which no throughput figure
// shows.
#pragma once

#include <string>
#include <vector>

#include "results.hpp"

namespace coexlab {

struct FactorEstimate {
  std::string factor;     // a resource id, link/NAME/latency, migration/threads, migration/windows
  std::string change;     // what was improved
  double duration_s = 0;  // the migration's predicted duration with the change
  double gain_s = 0;      // the run's duration minus that
};

// Every factor the estimate weighs, ranked by predicted gain (ties in the order: threads,
// windows, resources by id, latencies). Empty when no move ran. On a large run it costs a
// predictor per link variant: compute it once per run (estimate_bottleneck, RunData::bottleneck).
std::vector<FactorEstimate> estimate_factors(const RunData& run, const MigrationMetrics& m);

struct Bottleneck {
  std::string resource;  // a resource id, or migration/threads, migration/windows; empty: none
  std::string reason;
  std::vector<FactorEstimate> ranked;  // estimate_factors' ranking it was read from
};
// The in-run estimate (docs/model.md, "Bottleneck"): a dismount first (the disk that filled);
// else the factor that estimate_factors predicts would end the migration soonest when
// improved as `coexlab bottlenecks` improves it.
Bottleneck estimate_bottleneck(const RunData& run, const MigrationMetrics& m);
// run.bottleneck when the caller computed it once for the run's result files, else that.
Bottleneck bottleneck_of(const RunData& run, const MigrationMetrics& m);

}  // namespace coexlab
