#include "bottleneck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "calibration.hpp"
#include "move_cost.hpp"
#include "move_estimate.hpp"
#include "site_graph.hpp"
#include "windows.hpp"

namespace coexlab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kWeekSeconds = kMinutesPerWeek * 60.0;

// One request as the queueing model sees it: a delay (route latency, RPC round trips and
// store time), its transfer time alone, and its demand on each station (seconds of the
// station's whole capacity).
struct MoveCost {
  double delay = 0;
  double transfer = 0;
  std::map<std::string, double> demand;  // by station id ("EX03/database_disk", "link/X:up")
};

// The factor a station belongs to: its id without the direction of a full-duplex resource.
std::string factor_of(const std::string& station) {
  const auto colon = station.rfind(':');
  return colon == std::string::npos ? station : station.substr(0, colon);
}

// Requests released together (same not_before), with their mean costs.
struct Group {
  double release = 0;   // seconds from start
  double moves = 0;     // how many of them the run attempted
  int concurrency = 1;  // how many the threads and throttles let run at once
  double delay = 0, transfer = 0;
  std::map<std::string, double> demand;
};

// Mean value analysis of the closed network: `customers` threads cycle through a delay station
// (delay + transfer alone) and one processor-sharing station per resource, whose queueing
// delays add. Returns moves per second.
double mva_throughput(int customers, const std::map<std::string, double>& demand, double delay,
                      double transfer) {
  std::vector<double> d;
  for (const auto& [id, v] : demand) {
    if (v > 0) d.push_back(v);
  }
  std::vector<double> q(d.size(), 0.0);
  double x = 0;
  for (int n = 1; n <= customers; ++n) {
    double cycle = delay + transfer;
    std::vector<double> r(d.size());
    for (size_t k = 0; k < d.size(); ++k) {
      r[k] = d[k] * (1 + q[k]);
      cycle += r[k] - d[k];
    }
    x = cycle > 0 ? n / cycle : kInf;
    for (size_t k = 0; k < d.size(); ++k) q[k] = x * r[k];
  }
  double dmax = 0;
  for (double v : d) dmax = std::max(dmax, v);
  return dmax > 0 ? std::min(x, 1 / dmax) : x;
}

// Open time of the windows: from `t`, the instant when `need` seconds of open time have passed.
double advance(const std::vector<Interval>& open, bool windowed, double t, double need) {
  if (!windowed) return t + need;
  for (const Interval& i : open) {
    if (i.to.value <= t) continue;
    const double from = std::max(t, i.from.value);
    if (need <= i.to.value - from) return from + need;
    need -= i.to.value - from;
  }
  return kInf;
}

double first_open(const std::vector<Interval>& open, bool windowed, double t) {
  if (!windowed) return t;
  for (const Interval& i : open) {
    if (i.to.value > t) return std::max(t, i.from.value);
  }
  return kInf;
}

// The windows, each twice as long (weekly ones below a whole week), as `bottlenecks` sets them.
std::vector<Window> doubled(const std::vector<Window>& windows) {
  std::vector<Window> out = windows;
  for (Window& w : out) {
    if (w.weekly) {
      int length = w.to_minute_of_week - w.from_minute_of_week;
      if (length <= 0) length += kMinutesPerWeek;
      const int twice = std::min(2 * length, kMinutesPerWeek - 1);
      w.to_minute_of_week = (w.from_minute_of_week + twice) % kMinutesPerWeek;
    } else {
      w.to = w.to + (w.to - w.from);
    }
  }
  return out;
}

struct Variant {
  std::string factor, change;
  int threads = 0;
  std::vector<Interval> open;
  std::map<std::string, double> demand_scale;  // station id -> factor on its demand
  std::vector<Group> groups;                   // with their own delays (latency variants)
};

