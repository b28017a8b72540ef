// Predicted duration of a mailbox move *alone on the platform*, from the scenario and the cost
// model, without SimGrid. It mirrors the simulator's chunk model (sim/migration.cpp):
//
//   duration = route latency (source -> mover -> target, once)
//            + sum over chunks of
//                items_c x (rpc_round_trips_per_item x (RTT_source_leg + RTT_target_leg
//                                                       + 2 x rpc_server_time)
//                           + item_server_time)                          (a delay)
//              + the chunk's transfer phase: the longer of
//                  its flows under max-min fair sharing — the bytes over every resource of
//                  the path (the slowest binds; capped at tcp_window / RTT of the slower
//                  leg), and the per-item page I/O on each database disk beside them —
//                  and its CPU work (cycles / clock, on source, mover and target).
//
// Chunks split bytes and items evenly in whole units, exactly as the simulator does. With no
// page I/O (ideal mode) this is route latency + items x per-item time + bytes / min(capacity
// on the path, tcp_window / RTT); tests/sim/test_schedulers.cpp checks it against simulated
// moves in both modes. It ignores every other move, backups, full log disks, windows and bad
// items: the known approximation of the schedulers that use it ("predictions ignore
// contention").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "max_min.hpp"
#include "scenario.hpp"

namespace coexlab {

class SiteGraph;

// A rate resource a move's data crosses: a database or log disk, a NIC, a LAN or a WAN link
// in one direction. Ids follow the result files ("EX03/database_disk", "site/HQ/lan") with
// the direction of full-duplex resources appended (":up" / ":down", as in docs/model.md).
struct RateResource {
  std::string id;
  BytesPerSecond capacity{0};
};

// Everything about one (source server, target server) pair that the prediction needs.
struct MovePath {
  int source_server = -1;
  int mover = -1;
  int target_server = -1;
  std::vector<PathCrossing> flow;  // the bulk flow: source disk, network legs, target disks
  int source_disk = -1;            // resource indices of the three disks
  int target_disk = -1;
  int target_log_disk = -1;
  std::vector<PathCrossing> source_disk_io;  // the per-item page I/O's flows: one disk each
  std::vector<PathCrossing> target_disk_io;
  Seconds setup_latency{0};  // one way, source -> mover -> target: paid once per move
  Seconds rtt_sum{0};        // round trip of the source leg + round trip of the target leg
  Seconds rtt_max{0};        // the slower leg's round trip: bounds a TCP window
};

// Paths and predictions for every request of a scenario's queue, computed once.
class MoveEstimator {
 public:
  // `mailboxes` and `queue` as built by generate_mailboxes / build_move_queue; they must
  // outlive the estimator. Requires a validated scenario (the mover and the routes exist).
  MoveEstimator(const Scenario& s, const CostModel& cost, const std::vector<Mailbox>& mailboxes,
                const std::vector<MoveRequest>& queue);

  const std::vector<RateResource>& resources() const { return resources_; }
  // Their capacities, by the same index (what MaxMinSolver::solve takes).
  const std::vector<double>& capacities() const { return capacity_; }
  const MovePath& path(int source_server, int target_server) const;
  const MovePath& path_of(int queue_index) const;

  // Seconds a request's move takes alone on the platform (see the header comment). Computed
  // on first use: a scheduler that never asks (fifo) pays nothing.
  Seconds predicted_duration(int queue_index) const;
  // Its mean rate alone: size / predicted duration (what it asks of each resource it crosses).
  BytesPerSecond predicted_rate(int queue_index) const;

  // What a request's whole move puts on the rate resources of its path: the bulk bytes times
  // their crossings over each resource of the flow, in path order, then the per-item page I/O
  // on the source and the target database disk (the sums the prediction's flows carry). A disk
  // can appear twice (in the flow and for its page I/O): add the entries up per resource.
  std::vector<std::pair<int, Bytes>> resource_bytes(int queue_index) const;

  // One chunk's flows over the rate resources, appended to `out`: its bytes over the path
  // (capped at tcp_window / RTT of the slower leg), then the page I/O of its items on the
  // source and on the target database disk; a flow under one byte is left out (the simulator
  // hands SimGrid whole bytes). The chunk's CPU work is not a rate resource's: chunk_cycles.
  void chunk_flows(const MovePath& path, double bytes, std::int64_t items,
                   std::vector<FairFlow>& out) const;

  // The formula itself, for any size and item count over a known path.
  Seconds predict(const MovePath& path, Bytes size, std::int64_t items) const;

 private:
  int resource(const std::string& id, BytesPerSecond capacity);
  void add_leg(const SiteGraph& graph, MovePath& path, int from, int to);
  MovePath make_path(const SiteGraph& graph, int source_server, int target_server);

  const Scenario& s_;
  CostModel cost_;
  const std::vector<Mailbox>& mailboxes_;
  const std::vector<MoveRequest>& queue_;
  int mover_ = -1;
  std::vector<RateResource> resources_;
  std::vector<double> capacity_;  // resources_' capacities, once every path is known
  std::map<std::string, int> resource_index_;
  std::map<std::pair<int, int>, MovePath> paths_;
  std::vector<const MovePath*> path_of_;                   // by queue index
  mutable std::vector<std::optional<Seconds>> predicted_;  // by queue index, once asked
};

}  // namespace coexlab
