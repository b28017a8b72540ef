#include "portfolio.hpp"

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "plan_replay.hpp"

namespace coexlab {
namespace {

// portfolio: at its first decision, replays the whole plan under every other built-in
// scheduler (models/plan_replay.hpp: the real dispatcher, moves slowed by the resources they
// share) and from then on decides as the one whose replay ends first; at the same end the one
// with fewer cancelled attempts, then the earlier in the registry. Idea: no single rule wins
// everywhere (LPT on a makespan trap, spreading the sources on a slow disk, bytes against items on
// a WAN), but a cheap replay tells them apart. The candidates' own ties stay by queue order, and
// the replay is deterministic, so runs stay byte-identical. Weakness: the replay ignores what the
// fluid model leaves out (users, backups, log space, cancels), and the choice is made once, at the
// start.
class PortfolioScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "portfolio"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    if (!chosen_) choose(ctx);
    return chosen_->pick(ctx, eligible);
  }
  std::size_t eligible_prefix() const override {
    return chosen_ ? chosen_->eligible_prefix() : std::numeric_limits<std::size_t>::max();
  }

 private:
  void choose(const SchedulerContext& ctx) {
    std::optional<ReplayOutcome> best;
    const SchedulerInfo* winner = nullptr;
    for (const SchedulerInfo& candidate : scheduler_registry()) {
      if (candidate.name == name()) continue;
      const std::optional<ReplayOutcome> outcome = replay_plan(ctx, candidate.make());
      // The earlier end; at the same end the fewer cancelled attempts (less lost work, less
      // downtime); then registry order. A replay that cannot finish wins nothing.
      const bool better =
          outcome &&
          (!best || outcome->end.value < best->end.value ||
           (outcome->end.value == best->end.value && outcome->cancelled < best->cancelled));
      if (!winner || better) {
        if (outcome) best = outcome;
        winner = &candidate;
      }
    }
    if (!winner) throw std::logic_error("portfolio: no candidate scheduler");
    chosen_ = winner->make();
  }

  std::unique_ptr<MoveScheduler> chosen_;
};

}  // namespace

std::unique_ptr<MoveScheduler> make_portfolio_scheduler() {
  return std::make_unique<PortfolioScheduler>();
}

}  // namespace coexlab
