#include "lower_bound.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>

#include "calendar.hpp"
#include "move_cost.hpp"
#include "move_estimate.hpp"
#include "windows.hpp"

namespace coexlab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kWeek = kMinutesPerWeek * 60.0;
// Past this the bound is reported as infinite: no migration is planned over a century.
constexpr double kLongestPlan = 100 * 365.25 * 86400.0;
// Each release threshold (a distinct first possible start) is a bound of its own; a few dozen
// are plenty, and skipping some only weakens the bound, never breaks it.
constexpr size_t kMaxThresholds = 64;

// Thrown when a walk over the windows runs past the expanded span: the caller expands further.
struct NeedMoreWindows {};

// The open intervals of the move windows, expanded past the scenario's horizon (the bound is on
// a complete migration) up to `until`, with the simulator's semantics: sorted, merged where
// they touch, a window contains t when from <= t < to.
class OpenTime {
 public:
  OpenTime(const Scenario& s, double until)
      : intervals_(expand_windows(s.migration.windows, s.start, Seconds{until})), until_(until) {
    bool recurring = s.migration.windows.empty();  // no windows: always open
    for (const Window& w : s.migration.windows) recurring = recurring || w.weekly;
    // Only absolute windows: none opens after the last one, and none is cut by `until`.
    complete_ = !recurring && (intervals_.empty() || intervals_.back().to.value < until_);
  }

  // Whether interval k exists; throws when it may exist beyond the expanded span.
  bool has(size_t k) const {
    if (k < intervals_.size()) return true;
    if (complete_) return false;
    throw NeedMoreWindows{};
  }
  const Interval& operator[](size_t k) const { return intervals_[k]; }

  // The first interval that ends after t (it contains t, or opens after it).
  size_t first_ending_after(double t) const {
    if (!complete_ && t >= until_) throw NeedMoreWindows{};
    return size_t(std::upper_bound(intervals_.begin(), intervals_.end(), t,
                                   [](double v, const Interval& i) { return v < i.to.value; }) -
                  intervals_.begin());
  }

  // The first instant at or after t at which a window is open; +inf when none opens again.
  double first_open(double t) const {
    const size_t k = first_ending_after(t);
    return has(k) ? std::max(t, intervals_[k].from.value) : kInf;
  }

  // How many windows end in (after, upto].
  std::int64_t ends_in(double after, double upto) const {
    if (!complete_ && upto >= until_) throw NeedMoreWindows{};
    std::int64_t n = 0;
    for (size_t k = first_ending_after(after);
         k < intervals_.size() && intervals_[k].to.value <= upto; ++k)
      ++n;
    return n;
  }

  // The longest stretch of open time that starts at or after t; +inf when the windows cover
  // all time from some point on. Needs two full weeks of expanded span after t, so that every
  // weekly pattern is seen whole (absolute windows are all inside the span, see span_for).
  double longest_from(double t) const {
    if (!complete_ && until_ - t < 2 * kWeek) throw NeedMoreWindows{};
    double longest = 0;
    for (size_t k = first_ending_after(t); k < intervals_.size(); ++k) {
      const Interval& i = intervals_[k];
      const double length = i.to.value - std::max(t, i.from.value);
      const bool cut_by_span = !complete_ && k + 1 == intervals_.size() && i.to.value >= until_;
      // A merged interval longer than a week that runs into the span's end is continuous
      // coverage (weekly windows that tile the week, or no windows at all): unbounded.
      if (cut_by_span && length >= kWeek) return kInf;
      // Otherwise a cut interval is one more instance of a weekly pattern already seen whole.
      if (!cut_by_span) longest = std::max(longest, length);
    }
    return longest;
  }

 private:
  std::vector<Interval> intervals_;
  double until_ = 0;
  bool complete_ = false;
};

