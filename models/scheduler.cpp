#include "scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "portfolio.hpp"

namespace coexlab {
namespace {

const MoveRequest& request(const SchedulerContext& ctx, int q) {
  return (*ctx.queue)[static_cast<size_t>(q)];
}

double size_of(const SchedulerContext& ctx, int q) {
  return (*ctx.mailboxes)[static_cast<size_t>(request(ctx, q).mailbox)].size.value;
}

const MoveEstimator& estimates(const SchedulerContext& ctx, std::string_view scheduler) {
  if (!ctx.estimates) {
    throw std::logic_error(std::string(scheduler) + " needs SchedulerContext::estimates");
  }
  return *ctx.estimates;
}

// The eligible request with the least key; the first in queue order among equals (eligible
// is in queue order and only a strictly better key replaces the best).
template <class Key>
std::optional<int> first_minimum(std::span<const int> eligible, Key key) {
  if (eligible.empty()) return std::nullopt;
  int best = eligible.front();
  auto best_key = key(best);
  for (int q : eligible.subspan(1)) {
    auto k = key(q);
    if (k < best_key) {
      best = q;
      best_key = std::move(k);
    }
  }
  return best;
}

// fifo: the queue in order (batches in file order, mailboxes in generation order).
// Weakness: ignores sizes, so one huge mailbox last can stretch the makespan.
class FifoScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "fifo"; }
  std::optional<int> pick(const SchedulerContext&, std::span<const int> eligible) override {
    if (eligible.empty()) return std::nullopt;
    return eligible.front();
  }
  std::size_t eligible_prefix() const override { return 1; }
};

// largest_first (LPT): the largest eligible mailbox first, ties by queue order. Classic
// makespan heuristic for parallel machines (Graham: within 4/3 of optimal for identical
// threads). Weakness: size is bytes, but item counts often dominate move time.
class LargestFirstScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "largest_first"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    return first_minimum(eligible, [&ctx](int q) { return -size_of(ctx, q); });
  }
};

// smallest_first (SPT): the smallest eligible mailbox first, ties by queue order. Shortest
// processing time first minimises the mean completion time: most users are back online
// early and a window's end cuts few moves short. Weakness: the largest mailboxes all come
// last, so the makespan has a long tail (the opposite of LPT); size is bytes, not time.
class SmallestFirstScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "smallest_first"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    return first_minimum(eligible, [&ctx](int q) { return size_of(ctx, q); });
  }
};

// round_robin_source: spread the moves over the source databases. Picks the eligible request
// whose source database has the fewest moves in flight; among those, the database served
// least recently (never served first); ties by queue order. Idea: a 2003 database's disk is
// the usual choke point, and several moves from one database compete for it while other
// databases idle. Weakness: databases are not disks — two databases on one slow server
// still share its spindles (bottleneck_aware sees that); and it ignores sizes, so the
// makespan tail is as fifo's.
class RoundRobinSourceScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "round_robin_source"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    std::map<std::pair<int, int>, int> running;
    for (int q : ctx.in_flight) ++running[database_of(ctx, q)];
    const auto key = [&](int q) {
      const auto db = database_of(ctx, q);
      const auto r = running.find(db);
      const auto s = last_served_.find(db);
      return std::make_pair(r == running.end() ? 0 : r->second,
                            s == last_served_.end() ? -1 : s->second);
    };
    const std::optional<int> best = first_minimum(eligible, key);
    if (best) last_served_[database_of(ctx, *best)] = ++picks_;
    return best;
  }

 private:
  static std::pair<int, int> database_of(const SchedulerContext& ctx, int q) {
    const MoveRequest& r = request(ctx, q);
    return {r.source_server, r.source_database};
  }
  std::map<std::pair<int, int>, std::int64_t> last_served_;  // database -> pick number
  std::int64_t picks_ = 0;
};

