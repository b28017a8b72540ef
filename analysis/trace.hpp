// trace.json (SPEC §5.2): the run in the Chrome trace-event format, which Perfetto and
// chrome://tracing open. Pure C++ over the recording; deterministic (same run, same bytes).
//
// - one complete event (`ph: "X"`) per move attempt, on the track of its mover thread
//   (`pid` 1, `tid` = the thread), `args` its mailbox, state, bytes and items;
// - one counter series (`ph: "C"`, `pid` 2) per server whose log space is tracked: bytes used
//   at each sample time, downsampled to at most kTraceMaxCounterPoints points (the highest
//   level of each group of consecutive samples, so a log disk that fills still shows full);
// - metadata events (`ph: "M"`, `process_name`, `thread_name`) naming every track.
// Hub queues: the recording keeps only each Hub's aggregate queue statistics, not a time
// series, so the trace has no Hub counter (docs/outputs.md).
#pragma once

#include <cstddef>
#include <string>

#include "results.hpp"

namespace coexlab {

// At most this many points per counter series (docs/limits.md).
inline constexpr std::size_t kTraceMaxCounterPoints = 1000;

// The trace as JSON text (one event per line, a trailing newline).
std::string trace_json(const RunData& run);

}  // namespace coexlab