// The earliest E at which `need` seconds of one resource's (or pool's) full capacity fit into
// [usable_from, E]: open time counts in full; closed time only under `finish`, and only up to
// overrun(K), what the moves running at the K window ends in (release, E) can carry (the
// proof is in docs/model.md). Under `cancel` (overrun null) closed time carries nothing. The
// capacity available is non-decreasing in E, so the true end is never before the result.
double stretch(const OpenTime& open, double release, double usable_from, double need,
               const std::function<double(std::int64_t)>* overrun) {
  if (need <= 0) return usable_from;
  double open_time = 0, closed_time = 0, t = usable_from;
  std::int64_t window_ends = open.ends_in(release, usable_from);
  size_t k = open.first_ending_after(t);
  while (true) {
    if (open.has(k) && open[k].from.value <= t) {  // inside window k
      const double base =
          open_time + (overrun ? std::min(closed_time, (*overrun)(window_ends)) : 0.0);
      const double end = open[k].to.value;
      if (base + (end - t) >= need) return t + std::max(0.0, need - base);
      open_time += end - t;
      t = end;
      ++window_ends;
      ++k;
      continue;
    }
    // A gap until the next window opens (forever when none does).
    const double next = open.has(k) ? open[k].from.value : kInf;
    if (overrun) {
      const double carried = (*overrun)(window_ends);
      if (open_time + std::min(closed_time, carried) >= need) return t;
      if (open_time + carried >= need && open_time + closed_time + (next - t) >= need) {
        return t + (need - open_time - closed_time);
      }
    }
    if (next == kInf) return kInf;
    closed_time += next - t;
    t = next;
  }
}

// Under `cancel` a move must run start to end inside one window: the earliest end of a move of
// `tau` seconds that starts at or after `earliest`.
double fit_in_one_window(const OpenTime& open, double earliest, double tau) {
  if (tau > open.longest_from(earliest)) return kInf;
  for (size_t k = open.first_ending_after(earliest); open.has(k); ++k) {
    const double start = std::max(earliest, open[k].from.value);
    if (start + tau <= open[k].to.value) return start + tau;
  }
  return kInf;
}

// Something a move needs capacity of: a rate resource (bytes/s), a CPU (cycles/s), or a pool of
// concurrent moves (threads, a throttle: capacity = moves at once, load = seconds of a move).
struct Constraint {
  std::string id;
  double capacity = 0;
  int concurrency = 1;  // how many moves can be on it at one instant, at most
  bool pool = false;    // a pool holds a move from its start; a resource only after its lead
};

struct Request {
  std::string mailbox;
  double not_before = 0;  // seconds, >= 0
  double tau = 0;         // the move alone at its best: no attempt is shorter
  double lead = 0;        // from its start to its first byte, page or cycle on any resource
  std::vector<std::pair<int, double>> loads;  // (constraint, load in its capacity's units)
};

