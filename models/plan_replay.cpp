#include "plan_replay.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dispatcher.hpp"
#include "max_min.hpp"
#include "move_cost.hpp"

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

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A running move, where it is in its chunk plan.
struct Running {
  Running(int queue_index, const ChunkPlan& chunk_plan) : q(queue_index), plan(chunk_plan) {}
  int q = 0;
  ChunkPlan plan;
  std::int64_t chunk = 0;            // the chunk under way
  double delay_left = 0;             // its RPC delay still to wait (the first: route latency too)
  bool transferring = false;         // past the delay: its flows and CPU work under way
  std::vector<FairFlow> flows;       // this chunk's, while transferring
  std::vector<double> delay_factor;  // the attempt's spread of RPC delay (the simulator's)
  double deadline = kInfinity;       // with on_window_end: cancel, the end of its window
};

// The rate resources the moves share: the estimator's (disks, NICs, links), then one CPU per
// server, `cores x clock` cycles per second, on which one activity runs at most at one core's
// clock (SimGrid's CPU model; the predictor's min(1, cores / activities) share when alone).
class SharedResources {
 public:
  SharedResources(const MoveEstimator& est, const Scenario& s) : capacity_(est.capacities()) {
    cpu_.reserve(s.servers.size());
    for (const Server& server : s.servers) {
      cpu_.push_back({{int(capacity_.size()), 1}});
      capacity_.push_back(server.hardware.cores * server.hardware.clock.value);
    }
  }
  const std::vector<double>& capacity() const { return capacity_; }
  const std::vector<PathCrossing>* cpu(int server) const { return &cpu_[size_t(server)]; }

 private:
  std::vector<double> capacity_;
  std::vector<std::vector<PathCrossing>> cpu_;  // by server: its CPU, crossed once
};

}  // namespace

