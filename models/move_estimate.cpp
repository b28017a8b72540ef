#include "move_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "move_cost.hpp"
#include "site_graph.hpp"

namespace coexlab {

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
    path_of_[static_cast<size_t>(r.queue_index)] = &paths_.at({r.source_server, r.target_server});
  }
  for (const RateResource& r : resources_) capacity_.push_back(r.capacity.value);
}

int MoveEstimator::resource(const std::string& id, BytesPerSecond capacity) {
  if (auto it = resource_index_.find(id); it != resource_index_.end()) return it->second;
  resources_.push_back({id, capacity});
  const int index = static_cast<int>(resources_.size()) - 1;
  resource_index_.emplace(id, index);
  return index;
}

// The network part of a transfer between two servers (models/move_cost.hpp network_leg, as
// the platform builds it), as rate resources by direction.
void MoveEstimator::add_leg(const SiteGraph& graph, MovePath& path, int from, int to) {
  const NetworkLeg leg = network_leg(s_, graph, from, to);
  if (leg.hops.empty()) return;
  const auto cross = [&path](int r) {
    for (PathCrossing& c : path.flow) {
      if (c.resource == r) {
        ++c.crossings;
        return;
      }
    }
    path.flow.push_back({r, 1});
  };
  for (const NetworkHop& h : leg.hops) {
    const char* direction = h.up ? ":up" : ":down";
    const auto i = static_cast<size_t>(h.index);
    switch (h.kind) {
      case NetworkHop::Kind::nic:
        cross(resource(s_.servers[i].name + "/nic" + direction, s_.servers[i].hardware.nic));
        break;
      case NetworkHop::Kind::lan:
        cross(resource("site/" + s_.sites[i].name + "/lan" + direction, s_.sites[i].lan.bandwidth));
        break;
      case NetworkHop::Kind::wan:
        cross(resource("link/" + s_.links[i].name + direction, s_.links[i].bandwidth));
        break;
    }
  }
  path.setup_latency += leg.latency;
  path.rtt_sum += leg.latency * 2.0;
  path.rtt_max = std::max(path.rtt_max, leg.latency * 2.0);
}

MovePath MoveEstimator::make_path(const SiteGraph& graph, int source_server, int target_server) {
  const Server& src = s_.servers[static_cast<size_t>(source_server)];
  const Server& tgt = s_.servers[static_cast<size_t>(target_server)];
  MovePath p;
  p.source_server = source_server;
  p.mover = mover_;
  p.target_server = target_server;
  p.source_disk =
      resource(src.name + "/database_disk",
               BytesPerSecond{src.hardware.database_disk.iops * page_size(cost_, src).value});
  p.target_disk =
      resource(tgt.name + "/database_disk",
               BytesPerSecond{tgt.hardware.database_disk.iops * page_size(cost_, tgt).value});
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
  p.source_disk_io = {{p.source_disk, 1}};
  p.target_disk_io = {{p.target_disk, 1}};
  return p;
}

const MovePath& MoveEstimator::path(int source_server, int target_server) const {
  return paths_.at({source_server, target_server});
}

const MovePath& MoveEstimator::path_of(int queue_index) const {
  return *path_of_.at(static_cast<size_t>(queue_index));
}

Seconds MoveEstimator::predicted_duration(int queue_index) const {
  std::optional<Seconds>& cached = predicted_.at(static_cast<size_t>(queue_index));
  if (!cached) {
    const MoveRequest& r = queue_[static_cast<size_t>(queue_index)];
    const Mailbox& m = mailboxes_[static_cast<size_t>(r.mailbox)];
    cached = predict(path_of(queue_index), m.size, m.items);
  }
  return *cached;
}

BytesPerSecond MoveEstimator::predicted_rate(int queue_index) const {
  const MoveRequest& r = queue_.at(static_cast<size_t>(queue_index));
  const double seconds = predicted_duration(queue_index).value;
  if (seconds <= 0) return BytesPerSecond{0};
  return BytesPerSecond{mailboxes_[static_cast<size_t>(r.mailbox)].size.value / seconds};
}