class BoundModel {
 public:
  explicit BoundModel(const LowerBoundInput& in) : s_(in.scenario) {
    const CostModel cost = CostModel::from(s_.calibration);
    const MoveEstimator estimator(s_, cost, in.mailboxes, in.queue);
    const int threads = std::max(1, s_.migration.max_threads);
    for (const RateResource& r : estimator.resources()) {
      constraints_.push_back({r.id, r.capacity.value, threads, false});
    }
    const int thread_pool = add_pool("migration/threads", threads);
    cpu_.assign(s_.servers.size(), -1);

    const int mover = s_.server_index(s_.migration.mover);
    for (const MoveRequest& q : in.queue) {
      const Mailbox& m = in.mailboxes[size_t(q.mailbox)];
      const RequestWork work =
          in.work.empty() ? RequestWork{m.size, m.items} : in.work[size_t(q.queue_index)];
      const MovePath& path = estimator.path_of(q.queue_index);
      const double bytes = work.bytes.value;
      const double items = double(work.items);
      // The simulator's chunking (models/move_cost.hpp): chunks from the mailbox's size, bytes
      // and items split evenly in whole units; every chunk runs its RPC delay, then its
      // transfers.
      const ChunkPlan plan(cost, m.size, m.items);
      const double chunks = double(plan.count());
      const double per_item = per_item_time(cost, path.rtt_sum).value;
      const double window_cap = window_cap_bytes_per_s(cost, path.rtt_max);

      Request r;
      r.mailbox = m.id;
      r.not_before = std::max(0.0, q.not_before.value);
      std::map<int, double> load;
      for (const PathCrossing& c : path.flow) load[c.resource] += c.crossings * bytes;
      // Per-item page lookups on each database, in its own page size. The simulator hands a
      // flow whole bytes (each chunk's I/O is truncated): at most one byte less per chunk.
      for (const auto& [disk, server] : {std::pair{path.source_disk, q.source_server},
                                         std::pair{path.target_disk, q.target_server}}) {
        const Bytes page = page_size(cost, s_.servers[size_t(server)]);
        const double io = chunk_page_io_bytes(cost, work.items, page) - chunks;
        if (io > 0) load[disk] += io;
      }
      // CPU work on the source, the mover and the target (the same host more than once when
      // they coincide). A chunk below one cycle is skipped by the simulator: subtract one per
      // chunk.
      const double cycles = std::max(0.0, chunk_cycles(cost, bytes, work.items) - chunks);
      std::map<int, int> hosts;
      for (int server : {q.source_server, mover, q.target_server}) ++hosts[server];

      double slowest = bytes / window_cap;  // the TCP window bounds the one stream
      for (const auto& [c, l] : load)
        slowest = std::max(slowest, l / constraints_[size_t(c)].capacity);
      if (cycles > 0) {
        for (const auto& [server, activities] : hosts) {
          const Hardware& hw = s_.servers[size_t(server)].hardware;
          const int cpu = cpu_constraint(server);
          load[cpu] += activities * cycles;
          // One activity runs on one core: `activities` of them get at most that many cores.
          const double cores = std::min<double>(activities, hw.cores);
          slowest = std::max(slowest, activities * cycles / (cores * hw.clock.value));
        }
      }
      // The chunks' RPC delays vary (item_time_cv) but a whole move's add up to their mean; a
      // part of a move (the first chunk, a failed attempt's chunks) only to their least.
      const double least = min_chunk_delay_factor(cost, plan);
      const double whole = work.items < m.items ? least : 1.0;
      r.tau = path.setup_latency.value + items * per_item * whole + slowest;
      r.lead = path.setup_latency.value + std::floor(items / chunks) * per_item * least;
      r.loads.assign(load.begin(), load.end());
      r.loads.emplace_back(thread_pool, r.tau);
      add_throttles(q, r);
      requests_.push_back(std::move(r));
    }
  }

  const Scenario& scenario() const { return s_; }
  const std::vector<Request>& requests() const { return requests_; }

  // Terms that hold whatever the first start: all work lies in [first start, last end].
  LowerBound without_origin(const OpenTime& open) const {
    LowerBound best{0, ""};
    const bool cancel = s_.migration.on_window_end == WindowEndPolicy::cancel;
    const double longest = cancel ? open.longest_from(0) : kInf;
    for (const Request& r : requests_) {
      if (r.tau > longest) return {kInf, "mailbox " + r.mailbox + " (longer than every window)"};
      raise(best, r.tau, "mailbox " + r.mailbox);
    }
    std::vector<double> work(constraints_.size(), 0.0), lead(constraints_.size(), kInf);
    for (const Request& r : requests_) {
      for (const auto& [c, l] : r.loads) {
        work[size_t(c)] += l;
        lead[size_t(c)] = std::min(lead[size_t(c)], r.lead);
      }
    }
    for (size_t c = 0; c < constraints_.size(); ++c) {
      if (work[c] <= 0) continue;
      raise(best, (constraints_[c].pool ? 0.0 : lead[c]) + work[c] / constraints_[c].capacity,
            constraints_[c].id);
    }
    return best;
  }

