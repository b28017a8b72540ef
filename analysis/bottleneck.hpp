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
// windows, resources by id, latencies). Empty when no move ran.
std::vector<FactorEstimate> estimate_factors(const RunData& run, const MigrationMetrics& m);

}  // namespace coexlab