// bottleneck_aware: keep the binding resource busy, put the other moves where capacity is
// idle. The *binding* resource is the rate resource (disk, NIC, LAN, WAN link, per direction)
// with the most work left: the bytes of the requests not started yet that cross it (times
// their crossings) / its capacity, in seconds. A request *has room* when no resource on its
// path would exceed its capacity with it added to the in-flight moves' demand (each move's
// predicted rate alone times its crossings). Requests with room come first, and among them
// those that ask most of the binding resource (in steps of 5 % of its capacity, so that
// near-equal demands tie), then the longest predicted move (LPT on time); without room, the
// request whose path's most loaded resource, with it added, is least loaded. Ties: queue
// order. So the binding resource fills up first and the remaining threads go where capacity
// is idle; when nothing binds it is LPT on predicted time.
// This is the in-run, greedy form of the lower bound: the analysis issue's bound names the
// resource that binds the whole migration from the same work / capacity sums, and may refine
// this one (page I/O, windows, waves, the threads themselves).
// Weakness: demands are predicted alone (contention, backups and users ignored), the work
// left counts bytes only (not per-item page I/O), and it is greedy: no look-ahead at
// throttles or not_before waves.
class BottleneckAwareScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "bottleneck_aware"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    if (eligible.empty()) return std::nullopt;
    const MoveEstimator& est = estimates(ctx, name());
    const auto& resources = est.resources();
    if (started_.empty()) {
      started_.assign(ctx.queue->size(), false);
      work_.assign(resources.size(), 0.0);
      for (const MoveRequest& r : *ctx.queue) count_work(ctx, est, r.queue_index, +1);
    }
    for (int q : eligible) {
      if (started_[size_t(q)]) {  // back in the queue after a cancelled attempt
        started_[size_t(q)] = false;
        count_work(ctx, est, q, +1);
      }
    }
    load_.assign(resources.size(), 0.0);
    for (int q : ctx.in_flight) {
      for (const PathCrossing& c : est.path_of(q).flow)
        load_[size_t(c.resource)] += demand(est, q, c);
    }
    const auto binding =
        static_cast<int>(std::max_element(work_.begin(), work_.end()) - work_.begin());
    const std::optional<int> best = first_minimum(eligible, [&](int q) {
      double worst_after = 0;
      double on_binding = 0;
      for (const PathCrossing& c : est.path_of(q).flow) {
        const double d = demand(est, q, c);
        worst_after = std::max(worst_after, load_[size_t(c.resource)] + d);
        if (c.resource == binding) on_binding = d;
      }
      const double longest_first = -est.predicted_duration(q).value;
      if (worst_after <= 1 + 1e-9)
        return std::make_tuple(0, -std::round(on_binding * 20), longest_first);
      return std::make_tuple(1, worst_after, longest_first);
    });
    started_[size_t(*best)] = true;
    count_work(ctx, est, *best, -1);
    return best;
  }

 private:
  // What a move asks of a resource on its path, as a share of its capacity.
  static double demand(const MoveEstimator& est, int q, const PathCrossing& c) {
    return est.predicted_rate(q).value * c.crossings /
           est.resources()[size_t(c.resource)].capacity.value;
  }
  void count_work(const SchedulerContext& ctx, const MoveEstimator& est, int q, int sign) {
    const double bytes = size_of(ctx, q);
    for (const PathCrossing& c : est.path_of(q).flow) {
      work_[size_t(c.resource)] +=
          sign * bytes * c.crossings / est.resources()[size_t(c.resource)].capacity.value;
    }
  }

  std::vector<bool> started_;  // by queue index: picked and not back in the queue
  std::vector<double> work_;   // seconds of work left per resource (requests not started)
  std::vector<double> load_;   // in-flight demand per resource, scratch
};

// window_fit: never start a move predicted to end after the open window closes. Takes the
// first eligible request in queue order whose predicted duration (alone on the platform,
// models/move_estimate.hpp) fits before the window's end; when none fits, waits (for a move
// to end, or the next window). A move longer than every window still ahead can never fit: it
// starts when nothing else can, in queue order, so that the migration can finish (with
// on_window_end: cancel it will be cancelled — the windows are too short for it).
// Result: no cancelled attempt and no window overrun as long as the predictions hold, at the
// price of threads idling at the end of each window. Weakness: predictions ignore contention
// (other moves, backups, users), so with several threads on a shared bottleneck a move
// predicted to fit can still overrun or be cancelled.
class WindowFitScheduler final : public MoveScheduler {
 public:
  std::string_view name() const override { return "window_fit"; }
  std::optional<int> pick(const SchedulerContext& ctx, std::span<const int> eligible) override {
    const MoveEstimator& est = estimates(ctx, name());
    if (eligible.empty()) return std::nullopt;
    if (!ctx.window) return eligible.front();  // no window open: nothing to fit into
    const double now = ctx.now.value;
    const double end = ctx.window->to.value;
    for (int q : eligible) {
      if (now + est.predicted_duration(q).value <= end) return q;
    }
    // The longest time any window from now on offers (the open one: what is left of it).
    double longest = end - now;
    for (const Interval& w : ctx.windows) {
      if (w.to.value > now) longest = std::max(longest, w.to.value - std::max(w.from.value, now));
    }
    for (int q : eligible) {
      if (est.predicted_duration(q).value > longest) return q;
    }
    return std::nullopt;
  }
};

}  // namespace

// One line per scheduler: its name, a one-line summary, how to make one.
const std::vector<SchedulerInfo>& scheduler_registry() {
  static const std::vector<SchedulerInfo> registry{
      {"fifo", "the queue in order", [] { return std::make_unique<FifoScheduler>(); }},
      {"largest_first", "largest mailbox first (LPT)",
       [] { return std::make_unique<LargestFirstScheduler>(); }},
      {"smallest_first", "smallest mailbox first (SPT)",
       [] { return std::make_unique<SmallestFirstScheduler>(); }},
      {"round_robin_source",
       "the source database with the fewest moves running, least recently served",
       [] { return std::make_unique<RoundRobinSourceScheduler>(); }},
      {"bottleneck_aware",
       "keep the resource with the most work left busy, the rest where capacity is idle",
       [] { return std::make_unique<BottleneckAwareScheduler>(); }},
      {"window_fit", "only moves predicted to end before the open window closes",
       [] { return std::make_unique<WindowFitScheduler>(); }},
      {"portfolio",
       "replays the plan under each scheduler above, then follows the one that ends first",
       [] { return make_portfolio_scheduler(); }},
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