  // Every term, from a known first start t0, over the windows and not_before dates.
  LowerBound from(const OpenTime& open, double t0) const {
    const bool cancel = s_.migration.on_window_end == WindowEndPolicy::cancel;
    LowerBound best{0, ""};
    // A request cannot start before its release: the first open instant at or after its
    // not_before and t0. Its own end: at least release + tau (under cancel, in one window).
    std::vector<double> release(requests_.size());
    for (size_t i = 0; i < requests_.size(); ++i) {
      const Request& r = requests_[i];
      const double earliest = std::max(t0, r.not_before);
      release[i] = open.first_open(earliest);
      if (release[i] == kInf)
        return {kInf, "mailbox " + r.mailbox + " (no window opens after its not_before)"};
      const double end = cancel ? fit_in_one_window(open, earliest, r.tau) : release[i] + r.tau;
      if (end == kInf) return {kInf, "mailbox " + r.mailbox + " (longer than every window)"};
      raise(best, end - t0, "mailbox " + r.mailbox);
    }
    // Resource and pool terms over the requests released at or after each threshold v: their
    // work lies in [v, end].
    std::vector<size_t> order(requests_.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return release[a] > release[b]; });
    std::vector<double> thresholds;
    for (size_t i : order) {
      if (thresholds.empty() || release[i] < thresholds.back()) thresholds.push_back(release[i]);
    }
    thresholds = pick_thresholds(thresholds);

    // Without windows there is no closed time, and the overrun allowance never counts.
    const bool overruns = !cancel && !s_.migration.windows.empty();
    std::vector<double> work(constraints_.size(), 0.0), lead(constraints_.size(), kInf);
    std::vector<std::vector<double>> loads(constraints_.size());
    size_t next = 0;
    for (double v : thresholds) {  // descending: each subset grows the previous one
      for (; next < order.size() && release[order[next]] >= v; ++next) {
        const Request& r = requests_[order[next]];
        for (const auto& [c, l] : r.loads) {
          work[size_t(c)] += l;
          lead[size_t(c)] = std::min(lead[size_t(c)], r.lead);
          if (overruns) loads[size_t(c)].push_back(l);
        }
      }
      for (size_t c = 0; c < constraints_.size(); ++c) {
        if (work[c] <= 0) continue;
        const Constraint& k = constraints_[c];
        const double usable_from = v + (k.pool ? 0.0 : lead[c]);
        const double need = work[c] / k.capacity;
        double end;
        if (!overruns) {
          end = stretch(open, v, usable_from, need, nullptr);
        } else {
          // The largest loads first: what the moves running at K window ends can carry.
          std::vector<double> sorted = loads[c];
          std::sort(sorted.begin(), sorted.end(), std::greater<>());
          std::vector<double> prefix(sorted.size() + 1, 0.0);
          for (size_t i = 0; i < sorted.size(); ++i) prefix[i + 1] = prefix[i] + sorted[i];
          const std::function<double(std::int64_t)> overrun = [&](std::int64_t window_ends) {
            const double moves = double(k.concurrency) * double(window_ends);
            const size_t n = moves >= double(sorted.size()) ? sorted.size() : size_t(moves);
            return prefix[n] / k.capacity;
          };
          end = stretch(open, v, usable_from, need, &overrun);
        }
        if (end == kInf) return {kInf, k.id + " (the windows cannot hold its work)"};
        raise(best, end - t0, k.id);
      }
    }
    return best;
  }

  // How far to expand the windows at first: past the horizon, every absolute window, the
  // latest not_before, and three weeks more (so that weekly patterns are seen whole).
  double initial_span(std::optional<Seconds> first_start) const {
    double span = std::max(s_.simulation.horizon.value, first_start ? first_start->value : 0.0);
    for (const Window& w : s_.migration.windows) {
      if (!w.weekly) span = std::max(span, w.to.value);
    }
    for (const Request& r : requests_) span = std::max(span, r.not_before);
    return span + 3 * kWeek;
  }

 private:
  static void raise(LowerBound& best, double seconds, const std::string& binding) {
    if (seconds > best.duration_s) best = {seconds, binding};
  }

  static std::vector<double> pick_thresholds(const std::vector<double>& descending) {
    if (descending.size() <= kMaxThresholds) return descending;
    std::vector<double> picked;
    for (size_t i = 0; i < kMaxThresholds; ++i) {
      picked.push_back(descending[i * (descending.size() - 1) / (kMaxThresholds - 1)]);
    }
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    return picked;
  }

  int add_pool(const std::string& id, int limit) {
    const int threads = std::max(1, s_.migration.max_threads);
    constraints_.push_back({id, double(limit), std::min(limit, threads), true});
    return int(constraints_.size()) - 1;
  }

  int cpu_constraint(int server) {
    int& c = cpu_[size_t(server)];
    if (c < 0) {
      const Hardware& hw = s_.servers[size_t(server)].hardware;
      constraints_.push_back({s_.servers[size_t(server)].name + "/cpu", hw.cores * hw.clock.value,
                              std::max(1, s_.migration.max_threads), false});
      c = int(constraints_.size()) - 1;
    }
    return c;
  }

  // The MRS-style throttles: at most `limit` moves at once per source or target database or
  // server, a pool of its own for each database or server that has moves.
  void add_throttles(const MoveRequest& q, Request& r) {
    const Throttles& t = s_.migration.throttles;
    const auto db = [this](int server, int database) {
      return s_.servers[size_t(server)].name + "/" +
             s_.servers[size_t(server)].databases[size_t(database)].name;
    };
    const auto pool = [&](const std::optional<int>& limit, const std::string& id) {
      if (!limit || *limit <= 0) return;
      auto it = throttle_pools_.find(id);
      if (it == throttle_pools_.end()) it = throttle_pools_.emplace(id, add_pool(id, *limit)).first;
      r.loads.emplace_back(it->second, r.tau);
    };
    pool(t.per_source_database,
         "throttle/per_source_database/" + db(q.source_server, q.source_database));
    pool(t.per_target_database,
         "throttle/per_target_database/" + db(q.target_server, q.target_database));
    pool(t.per_source_server,
         "throttle/per_source_server/" + s_.servers[size_t(q.source_server)].name);
    pool(t.per_target_server,
         "throttle/per_target_server/" + s_.servers[size_t(q.target_server)].name);
  }

  const Scenario& s_;
  std::vector<Constraint> constraints_;
  std::vector<Request> requests_;
  std::vector<int> cpu_;  // constraint index by server, -1 until used
  std::map<std::string, int> throttle_pools_;
};

}  // namespace

