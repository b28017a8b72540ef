#include "move_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "site_graph.hpp"

namespace coexlab {

namespace {

double page_size(const Server& sv, const CostModel& cost) {
  return sv.is_2003() ? cost.page_size_2003.value : cost.page_size_2007.value;
}

}  // namespace

MoveEstimator::MoveEstimator(const Scenario& s, const CostModel& cost,
                             const std::vector<Mailbox>& mailboxes,
                             const std::vector<MoveRequest>& queue)
    : s_(s), cost_(cost), mailboxes_(mailboxes), queue_(queue) {
  mover_ = s.server_index(s.migration.mover);
  if (mover_ < 0) throw std::invalid_argument("MoveEstimator: the mover is not a server");
  const SiteGraph graph(s);
  for (const MoveRequest& r : queue) {
    const auto key = std::make_pair(r.source_server, r.target_server);
    if (!paths_.count(key)) paths_.emplace(key, make_path(graph, r.source_server, r.target_server));
  }
  path_of_.resize(queue.size());
  predicted_.resize(queue.size());
  for (const MoveRequest& r : queue) {
    const auto q = static_cast<size_t>(r.queue_index);
    path_of_[q] = &paths_.at({r.source_server, r.target_server});
    const Mailbox& m = mailboxes[static_cast<size_t>(r.mailbox)];
    predicted_[q] = predict(*path_of_[q], m.size, m.items).value;
  }
}

int MoveEstimator::resource(const std::string& id, BytesPerSecond capacity) {
  if (auto it = resource_index_.find(id); it != resource_index_.end()) return it->second;
  resources_.push_back({id, capacity});
  const int index = static_cast<int>(resources_.size()) - 1;
  resource_index_.emplace(id, index);
  return index;
}

// The network part of a transfer between two servers, as sim/platform.cpp builds it: the
// sender's NIC (up), its site's LAN (up), the WAN links of the least-cost route, the
// receiver's site LAN (down), the receiver's NIC (down). Nothing when it is one server.
void MoveEstimator::add_leg(const SiteGraph& graph, MovePath& path, int from, int to) {
  if (from == to) return;
  const Server& a = s_.servers[static_cast<size_t>(from)];
  const Server& b = s_.servers[static_cast<size_t>(to)];
  const int site_a = s_.site_index(a.site);
  const int site_b = s_.site_index(b.site);
  const auto cross = [&path](int r) {
    for (PathCrossing& c : path.flow) {
      if (c.resource == r) {
        ++c.crossings;
        return;
      }
    }
    path.flow.push_back({r, 1});
  };
  Seconds latency = s_.sites[static_cast<size_t>(site_a)].lan.latency;
  cross(resource(a.name + "/nic:up", a.hardware.nic));
  cross(
      resource("site/" + a.site + "/lan:up", s_.sites[static_cast<size_t>(site_a)].lan.bandwidth));
  if (site_a != site_b) {
    const auto& route = graph.route(site_a, site_b);
    if (!route) throw std::invalid_argument("no route between sites " + a.site + " and " + b.site);
    for (size_t k = 0; k < route->links.size(); ++k) {
      const Link& l = s_.links[static_cast<size_t>(route->links[k])];
      const bool forward = l.site_a == s_.sites[static_cast<size_t>(route->sites[k])].name;
      cross(resource("link/" + l.name + (forward ? ":up" : ":down"), l.bandwidth));
    }
    latency += route->latency;
    cross(resource("site/" + b.site + "/lan:down",
                   s_.sites[static_cast<size_t>(site_b)].lan.bandwidth));
    latency += s_.sites[static_cast<size_t>(site_b)].lan.latency;
  }
  cross(resource(b.name + "/nic:down", b.hardware.nic));
  path.setup_latency += latency;
  path.rtt_sum += latency * 2.0;
  path.rtt_max = std::max(path.rtt_max, latency * 2.0);
}

MovePath MoveEstimator::make_path(const SiteGraph& graph, int source_server, int target_server) {
  const Server& src = s_.servers[static_cast<size_t>(source_server)];
  const Server& tgt = s_.servers[static_cast<size_t>(target_server)];
  MovePath p;
  p.source_server = source_server;
  p.mover = mover_;
  p.target_server = target_server;
  p.source_disk = resource(src.name + "/database_disk",
                           BytesPerSecond{src.hardware.database_disk.iops * page_size(src, cost_)});
  p.target_disk = resource(tgt.name + "/database_disk",
                           BytesPerSecond{tgt.hardware.database_disk.iops * page_size(tgt, cost_)});
  p.target_log_disk = resource(tgt.name + "/log_disk", tgt.hardware.log_disk.throughput);
  p.flow.push_back({p.source_disk, 1});
  add_leg(graph, p, source_server, mover_);
  add_leg(graph, p, mover_, target_server);
  // The target's disks come last on the flow; a move within one server crosses its database
  // disk twice (read and write share the limit).
  if (p.target_disk == p.source_disk) {
    p.flow.front().crossings += 1;
  } else {
    p.flow.push_back({p.target_disk, 1});
  }
  p.flow.push_back({p.target_log_disk, 1});
  return p;
}

const MovePath& MoveEstimator::path(int source_server, int target_server) const {
  return paths_.at({source_server, target_server});
}

const MovePath& MoveEstimator::path_of(int queue_index) const {
  return *path_of_.at(static_cast<size_t>(queue_index));
}

Seconds MoveEstimator::predicted_duration(int queue_index) const {
  return Seconds{predicted_.at(static_cast<size_t>(queue_index))};
}

BytesPerSecond MoveEstimator::predicted_rate(int queue_index) const {
  const MoveRequest& r = queue_.at(static_cast<size_t>(queue_index));
  const double seconds = predicted_.at(static_cast<size_t>(queue_index));
  if (seconds <= 0) return BytesPerSecond{0};
  return BytesPerSecond{mailboxes_[static_cast<size_t>(r.mailbox)].size.value / seconds};
}

namespace {

// One flow of a chunk's transfer phase: bytes left, the resources it crosses, its own cap.
struct Flow {
  double remaining = 0;
  const std::vector<PathCrossing>* crossings = nullptr;
  double cap = std::numeric_limits<double>::infinity();
  double rate = 0;
};

// Max-min fair rates with equal weights, as SimGrid's solver gives them (a flow that crosses
// a resource twice consumes twice its rate there), by progressive filling: raise the rates of
// the unfixed flows together until a resource saturates or a flow reaches its cap, fix those
// flows at that level, repeat.
void max_min_rates(std::vector<Flow>& flows, const std::vector<RateResource>& resources) {
  std::map<int, double> left;  // capacity not yet taken by fixed flows
  std::vector<bool> fixed(flows.size());
  for (size_t i = 0; i < flows.size(); ++i) {
    fixed[i] = flows[i].remaining <= 0;
    flows[i].rate = 0;
    for (const PathCrossing& c : *flows[i].crossings) {
      left.emplace(c.resource, resources[size_t(c.resource)].capacity.value);
    }
  }
  const auto weight_on = [&](int resource) {
    double w = 0;
    for (size_t i = 0; i < flows.size(); ++i) {
      if (fixed[i]) continue;
      for (const PathCrossing& c : *flows[i].crossings)
        w += c.resource == resource ? c.crossings : 0;
    }
    return w;
  };
  while (true) {
    double level = std::numeric_limits<double>::infinity();
    for (const auto& [r, capacity] : left) {
      if (const double w = weight_on(r); w > 0) level = std::min(level, capacity / w);
    }
    for (size_t i = 0; i < flows.size(); ++i) {
      if (!fixed[i]) level = std::min(level, flows[i].cap);
    }
    if (!std::isfinite(level)) return;  // every flow fixed
    std::vector<size_t> saturated;
    for (size_t i = 0; i < flows.size(); ++i) {
      if (fixed[i]) continue;
      bool at_limit = flows[i].cap <= level;
      for (const PathCrossing& c : *flows[i].crossings) {
        at_limit = at_limit || left[c.resource] <= level * weight_on(c.resource) * (1 + 1e-12);
      }
      if (at_limit) saturated.push_back(i);
    }
    for (size_t i : saturated) {
      flows[i].rate = level;
      fixed[i] = true;
      for (const PathCrossing& c : *flows[i].crossings) left[c.resource] -= level * c.crossings;
    }
  }
}

// Seconds until every flow has moved its bytes, rates recomputed as flows end.
double transfer_time(std::vector<Flow> flows, const std::vector<RateResource>& resources) {
  double elapsed = 0;
  while (std::any_of(flows.begin(), flows.end(), [](const Flow& f) { return f.remaining > 0; })) {
    max_min_rates(flows, resources);
    double step = std::numeric_limits<double>::infinity();
    for (const Flow& f : flows) {
      if (f.remaining > 0 && f.rate > 0) step = std::min(step, f.remaining / f.rate);
    }
    if (!std::isfinite(step)) return step;  // a flow over a resource of no capacity
    elapsed += step;
    for (Flow& f : flows) {
      if (f.remaining <= 0) continue;
      f.remaining -= f.rate * step;
      // The flow that set the step is done (up to rounding, relative to what it had left).
      if (f.remaining <= f.rate * step * 1e-12) f.remaining = 0;
    }
  }
  return elapsed;
}

}  // namespace

Seconds MoveEstimator::predict(const MovePath& path, Bytes size_bytes, std::int64_t items) const {
  const double size = size_bytes.value;
  const double chunk =
      cost_.move_chunk_size.value > 0 ? cost_.move_chunk_size.value : std::max(size, 1.0);
  const auto chunks = static_cast<std::int64_t>(std::max(1.0, std::ceil(size / chunk)));
  const double per_item =
      cost_.rpc_round_trips_per_item * (path.rtt_sum.value + 2 * cost_.rpc_server_time.value) +
      cost_.item_server_time.value;
  // One RPC stream's window over the slower leg's round trip caps the bulk flow.
  const double window_cap = cost_.tcp_window.value > 0 && path.rtt_max.value > 0
                                ? cost_.tcp_window.value / path.rtt_max.value
                                : std::numeric_limits<double>::infinity();
  // Per-item page I/O is a flow over each database disk alone (one per side, even when both
  // sides are one server); CPU work is one activity on the source, the mover and the target.
  const std::vector<PathCrossing> source_disk{{path.source_disk, 1}};
  const std::vector<PathCrossing> target_disk{{path.target_disk, 1}};
  struct HostLoad {
    int server;
    int activities;
  };
  std::vector<HostLoad> hosts;
  for (int server : {path.source_server, path.mover, path.target_server}) {
    auto it = std::find_if(hosts.begin(), hosts.end(),
                           [server](const HostLoad& h) { return h.server == server; });
    if (it == hosts.end())
      hosts.push_back({server, 1});
    else
      ++it->activities;
  }
  const double source_page = page_size(s_.servers[static_cast<size_t>(path.source_server)], cost_);
  const double target_page = page_size(s_.servers[static_cast<size_t>(path.target_server)], cost_);

  double total = path.setup_latency.value;
  for (std::int64_t c = 0; c < chunks; ++c) {
    const auto split = [chunks, c](double whole) {
      return std::floor(whole * double(c + 1) / double(chunks)) -
             std::floor(whole * double(c) / double(chunks));
    };
    const double bytes = split(size);
    const double chunk_items = split(double(items));
    std::vector<Flow> flows;
    if (bytes > 0) flows.push_back({std::floor(bytes), &path.flow, window_cap});
    for (const auto& [disk, page] :
         {std::pair{&source_disk, source_page}, std::pair{&target_disk, target_page}}) {
      const double io = chunk_items * cost_.database_ios_per_item * page;
      if (io >= 1) flows.push_back({std::floor(io), disk});
    }
    double transfer = transfer_time(std::move(flows), resources_);
    const double cycles =
        chunk_items * cost_.move_cpu_cycles_per_item + bytes * cost_.move_cpu_cycles_per_byte;
    if (cycles >= 1) {
      for (const HostLoad& h : hosts) {
        const Hardware& hw = s_.servers[static_cast<size_t>(h.server)].hardware;
        const double share = std::min(1.0, double(hw.cores) / double(h.activities));
        transfer = std::max(transfer, cycles / (hw.clock.value * share));
      }
    }
    total += chunk_items * per_item + transfer;
  }
  return Seconds{total};
}

}  // namespace coexlab
