#include "plan_replay.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dispatcher.hpp"

namespace coexlab {
namespace {

// Every database mounted, room everywhere, no throughput history: the plan before any move.
class IdleView final : public ResourceView {
 public:
  Bytes log_space_left(int) const override { return Bytes{std::numeric_limits<double>::max()}; }
  BytesPerSecond recent_throughput_source(int) const override { return BytesPerSecond{0}; }
  BytesPerSecond recent_throughput_target(int) const override { return BytesPerSecond{0}; }
  bool mounted(int) const override { return true; }
};

struct Running {
  int q = 0;
  double left = 0;      // seconds of progress at its speed alone still to make
  double deadline = 0;  // with on_window_end: cancel, the end of the window it started in
};

// Each running move's speed, as a share of its speed alone: the fixed point of Schweitzer's
// approximate mean value analysis over the moves running now. q(j, r), the share of its time
// move j spends at resource r, is d(j, r) (1 + the others' q at r) / stretch(j); stretch(i)
// = 1 + max over r of d(i, r) x the others' q at r. Starting from q = d, the first step is
// 1 + d (L - d); a few steps settle it (k moves that only transfer over one resource: k).
template <class DemandOf>
std::vector<double> speeds(const std::vector<Running>& running, const DemandOf& demand_of,
                           std::vector<double>& queued) {
  std::vector<std::vector<double>> q(running.size());
  for (size_t i = 0; i < running.size(); ++i) {
    for (const auto& entry : demand_of(running[i].q)) q[i].push_back(entry.second);
  }
  std::vector<double> stretch(running.size(), 1.0);
  for (int step = 0; step < 12; ++step) {
    std::fill(queued.begin(), queued.end(), 0.0);
    for (size_t i = 0; i < running.size(); ++i) {
      const auto& d = demand_of(running[i].q);
      for (size_t k = 0; k < d.size(); ++k) queued[size_t(d[k].first)] += q[i][k];
    }
    for (size_t i = 0; i < running.size(); ++i) {
      const auto& d = demand_of(running[i].q);
      double worst = 0;
      for (size_t k = 0; k < d.size(); ++k)
        worst = std::max(worst, d[k].second * (queued[size_t(d[k].first)] - q[i][k]));
      stretch[i] = 1 + worst;
    }
    for (size_t i = 0; i < running.size(); ++i) {
      const auto& d = demand_of(running[i].q);
      for (size_t k = 0; k < d.size(); ++k) {
        const double others = queued[size_t(d[k].first)] - q[i][k];
        q[i][k] = d[k].second * (1 + others) / stretch[i];
      }
    }
  }
  std::vector<double> speed(running.size());
  for (size_t i = 0; i < running.size(); ++i) speed[i] = 1 / stretch[i];
  return speed;
}

}  // namespace

std::optional<ReplayOutcome> replay_plan(const SchedulerContext& ctx,
                                         std::unique_ptr<MoveScheduler> scheduler) {
  if (!ctx.queue || !ctx.mailboxes || !ctx.estimates || !ctx.scenario || !ctx.cost)
    throw std::logic_error("replay_plan needs the queue, the estimates and the scenario");
  const MoveEstimator& est = *ctx.estimates;
  const std::vector<Interval> windows(ctx.windows.begin(), ctx.windows.end());
  MoveDispatcher dispatcher(*ctx.scenario, *ctx.cost, *ctx.mailboxes, *ctx.queue, windows,
                            std::move(scheduler), &est);
  const IdleView view;
  const bool cancel = ctx.scenario->migration.on_window_end == WindowEndPolicy::cancel;
  const auto& resources = est.resources();
  // By queue index, once asked: the shares of capacity a move takes alone, per resource.
  std::vector<std::vector<std::pair<int, double>>> demand(ctx.queue->size());
  std::vector<bool> known(ctx.queue->size(), false);
  const auto demand_of = [&](int q) -> const std::vector<std::pair<int, double>>& {
    auto& d = demand[size_t(q)];
    if (!known[size_t(q)]) {
      known[size_t(q)] = true;
      const double seconds = est.predicted_duration(q).value;
      for (const auto& [r, bytes] : est.resource_bytes(q)) {
        const double capacity = resources[size_t(r)].capacity.value;
        const double share = seconds > 0 && capacity > 0 ? bytes.value / seconds / capacity : 0;
        auto same =
            std::find_if(d.begin(), d.end(), [r = r](const auto& e) { return e.first == r; });
        if (same == d.end())
          d.emplace_back(r, share);
        else
          same->second += share;
      }
    }
    return d;
  };
  std::vector<double> queued(resources.size(), 0.0);

  std::vector<Running> running;
  double now = ctx.now.value;
  ReplayOutcome outcome{Seconds{now}, 0};
  const int threads = std::max(1, ctx.threads);
  // Each round starts a move, ends or cancels one, or reaches a wake-up time: a bound far
  // above what a plan that finishes needs.
  const size_t rounds = 16 * ctx.queue->size() + 16 * windows.size() + 64;
  for (size_t round = 0; round < rounds; ++round) {
    std::optional<Seconds> wake;
    while (int(running.size()) < threads) {
      const DispatchDecision d = dispatcher.decide(Seconds{now}, view);
      if (!d.start) {
        wake = d.wake_at;
        break;
      }
      dispatcher.take(*d.start);
      const std::optional<Interval> w = window_at_or_after(windows, Seconds{now});
      const double deadline = cancel && w ? w->to.value : std::numeric_limits<double>::infinity();
      running.push_back({*d.start, est.predicted_duration(*d.start).value, deadline});
    }
    if (running.empty()) {
      if (dispatcher.done()) return outcome;
      if (!wake || wake->value <= now) return std::nullopt;  // nothing can start again
      now = wake->value;
      continue;
    }
    const std::vector<double> speed = speeds(running, demand_of, queued);
    double step = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < running.size(); ++i) {
      step = std::min({step, running[i].left / speed[i], running[i].deadline - now});
    }
    // A free thread may find work at the wake-up time (a window opens, a not_before passes).
    if (wake && wake->value > now && int(running.size()) < threads)
      step = std::min(step, wake->value - now);
    step = std::max(step, 0.0);
    now += step;
    std::vector<Running> still;
    for (size_t i = 0; i < running.size(); ++i) {
      Running& r = running[i];
      r.left -= step * speed[i];
      if (r.left <= 1e-9 * std::max(1.0, est.predicted_duration(r.q).value)) {
        dispatcher.release(r.q);
        outcome.end = Seconds{now};
      } else if (now >= r.deadline) {  // cancelled at its window's end: its progress is lost
        dispatcher.release(r.q);
        dispatcher.requeue(r.q, Seconds{now});
        outcome.end = Seconds{now};
        ++outcome.cancelled;
      } else {
        still.push_back(r);
      }
    }
    running.swap(still);
  }
  return std::nullopt;
}

}  // namespace coexlab