std::optional<ReplayOutcome> replay_plan(const SchedulerContext& ctx,
                                         std::unique_ptr<MoveScheduler> scheduler) {
  if (!ctx.queue || !ctx.mailboxes || !ctx.estimates || !ctx.scenario || !ctx.cost)
    throw std::logic_error("replay_plan needs the queue, the estimates and the scenario");
  const MoveEstimator& est = *ctx.estimates;
  const CostModel& cost = *ctx.cost;
  const Scenario& s = *ctx.scenario;
  const std::vector<Interval> windows(ctx.windows.begin(), ctx.windows.end());
  MoveDispatcher dispatcher(s, cost, *ctx.mailboxes, *ctx.queue, windows, std::move(scheduler),
                            &est);
  const IdleView view;
  const bool cancel = s.migration.on_window_end == WindowEndPolicy::cancel;
  const SharedResources shared(est, s);
  const auto mailbox_of = [&](int q) -> const Mailbox& {
    return (*ctx.mailboxes)[size_t((*ctx.queue)[size_t(q)].mailbox)];
  };
  const auto chunk_delay = [&](const Running& r) {
    return chunk_rpc_delay(r.plan.items(r.chunk), per_item_time(cost, est.path_of(r.q).rtt_sum),
                           r.delay_factor, r.chunk);
  };
  // Past its delay, the chunk's flows and CPU work start; a chunk whose work is all done moves
  // on to the next. True when the move has ended.
  const auto settle = [&](Running& r) {
    while (true) {
      if (!r.transferring) {
        if (r.delay_left > 0) return false;
        const MovePath& path = est.path_of(r.q);
        const double bytes = r.plan.bytes(r.chunk);
        const std::int64_t items = r.plan.items(r.chunk);
        r.flows.clear();
        est.chunk_flows(path, bytes, items, r.flows);
        if (const double cycles = chunk_cycles(cost, bytes, items); cycles >= 1) {
          for (int server : {path.source_server, path.mover, path.target_server}) {
            const double clock = s.servers[size_t(server)].hardware.clock.value;
            r.flows.push_back({cycles, shared.cpu(server), clock});
          }
        }
        r.transferring = true;
      }
      if (std::any_of(r.flows.begin(), r.flows.end(),
                      [](const FairFlow& f) { return f.remaining > 0; }))
        return false;
      r.transferring = false;
      if (++r.chunk == r.plan.count()) return true;
      r.delay_left = chunk_delay(r);
    }
  };

  // Each round starts moves, or ends a delay, a flow, a move or a window, or reaches a
  // wake-up time: a chunk's flows (at most six) end in as many rounds. A bound far above what
  // a plan that finishes needs.
  double chunks = 0;
  for (const MoveRequest& r : *ctx.queue) {
    const Mailbox& m = (*ctx.mailboxes)[size_t(r.mailbox)];
    chunks += double(ChunkPlan(cost, m.size, m.items).count());
  }
  const double rounds = 16 * (8 * chunks + double(ctx.queue->size()) + double(windows.size())) + 64;

  std::vector<int> attempts(ctx.queue->size(), 0);  // by queue index
  MaxMinSolver solver;
  std::vector<FairFlow> all;  // every transferring move's flows, solved together
  std::vector<Running> running;
  double now = ctx.now.value;
  ReplayOutcome outcome{Seconds{now}, 0};
  const int threads = std::max(1, ctx.threads);
  // The dispatcher's answer changes only when a move ends or its wake-up time comes: between
  // those a free thread need not ask again.
  bool ask = true;
  double wake = kInfinity;  // when a free thread asks again at the latest (+inf: never)
  for (double round = 0; round < rounds; ++round) {
    if (wake <= now) ask = true;
    while (ask && int(running.size()) < threads) {
      const DispatchDecision d = dispatcher.decide(Seconds{now}, view);
      wake = kInfinity;
      if (!d.start) {
        if (d.wake_at) wake = d.wake_at->value;
        ask = false;
        break;
      }
      dispatcher.take(*d.start);
      const std::optional<Interval> w = window_at_or_after(windows, Seconds{now});
      const Mailbox& m = mailbox_of(*d.start);
      Running r(*d.start, ChunkPlan(cost, m.size, m.items));
      r.delay_factor = attempt_delay_factors(cost, r.plan, s.seed, m.id, ++attempts[size_t(r.q)]);
      r.delay_left = est.path_of(r.q).setup_latency.value + chunk_delay(r);
      r.deadline = cancel && w ? w->to.value : kInfinity;
      if (settle(r)) {  // nothing to move: done at once
        dispatcher.release(r.q);
        outcome.end = Seconds{now};
        continue;
      }
      running.push_back(std::move(r));
    }
    if (running.empty()) {
      if (dispatcher.done()) return outcome;
      if (wake <= now || !(wake < kInfinity)) return std::nullopt;  // nothing can start again
      now = wake;
      ask = true;
      continue;
    }

    all.clear();
    for (const Running& r : running) {
      if (r.transferring) all.insert(all.end(), r.flows.begin(), r.flows.end());
    }
    solver.solve(all, shared.capacity());
    double step = kInfinity;
    size_t next = 0;
    for (Running& r : running) {
      step = std::min(step, r.deadline - now);
      if (!r.transferring) {
        step = std::min(step, r.delay_left);
        continue;
      }
      for (FairFlow& f : r.flows) {
        f.rate = all[next++].rate;
        if (f.remaining > 0 && f.rate > 0) step = std::min(step, f.remaining / f.rate);
      }
    }
    // A free thread may find work at the wake-up time (a window opens, a not_before passes).
    if (wake > now && int(running.size()) < threads) step = std::min(step, wake - now);
    if (!(step < kInfinity)) return std::nullopt;  // a flow over a resource of no capacity
    step = std::max(step, 0.0);
    now += step;

    std::vector<Running> still;
    still.reserve(running.size());
    for (Running& r : running) {
      if (r.transferring) {
        for (FairFlow& f : r.flows) {
          if (f.remaining <= 0) continue;
          f.remaining -= f.rate * step;
          // The flow that set the step is done (up to rounding, relative to what it had left).
          if (f.remaining <= f.rate * step * 1e-12) f.remaining = 0;
        }
      } else {
        r.delay_left = r.delay_left - step <= 1e-12 * step ? 0 : r.delay_left - step;
      }
      if (settle(r)) {
        dispatcher.release(r.q);
        outcome.end = Seconds{now};
        ask = true;
      } else if (now >= r.deadline) {  // cancelled at its window's end: its progress is lost
        dispatcher.release(r.q);
        dispatcher.requeue(r.q, Seconds{now});
        outcome.end = Seconds{now};
        ++outcome.cancelled;
        ask = true;
      } else {
        still.push_back(std::move(r));
      }
    }
    running.swap(still);
  }
  return std::nullopt;
}

}  // namespace coexlab