std::vector<std::pair<int, Bytes>> MoveEstimator::resource_bytes(int queue_index) const {
  const MoveRequest& r = queue_.at(static_cast<size_t>(queue_index));
  const Mailbox& m = mailboxes_[static_cast<size_t>(r.mailbox)];
  const MovePath& p = path_of(queue_index);
  std::vector<std::pair<int, Bytes>> out;
  for (const PathCrossing& c : p.flow)
    out.emplace_back(c.resource, Bytes{c.crossings * m.size.value});
  // The page I/O is linear in items: the whole mailbox's at once is its chunks' sum.
  for (const auto& [disk, server] :
       {std::pair{p.source_disk, p.source_server}, std::pair{p.target_disk, p.target_server}}) {
    const Bytes page = page_size(cost_, s_.servers[static_cast<size_t>(server)]);
    if (const double io = chunk_page_io_bytes(cost_, m.items, page); io > 0)
      out.emplace_back(disk, Bytes{io});
  }
  return out;
}

namespace {

// Seconds until every flow has moved its bytes, rates recomputed as flows end.
double transfer_time(std::vector<FairFlow> flows, const std::vector<double>& capacity) {
  MaxMinSolver solver;
  double elapsed = 0;
  while (
      std::any_of(flows.begin(), flows.end(), [](const FairFlow& f) { return f.remaining > 0; })) {
    solver.solve(flows, capacity);
    double step = std::numeric_limits<double>::infinity();
    for (const FairFlow& f : flows) {
      if (f.remaining > 0 && f.rate > 0) step = std::min(step, f.remaining / f.rate);
    }
    if (!std::isfinite(step)) return step;  // a flow over a resource of no capacity
    elapsed += step;
    for (FairFlow& f : flows) {
      if (f.remaining <= 0) continue;
      f.remaining -= f.rate * step;
      // The flow that set the step is done (up to rounding, relative to what it had left).
      if (f.remaining <= f.rate * step * 1e-12) f.remaining = 0;
    }
  }
  return elapsed;
}

}  // namespace

void MoveEstimator::chunk_flows(const MovePath& path, double bytes, std::int64_t items,
                                std::vector<FairFlow>& out) const {
  // One RPC stream's window over the slower leg's round trip caps the bulk flow.
  if (bytes > 0)
    out.push_back({std::floor(bytes), &path.flow, window_cap_bytes_per_s(cost_, path.rtt_max)});
  for (const auto& [disk, server] : {std::pair{&path.source_disk_io, path.source_server},
                                     std::pair{&path.target_disk_io, path.target_server}}) {
    const Bytes page = page_size(cost_, s_.servers[static_cast<size_t>(server)]);
    const double io = chunk_page_io_bytes(cost_, items, page);
    if (io >= 1) out.push_back({std::floor(io), disk});
  }
}

Seconds MoveEstimator::predict(const MovePath& path, Bytes size_bytes, std::int64_t items) const {
  const ChunkPlan plan(cost_, size_bytes, items);  // models/move_cost.hpp
  const double per_item = per_item_time(cost_, path.rtt_sum).value;
  // CPU work is one activity on the source, the mover and the target.
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

  // A chunk's time depends on its bytes and items alone, and an even split gives a mailbox's
  // chunks at most four distinct pairs (each count rounded down or up): each is computed once,
  // and the sum still adds every chunk's term in order (the same figure to the last bit).
  struct ChunkTerm {
    double bytes;
    std::int64_t items;
    double seconds;
  };
  std::vector<ChunkTerm> known;
  double total = path.setup_latency.value;
  for (std::int64_t c = 0; c < plan.count(); ++c) {
    const double bytes = plan.bytes(c);
    const std::int64_t chunk_items = plan.items(c);
    const auto seen = std::find_if(known.begin(), known.end(), [&](const ChunkTerm& t) {
      return t.bytes == bytes && t.items == chunk_items;
    });
    if (seen != known.end()) {
      total += seen->seconds;
      continue;
    }
    std::vector<FairFlow> flows;
    chunk_flows(path, bytes, chunk_items, flows);
    double transfer = transfer_time(std::move(flows), capacity_);
    const double cycles = chunk_cycles(cost_, bytes, chunk_items);
    if (cycles >= 1) {
      for (const HostLoad& h : hosts) {
        const Hardware& hw = s_.servers[static_cast<size_t>(h.server)].hardware;
        const double share = std::min(1.0, double(hw.cores) / double(h.activities));
        transfer = std::max(transfer, cycles / (hw.clock.value * share));
      }
    }
    const double term = double(chunk_items) * per_item + transfer;
    known.push_back({bytes, chunk_items, term});
    total += term;
  }
  return Seconds{total};
}

}  // namespace coexlab
