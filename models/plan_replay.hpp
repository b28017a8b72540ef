// A fast replay of the move plan without SimGrid: the real dispatcher (models/dispatcher.hpp:
// windows, not_before, throttles, threads) under a given scheduler, with moves that progress
// in a fluid model of contention. Each running move q spends the share d(q, r) of its time
// alone transferring over rate resource r (the bulk bytes x crossings and the per-item page
// I/O that MoveEstimator::resource_bytes gives, over its predicted duration alone, divided by
// r's capacity). The other running moves load r with L(r) - d(q, r), where L(r) is the sum
// of d over the running moves: while q transfers, that many others are there on average and
// share r with it, so its time is stretched by 1 + d(q, r) x (L(r) - d(q, r)) on its most
// crowded resource (k moves that only transfer over one resource: k, fair sharing; moves that
// mostly wait on round trips: barely). A move is done when it has made as much progress as
// its predicted duration alone. With on_window_end:
// cancel, a move still running at the end of the window it started in is rolled back and
// requeued, its progress lost. What it leaves out: users' load, backups and log space, bad
// items, CPU sharing. It ranks orders; it does not predict the simulator's figures.
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
