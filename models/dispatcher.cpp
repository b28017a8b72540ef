#include "dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace coexlab {

namespace {
void wake_no_later(DispatchDecision& d, Seconds t) {
  if (!d.wake_at || t.value < d.wake_at->value) d.wake_at = t;
}
}  // namespace

MoveDispatcher::MoveDispatcher(const Scenario& s, const CostModel& cost,
                               const std::vector<Mailbox>& mailboxes,
                               const std::vector<MoveRequest>& queue,
                               const std::vector<Interval>& windows,
                               std::unique_ptr<MoveScheduler> scheduler,
                               const MoveEstimator* estimator)
    : s_(s),
      cost_(cost),
      mailboxes_(mailboxes),
      queue_(queue),
      windows_(windows),
      scheduler_(scheduler ? std::move(scheduler) : make_scheduler(s.migration.scheduler)),
      estimator_(estimator) {
  if (!estimator_) estimator_ = &own_estimator_.emplace(s, cost, mailboxes, queue);
  if (!scheduler_) throw std::invalid_argument("unknown scheduler " + s.migration.scheduler);
  queued_at_s_.assign(queue.size(), Seconds{0});
  for (const MoveRequest& r : queue) {
    (r.not_before.value > 0 ? future_ : pending_).push_back(r.queue_index);
    queued_at_s_[size_t(r.queue_index)] = Seconds{std::max(0.0, r.not_before.value)};
  }
  std::stable_sort(future_.begin(), future_.end(), [&queue](int a, int b) {
    return queue[size_t(a)].not_before.value < queue[size_t(b)].not_before.value;
  });
  for (const Server& sv : s.servers) {
    db_in_flight_src_.emplace_back(sv.databases.size(), 0);
    db_in_flight_tgt_.emplace_back(sv.databases.size(), 0);
  }
  srv_in_flight_src_.assign(s.servers.size(), 0);
  srv_in_flight_tgt_.assign(s.servers.size(), 0);
}

bool MoveDispatcher::throttled(const MoveRequest& r) const {
  const Throttles& t = s_.migration.throttles;
  const auto over = [](const std::optional<int>& limit, int n) { return limit && n >= *limit; };
  // A store serves at most store_rpc_concurrency RPC requests at once; each move holds one
  // on its source and one on its target.
  if (cost_.store_rpc_concurrency > 0) {
    for (int server : {r.source_server, r.target_server}) {
      if (srv_in_flight_src_[size_t(server)] + srv_in_flight_tgt_[size_t(server)] >=
          cost_.store_rpc_concurrency)
        return true;
    }
  }
  return over(t.per_source_database,
              db_in_flight_src_[size_t(r.source_server)][size_t(r.source_database)]) ||
         over(t.per_target_database,
              db_in_flight_tgt_[size_t(r.target_server)][size_t(r.target_database)]) ||
         over(t.per_source_server, srv_in_flight_src_[size_t(r.source_server)]) ||
         over(t.per_target_server, srv_in_flight_tgt_[size_t(r.target_server)]);
}

std::vector<int> MoveDispatcher::pending() const {
  std::vector<int> all = pending_;
  all.insert(all.end(), future_.begin() + std::ptrdiff_t(next_future_), future_.end());
  std::sort(all.begin(), all.end());
  return all;
}

void MoveDispatcher::release_due(Seconds now) {
  while (next_future_ < future_.size() &&
         queue_[size_t(future_[next_future_])].not_before.value <= now.value) {
    const int q = future_[next_future_++];
    pending_.insert(std::lower_bound(pending_.begin(), pending_.end(), q), q);
  }
}

DispatchDecision MoveDispatcher::decide(Seconds now, const ResourceView& resources) {
  DispatchDecision d;
  const auto window = window_at_or_after(windows_, now);
  if (!window) return d;  // no window before the horizon
  if (!window->contains(now)) {
    d.wake_at = window->from;
    return d;
  }
  release_due(now);
  // The requests not yet released all start after `now`: the earliest is a time to decide again.
  if (next_future_ < future_.size())
    wake_no_later(d, queue_[size_t(future_[next_future_])].not_before);
  eligible_.clear();
  // Listed up to what the scheduler looks at; the rest is scanned only if it waits.
  const size_t prefix = scheduler_->eligible_prefix();
  size_t k = 0;
  for (; k < pending_.size() && eligible_.size() < prefix; ++k) {
    const int q = pending_[k];
    const MoveRequest& r = queue_[size_t(q)];
    if (r.not_before.value > now.value) {
      wake_no_later(d, r.not_before);
      continue;
    }
    if (!resources.mounted(r.source_server) || !resources.mounted(r.target_server)) continue;
    if (throttled(r)) continue;
    eligible_.push_back(q);
  }
  if (eligible_.empty()) return d;
  SchedulerContext ctx;
  ctx.now = now;
  ctx.window = window;
  ctx.windows = windows_;
  ctx.queue = &queue_;
  ctx.mailboxes = &mailboxes_;
  ctx.in_flight = in_flight_;
  ctx.threads = s_.migration.max_threads;
  ctx.resources = &resources;
  ctx.estimates = estimator_;
  ctx.scenario = &s_;
  ctx.cost = &cost_;
  const auto asked = std::chrono::steady_clock::now();
  const std::optional<int> pick = scheduler_->pick(ctx, eligible_);
  scheduler_wall_ += std::chrono::steady_clock::now() - asked;
  if (pick) {
    d.start = *pick;
  } else {
    for (; k < pending_.size(); ++k) {
      const Seconds not_before = queue_[size_t(pending_[k])].not_before;
      if (not_before.value > now.value) wake_no_later(d, not_before);
    }
    // The scheduler waits: the end of the open window changes what it may start.
    wake_no_later(d, window->to);
  }
  return d;
}

void MoveDispatcher::take(int q) {
  pending_.erase(std::lower_bound(pending_.begin(), pending_.end(), q));
  in_flight_.push_back(q);
  count_in_flight(queue_[size_t(q)], +1);
}

void MoveDispatcher::release(int q) {
  in_flight_.erase(std::find(in_flight_.begin(), in_flight_.end(), q));
  count_in_flight(queue_[size_t(q)], -1);
}

void MoveDispatcher::requeue(int q, Seconds now) {
  // Back to its original place: pending is kept in queue order.
  pending_.insert(std::lower_bound(pending_.begin(), pending_.end(), q), q);
  queued_at_s_[size_t(q)] = now;
}

void MoveDispatcher::count_in_flight(const MoveRequest& r, int delta) {
  db_in_flight_src_[size_t(r.source_server)][size_t(r.source_database)] += delta;
  db_in_flight_tgt_[size_t(r.target_server)][size_t(r.target_database)] += delta;
  srv_in_flight_src_[size_t(r.source_server)] += delta;
  srv_in_flight_tgt_[size_t(r.target_server)] += delta;
}

}  // namespace coexlab
