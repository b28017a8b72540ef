// The move-scheduling seam: a MoveScheduler decides which queued mailbox starts next on a
// free mover thread (or to wait); the simulator decides how a move is simulated. No
// scheduler touches SimGrid. Registering one is a class and a line in scheduler.cpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailboxes.hpp"
#include "scenario.hpp"
#include "windows.hpp"

namespace coexlab {

// What a scheduler may look at when a thread is free.
struct SchedulerContext {
  Seconds now{0};
  std::optional<Interval> window;          // the open window (nullopt: none open now)
  const std::vector<MoveRequest>* queue = nullptr;  // every request, by queue_index
  const std::vector<Mailbox>* mailboxes = nullptr;  // by MoveRequest::mailbox
  std::span<const int> in_flight;          // queue indices of the moves running now
};

class MoveScheduler {
 public:
  virtual ~MoveScheduler() = default;
  virtual std::string_view name() const = 0;
  // `eligible`: queue indices that may start now (window open, not_before passed, throttles
  // allow, databases mounted), in queue order. Returns one of them, or nullopt to wait.
  virtual std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) = 0;
};

struct SchedulerInfo {
  std::string_view name;
  std::string_view summary;
  std::function<std::unique_ptr<MoveScheduler>()> make;
};

const std::vector<SchedulerInfo>& scheduler_registry();
std::unique_ptr<MoveScheduler> make_scheduler(std::string_view name);  // nullptr if unknown
std::vector<std::string_view> scheduler_names();

}  // namespace coexlab
