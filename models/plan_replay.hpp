// A fast replay of the move plan without SimGrid: the real dispatcher (models/dispatcher.hpp:
// windows, not_before, throttles, threads) under a given scheduler, with the moves run through
// the simulator's own chunk model (docs/model.md, "A move") as a fluid model: each running
// move waits its chunk's RPC delay (spread over the chunks by the simulator's own seeded draw),
// then its chunk's flows (bytes over the path, page I/O on
// both database disks: MoveEstimator::chunk_flows) and its CPU work on source, mover and
// target share every rate resource and CPU max-min fairly with the other moves' (one solver,
// models/max_min.hpp), and so on chunk by chunk. So moves that start together on one slow
// disk and stay in step contend as they do in the simulator, which a per-move average of
// their demands misses. A move alone takes what MoveEstimator predicts. With on_window_end:
// cancel, a move still running at the end of the window it started in is rolled back and
// requeued, its progress lost. What it leaves out: users' load, backups and log space, bad
// items. It ranks orders; it does not predict the simulator's figures.
#pragma once

#include <memory>
#include <optional>

#include "scheduler.hpp"

namespace coexlab {

struct ReplayOutcome {
  Seconds end{0};     // the predicted end of the last move
  int cancelled = 0;  // attempts rolled back at a window's end (their work lost)
};

// Every request of ctx's queue scheduled by `scheduler` from ctx.now on (nothing in flight);
// nullopt when the replay cannot finish (a request no window or throttle lets start, or
// that every window cancels). Needs ctx's queue, mailboxes, estimates, scenario, cost and
// windows.
std::optional<ReplayOutcome> replay_plan(const SchedulerContext& ctx,
                                         std::unique_ptr<MoveScheduler> scheduler);

}  // namespace coexlab