class Estimator {
 public:
  Estimator(const RunData& run, const MigrationMetrics& m) : run_(run), m_(m) {
    const Scenario& s = run.scenario;
    cost_ = CostModel::from(s.calibration);
    windowed_ = !s.migration.windows.empty();
    // Far enough for any variant to finish: a variant is faster than the run, but the walk of
    // the calibration may look further.
    span_ = std::max(s.simulation.horizon.value, *m.last_end_s) * 4 + 4 * kWeekSeconds;
    open_ = expand_windows(s.migration.windows, s.start, Seconds{span_});
  }

  std::vector<FactorEstimate> run() {
    const Scenario& s = run_.scenario;
    const MoveEstimator estimator(s, cost_, run_.mailboxes, run_.queue);
    const std::vector<MoveCost> costs = move_costs(s, estimator);
    base_groups_ = groups_of(costs);
    if (base_groups_.empty()) return {};
    const double observed = *m_.duration_s;
    // Calibrate the throughput so that the walk gives the run's duration.
    double lo = -12, hi = 12;
    for (int i = 0; i < 80; ++i) {
      const double mid = (lo + hi) / 2;
      (walk(std::exp(mid), base_variant()) > observed ? lo : hi) = mid;
    }
    scale_ = std::exp((lo + hi) / 2);

    std::vector<FactorEstimate> out;
    const auto add = [&](const Variant& v) {
      const double d = walk(scale_, v);
      if (std::isfinite(d)) out.push_back({v.factor, v.change, d, observed - d});
    };
    if (s.migration.max_threads < 500) {
      Variant v = base_variant();
      v.factor = "migration/threads";
      v.change = "twice the threads";
      v.threads = 2 * s.migration.max_threads;
      add(v);
    }
    if (windowed_) {
      Variant v = base_variant();
      v.factor = "migration/windows";
      v.change = "windows twice as long";
      v.open = expand_windows(doubled(s.migration.windows), s.start, Seconds{span_});
      add(v);
    }
    std::set<std::string> stations;
    for (const MoveCost& c : costs) {
      for (const auto& [id, d] : c.demand) {
        if (d > 0) stations.insert(id);
      }
    }
    std::set<std::string> factors;
    for (const std::string& id : stations) factors.insert(factor_of(id));
    for (const std::string& f : factors) {
      Variant v = base_variant();
      v.factor = f;
      v.change = "twice the capacity";
      for (const std::string& id : stations) {
        if (factor_of(id) == f) v.demand_scale[id] = 0.5;
      }
      add(v);
    }
    for (size_t i = 0; i < s.links.size(); ++i) {
      if (s.links[i].latency.value <= 0 || !factors.count("link/" + s.links[i].name)) continue;
      Scenario faster = s;
      faster.links[i].latency = faster.links[i].latency * 0.5;
      const MoveEstimator e(faster, cost_, run_.mailboxes, run_.queue);
      Variant v = base_variant();
      v.factor = "link/" + s.links[i].name + "/latency";
      v.change = "half the latency";
      v.groups = groups_of(move_costs(faster, e, &estimator, &costs));
      add(v);
    }
    std::stable_sort(out.begin(), out.end(), [](const FactorEstimate& a, const FactorEstimate& b) {
      return a.gain_s > b.gain_s;
    });
    return out;
  }

 private:
  static bool same_path(const MovePath& a, const MovePath& b) {
    const auto same_flow = [&] {
      return std::equal(a.flow.begin(), a.flow.end(), b.flow.begin(), b.flow.end(),
                        [](const PathCrossing& x, const PathCrossing& y) {
                          return x.resource == y.resource && x.crossings == y.crossings;
                        });
    };
    return a.setup_latency.value == b.setup_latency.value && a.rtt_sum.value == b.rtt_sum.value &&
           a.rtt_max.value == b.rtt_max.value && a.source_disk == b.source_disk &&
           a.target_disk == b.target_disk && same_flow();
  }

  Variant base_variant() const {
    Variant v;
    v.threads = run_.scenario.migration.max_threads;
    v.open = open_;
    v.groups = base_groups_;
    return v;
  }

