// The move-scheduling seam: a MoveScheduler decides which queued mailbox starts next on a
// free mover thread (or to wait); the simulator decides how a move is simulated. No
// scheduler touches SimGrid. Registering one is a class and a line in scheduler.cpp
// (README: "Writing a scheduler"). The MRS-style throttles are not the scheduler's
// business: the simulator leaves throttled requests out of `eligible` whatever it decides.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailboxes.hpp"
#include "move_estimate.hpp"
#include "scenario.hpp"
#include "windows.hpp"

namespace coexlab {

// Live per-server state a scheduler may query (the simulator implements it from what it
// tracks; tests implement it by hand). Servers are indices into Scenario::servers.
class ResourceView {
 public:
  virtual ~ResourceView() = default;
  // Room left on the server's log disk before it fills and dismounts the databases
  // (capacity - logs not yet truncated); infinite with circular logging.
  virtual Bytes log_space_left(int server) const = 0;
  // Bytes/s that moves read from (source) or wrote to (target) this server's databases over
  // the recent past: the bytes of the chunks that completed in (now - W, now], divided by W,
  // with W = simulation.sample_interval.
  virtual BytesPerSecond recent_throughput_source(int server) const = 0;
  virtual BytesPerSecond recent_throughput_target(int server) const = 0;
  // False while a full log disk keeps the server's databases dismounted.
  virtual bool mounted(int server) const = 0;
};

// What a scheduler may look at when a thread is free.
struct SchedulerContext {
  Seconds now{0};
  std::optional<Interval> window;     // the open window (nullopt: none open now)
  std::span<const Interval> windows;  // every window of the run, sorted (window is one)
  const std::vector<MoveRequest>* queue = nullptr;  // every request, by queue_index
  const std::vector<Mailbox>* mailboxes = nullptr;  // by MoveRequest::mailbox
  std::span<const int> in_flight;                   // queue indices of the moves running now
  int threads = 1;                                  // the mover's threads (max_threads)
  const ResourceView* resources = nullptr;          // live per-server state
  const MoveEstimator* estimates = nullptr;         // paths and predicted durations, alone
  const Scenario* scenario = nullptr;               // the scenario and cost model the run uses
  const CostModel* cost = nullptr;                  // (a scheduler that replays the plan)
};

class MoveScheduler {
 public:
  virtual ~MoveScheduler() = default;
  virtual std::string_view name() const = 0;
  // `eligible`: queue indices that may start now (window open, not_before passed, throttles
  // allow, databases mounted), never empty, in queue order. Returns one of them, or nullopt
  // to wait: the thread asks again when a move ends, a database remounts, a not_before
  // passes or the open window ends. A scheduler object serves one run and may keep state.
  virtual std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) = 0;
  // How many eligible requests, from the front, pick() ever looks at (fifo: one): the
  // simulator may stop listing them there, instead of scanning the whole queue per decision.
  virtual std::size_t eligible_prefix() const { return std::numeric_limits<std::size_t>::max(); }
};

struct SchedulerInfo {
  std::string_view name;
  std::string_view summary;  // its idea in a line (the JSON Schema's help on migration.scheduler)
  std::function<std::unique_ptr<MoveScheduler>()> make;
};

const std::vector<SchedulerInfo>& scheduler_registry();
std::unique_ptr<MoveScheduler> make_scheduler(std::string_view name);  // nullptr if unknown
std::vector<std::string_view> scheduler_names();

}  // namespace coexlab
