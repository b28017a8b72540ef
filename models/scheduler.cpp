#include "scheduler.hpp"

#include <algorithm>

namespace coexlab {
namespace {

// fifo: the queue in order (batches in file order, mailboxes in generation order).
// Weakness: ignores sizes, so one huge mailbox last can stretch the makespan.
class FifoScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "fifo"; }
  std::optional<int> pick(const SchedulerContext&, std::span<const int> eligible) override {
    if (eligible.empty()) return std::nullopt;
    return eligible.front();
  }
};

// largest_first (LPT): the largest eligible mailbox first, ties by queue order. Classic
// makespan heuristic for parallel machines (Graham: within 4/3 of optimal for identical
// threads). Weakness: size is bytes, but item counts often dominate move time.
class LargestFirstScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "largest_first"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    if (eligible.empty()) return std::nullopt;
    int best = eligible.front();
    for (int q : eligible) {
      if (size_of(ctx, q) > size_of(ctx, best)) best = q;  // strict: keeps queue order on ties
    }
    return best;
  }

 private:
  static double size_of(const SchedulerContext& ctx, int q) {
    const MoveRequest& r = (*ctx.queue)[static_cast<size_t>(q)];
    return (*ctx.mailboxes)[static_cast<size_t>(r.mailbox)].size.value;
  }
};

}  // namespace

const std::vector<SchedulerInfo>& scheduler_registry() {
  static const std::vector<SchedulerInfo> registry{
      {"fifo", "the queue in order", [] { return std::make_unique<FifoScheduler>(); }},
      {"largest_first", "largest mailbox first (LPT)",
       [] { return std::make_unique<LargestFirstScheduler>(); }},
  };
  return registry;
}

std::unique_ptr<MoveScheduler> make_scheduler(std::string_view name) {
  for (const SchedulerInfo& s : scheduler_registry()) {
    if (s.name == name) return s.make();
  }
  return nullptr;
}

std::vector<std::string_view> scheduler_names() {
  std::vector<std::string_view> names;
  for (const SchedulerInfo& s : scheduler_registry()) names.push_back(s.name);
  return names;
}

}  // namespace coexlab
