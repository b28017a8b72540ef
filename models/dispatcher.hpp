// The move dispatcher: which queued request a free mover thread starts next (SPEC §1
// Move-Mailbox). It keeps the requests waiting and running, the MRS-style throttle counts
// and each request's attempts; the scheduler (models/scheduler.hpp) picks among the requests
// the dispatcher finds eligible. No SimGrid: the simulator passes the time and its live
// per-server state in.
#pragma once

#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "move_estimate.hpp"
#include "scenario.hpp"
#include "scheduler.hpp"
#include "windows.hpp"

namespace coexlab {

struct DispatchDecision {
  std::optional<int> start;        // the queue index to start now, or
  std::optional<Seconds> wake_at;  // else: decide again no later than this (nullopt: only on
                                   // an event: a move ends, a database remounts)
};

class MoveDispatcher {
 public:
  // `mailboxes` and `queue` as built by generate_mailboxes / build_move_queue, `windows` as
  // expanded over the run: all must outlive the dispatcher. `scheduler`: nullptr takes
  // migration.scheduler from the registry (std::invalid_argument if it is unknown).
  // `estimator`: one built over the same scenario and queue, shared (it must outlive the
  // dispatcher); nullptr: the dispatcher builds its own.
  MoveDispatcher(const Scenario& s, const CostModel& cost, const std::vector<Mailbox>& mailboxes,
                 const std::vector<MoveRequest>& queue, const std::vector<Interval>& windows,
                 std::unique_ptr<MoveScheduler> scheduler = nullptr,
                 const MoveEstimator* estimator = nullptr);

  // What to do at `now`: start the scheduler's pick among the eligible requests (the window
  // open, not_before passed, both databases mounted, no throttle over), or wait.
  DispatchDecision decide(Seconds now, const ResourceView& resources);

  // A thread took request `q` (it leaves pending and counts against the throttles).
  void take(int q);
  // Its attempt ended; `requeue`: back to its place in the queue, queued again at `now`.
  void release(int q);
  void requeue(int q, Seconds now);

  bool done() const {
    return pending_.empty() && next_future_ == future_.size() && in_flight_.empty();
  }
  std::vector<int> pending() const;  // every request waiting, in queue order
  const std::vector<int>& in_flight() const { return in_flight_; }
  // When request `q` (last) entered the queue.
  Seconds queued_at(int q) const { return queued_at_s_[size_t(q)]; }
  // Wall time the scheduler has spent in pick() so far (bench.csv's scheduler_cpu_s, SPEC
  // §5.7): a measurement of this machine, never part of a reproducible result.
  std::chrono::duration<double> scheduler_wall() const { return scheduler_wall_; }

 private:
  bool throttled(const MoveRequest& r) const;
  void count_in_flight(const MoveRequest& r, int delta);

  const Scenario& s_;
  const CostModel& cost_;
  const std::vector<Mailbox>& mailboxes_;
  const std::vector<MoveRequest>& queue_;
  const std::vector<Interval>& windows_;
  std::unique_ptr<MoveScheduler> scheduler_;
  std::optional<MoveEstimator> own_estimator_;  // when none is shared
  const MoveEstimator* estimator_;  // its predictions are computed only when a scheduler asks

  void release_due(Seconds now);

  // Waiting requests: those whose not_before a decision has passed, in queue order, and the
  // rest by (not_before, queue index) from next_future_ on, released into pending_ as
  // decisions reach their time. A decision then scans only what may start, not every later
  // wave (the field case queues 27k moves in waves weeks apart).
  std::vector<int> pending_;
  std::vector<int> future_;
  size_t next_future_ = 0;
  std::vector<int> in_flight_;  // queue indices running
  std::vector<int> eligible_;   // scratch
  std::vector<Seconds> queued_at_s_;
  std::chrono::duration<double> scheduler_wall_{0};
  std::vector<std::vector<int>> db_in_flight_src_, db_in_flight_tgt_;  // by server, database
  std::vector<int> srv_in_flight_src_, srv_in_flight_tgt_;             // by server
};

}  // namespace coexlab
