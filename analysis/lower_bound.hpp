// A provable lower bound on migration.duration_s (SPEC §4: from the first move's start to the
// last attempt's end) from the scenario alone: its resources, threads, throttles, windows and
// not_before dates, with the same capacities and crossings as the simulator. The proof sketch
// is in docs/model.md, "Lower bound". Pure C++: no SimGrid.
//
// The terms, each a time the migration cannot beat:
//   - every resource (database and log disks, NICs and LANs and WAN links by direction, CPUs):
//     the bytes (cycles) that must cross it ÷ its capacity, after the shortest lead time (route
//     latency and first RPC batch) before a move touches it;
//   - every mailbox alone at its best rate (route latency + its per-item delays + the load of
//     its most loaded resource ÷ that capacity, or its TCP window cap);
//   - the thread limit and each throttle: total per-move time ÷ the moves allowed at once;
//   then stretched over the move windows: under `cancel` work happens only in open time and a
//   move must fit in one window; under `finish` only starts need a window, and the work done
//   outside windows is bounded by the moves that can be running when a window ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "results.hpp"
#include "scenario.hpp"

namespace coexlab {

// What the final attempt of a request has to copy.
struct RequestWork {
  Bytes bytes{0};
  std::int64_t items = 0;
};

struct LowerBoundInput {
  const Scenario& scenario;
  const std::vector<Mailbox>& mailboxes;
  const std::vector<MoveRequest>& queue;  // as build_move_queue makes it
  // By queue index; empty: every mailbox whole. A mailbox that fails on an unreadable item
  // copies only what precedes it: run_lower_bound takes that from the recording.
  std::vector<RequestWork> work;
};

struct LowerBound {
  // The shortest possible duration; +infinity when the windows can never hold the work (under
  // `cancel`, a move longer than every window; or absolute windows that end too soon).
  double duration_s = 0;
  std::string
      binding;  // the term that gives it: a resource id, "mailbox ID", "migration/threads", ...
  bool finite() const;
};

// The bound for a migration whose first move starts at `first_start` (seconds from `start`).
// Without it (before a run: a scheduler may wait, so the first start is not known), only the
// terms that hold for any first start: resources, single mailboxes and threads, without
// windows or not_before (windows still make a `cancel` migration impossible when a move is
// longer than every window).
LowerBound migration_lower_bound(const LowerBoundInput& in, std::optional<Seconds> first_start);

// The input for a finished run: a failed mailbox's final attempt counted by the bytes it
// copied and the items that certainly preceded its unreadable one.
LowerBoundInput lower_bound_input(const RunData& run);

// The bound on a finished run's duration_s: from its first move's start, counting a failed
// mailbox's final attempt by the bytes it copied. nullopt when no move started or the bound
// is infinite. It bounds duration_s whenever the run ended before the horizon; a run cut by
// the horizon records a truncated duration, and the bound is what a complete run needs.
std::optional<double> run_lower_bound(const RunData& run);

}  // namespace coexlab