bool LowerBound::finite() const {
  return std::isfinite(duration_s);
}

LowerBound migration_lower_bound(const LowerBoundInput& in, std::optional<Seconds> first_start) {
  if (in.queue.empty()) return {0, "no moves"};
  const BoundModel model(in);
  for (double until = model.initial_span(first_start);; until *= 2) {
    try {
      const OpenTime open(in.scenario, until);
      return first_start ? model.from(open, first_start->value) : model.without_origin(open);
    } catch (const NeedMoreWindows&) {
      if (until > kLongestPlan) return {kInf, "the windows cannot hold the work within a century"};
    }
  }
}

LowerBoundInput lower_bound_input(const RunData& run) {
  LowerBoundInput in{run.scenario, run.mailboxes, run.queue, {}};
  in.work.resize(run.queue.size());
  for (const MoveRequest& q : run.queue) {
    const Mailbox& mb = run.mailboxes[size_t(q.mailbox)];
    in.work[size_t(q.queue_index)] = {mb.size, mb.items};
  }
  // A mailbox that failed copied only what precedes its unreadable item.
  const CostModel cost = CostModel::from(run.scenario.calibration);
  std::map<int, const MoveAttempt*> last;
  for (const MoveAttempt& a : run.recording.attempts) last[a.queue_index] = &a;
  for (const auto& [q, a] : last) {
    if (a->state != MoveState::failed) continue;
    const Mailbox& mb = run.mailboxes[size_t(run.queue[size_t(q)].mailbox)];
    in.work[size_t(q)] = {
        a->bytes_copied,
        ChunkPlan(cost, mb.size, mb.items).items_read_before_failure(a->bytes_copied)};
  }
  return in;
}

std::optional<double> run_lower_bound(const RunData& run) {
  const MigrationMetrics m = migration_metrics(run);
  if (!m.first_start_s) return std::nullopt;
  const LowerBound b = migration_lower_bound(lower_bound_input(run), Seconds{*m.first_start_s});
  if (!b.finite()) return std::nullopt;
  return b.duration_s;
}

}  // namespace coexlab