  // Every request's cost under `s` (a variant of the run's scenario). With `base` and its
  // `base_costs`: a request whose path the variant leaves as it was costs what it did there
  // (a link's latency halved changes the moves that cross that link only).
  std::vector<MoveCost> move_costs(const Scenario& s, const MoveEstimator& e,
                                   const MoveEstimator* base = nullptr,
                                   const std::vector<MoveCost>* base_costs = nullptr) const {
    std::vector<MoveCost> out;
    const int mover = s.server_index(s.migration.mover);
    for (const MoveRequest& q : run_.queue) {
      const Mailbox& mb = run_.mailboxes[size_t(q.mailbox)];
      const MovePath& p = e.path_of(q.queue_index);
      if (base && base_costs && same_path(p, base->path_of(q.queue_index))) {
        out.push_back((*base_costs)[out.size()]);
        continue;
      }
      MoveCost c;
      c.delay = p.setup_latency.value + double(mb.items) * per_item_time(cost_, p.rtt_sum).value;
      c.transfer = std::max(0.0, e.predicted_duration(q.queue_index).value - c.delay);
      // Bytes over each rate resource (bulk flow and page I/O), as the predictor counts them.
      for (const auto& [resource, bytes] : e.resource_bytes(q.queue_index)) {
        const RateResource& r = e.resources()[size_t(resource)];
        if (r.capacity.value > 0) c.demand[r.id] += bytes.value / r.capacity.value;
      }
      const double cycles = chunk_cycles(cost_, mb.size.value, mb.items);
      if (cycles > 0) {
        for (int server : {q.source_server, mover, q.target_server}) {
          const Server& sv = s.servers[size_t(server)];
          c.demand[sv.name + "/cpu"] +=
              cycles / (sv.hardware.clock.value * std::max(1, sv.hardware.cores));
        }
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  // The requests the run attempted, grouped by not_before, with their mean costs.
  std::vector<Group> groups_of(const std::vector<MoveCost>& costs) const {
    std::vector<bool> attempted(run_.queue.size(), false);
    for (const MoveAttempt& a : run_.recording.attempts) attempted[size_t(a.queue_index)] = true;
    std::map<double, Group> by_release;
    std::map<double, std::vector<const MoveRequest*>> members;
    for (const MoveRequest& q : run_.queue) {
      if (!attempted[size_t(q.queue_index)]) continue;
      const double release = std::max(0.0, q.not_before.value);
      Group& g = by_release[release];
      const MoveCost& c = costs[size_t(q.queue_index)];
      g.release = release;
      g.moves += 1;
      g.delay += c.delay;
      g.transfer += c.transfer;
      for (const auto& [id, d] : c.demand) g.demand[id] += d;
      members[release].push_back(&q);
    }
    std::vector<Group> out;
    for (auto& [release, g] : by_release) {
      g.delay /= g.moves;
      g.transfer /= g.moves;
      for (auto& [id, d] : g.demand) d /= g.moves;
      g.concurrency = throttle_limit(members[release]);
      out.push_back(g);
    }
    return out;
  }

  // How many of these requests the throttles let run at once.
  int throttle_limit(const std::vector<const MoveRequest*>& requests) const {
    const Throttles& t = run_.scenario.migration.throttles;
    std::set<int> src, tgt;
    std::set<std::pair<int, int>> src_db, tgt_db;
    for (const MoveRequest* r : requests) {
      src.insert(r->source_server);
      tgt.insert(r->target_server);
      src_db.insert({r->source_server, r->source_database});
      tgt_db.insert({r->target_server, r->target_database});
    }
    long limit = std::numeric_limits<int>::max();
    const auto cap = [&limit](const std::optional<int>& per, size_t n) {
      if (per) limit = std::min(limit, long(*per) * long(n));
    };
    if (cost_.store_rpc_concurrency > 0) {  // a store's concurrent RPC requests
      const auto store = std::optional<int>(int(cost_.store_rpc_concurrency));
      cap(store, src.size());
      cap(store, tgt.size());
    }
    cap(t.per_source_server, src.size());
    cap(t.per_target_server, tgt.size());
    cap(t.per_source_database, src_db.size());
    cap(t.per_target_database, tgt_db.size());
    return int(std::min<long>(limit, long(requests.size())));
  }

  // The migration's duration with throughput scale `scale`: each group starts when it is
  // released (and the previous one is done) and takes its moves' share of open time.
  double walk(double scale, const Variant& v) const {
    double t = *m_.first_start_s;
    for (const Group& g : v.groups) {
      t = first_open(v.open, windowed_, std::max(t, g.release));
      if (!std::isfinite(t)) return kInf;
      std::map<std::string, double> demand = g.demand;
      double transfer = g.transfer;
      double alone = 0, alone_scaled = 0;
      for (auto& [id, d] : demand) {
        alone = std::max(alone, d);
        if (const auto it = v.demand_scale.find(id); it != v.demand_scale.end()) d *= it->second;
        alone_scaled = std::max(alone_scaled, d);
      }
      if (alone > 0) transfer *= alone_scaled / alone;
      const int customers = std::max(1, std::min(v.threads, g.concurrency));
      const double x = scale * mva_throughput(customers, demand, g.delay, transfer);
      if (!(x > 0)) return kInf;
      t = advance(v.open, windowed_, t, g.moves / x);
      if (!std::isfinite(t)) return kInf;
    }
    return t - *m_.first_start_s;
  }

  const RunData& run_;
  const MigrationMetrics& m_;
  CostModel cost_;
  bool windowed_ = false;
  double span_ = 0;
  std::vector<Interval> open_;
  std::vector<Group> base_groups_;
  double scale_ = 1;
};

}  // namespace

std::vector<FactorEstimate> estimate_factors(const RunData& run, const MigrationMetrics& m) {
  if (!m.duration_s || !m.first_start_s || *m.duration_s <= 0) return {};
  return Estimator(run, m).run();
}

Bottleneck estimate_bottleneck(const RunData& run, const MigrationMetrics& m) {
  std::vector<FactorEstimate> ranked = estimate_factors(run, m);
  // A dismount stopped the moves outright: what filled comes first.
  for (const SimEvent& e : run.recording.events) {
    if (e.kind != EventKind::dismount) continue;
    const bool database = e.cause == EventCause::database_disk_full;
    return {e.resource,
            std::string(database ? "the database disk" : "the log disk") +
                " filled and dismounted the databases: " + describe(e),
            std::move(ranked)};
  }
  if (!m.duration_s) return {"", "no move ran", {}};
  // The evidence beside the estimate: the busiest rate resource while moves ran.
  std::string busiest = "none";
  double busiest_share = 0;
  const std::vector<bool> moving = intervals_with_moves(run);
  for (const ResourceSeries& r : run.recording.resources) {
    if (is_space(r.kind)) continue;
    const ResourceStats st = resource_stats(run, r, moving);
    if (st.busy_during_moves && *st.busy_during_moves > busiest_share + 1e-12) {
      busiest_share = *st.busy_during_moves;
      busiest = r.id;
    }
  }
  const std::string evidence =
      fmt::format("busiest while moves run: {} at {:.0f} %", busiest, busiest_share * 100);
  if (ranked.empty() || ranked.front().gain_s <= 0.01 * *m.duration_s) {
    std::string factor = ranked.empty() ? "" : ranked.front().factor;
    return {std::move(factor),
            "no single factor would end the migration 1 % sooner (" + evidence + ")",
            std::move(ranked)};
  }
  const FactorEstimate& top = ranked.front();
  std::string reason = fmt::format(
      "{} would end the migration about {:.0f} % sooner (estimated from this run; `coexlab "
      "bottlenecks` simulates it); {}",
      top.change, 100 * top.gain_s / *m.duration_s, evidence);
  std::string factor = top.factor;
  return {std::move(factor), std::move(reason), std::move(ranked)};
}

Bottleneck bottleneck_of(const RunData& run, const MigrationMetrics& m) {
  return run.bottleneck ? *run.bottleneck : estimate_bottleneck(run, m);
}

}  // namespace coexlab
