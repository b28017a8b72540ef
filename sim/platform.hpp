// The SimGrid platform built from a validated Scenario.
//
// Every resource that data crosses is a SimGrid link with zero latency, so that one flow
// over all of them is shared max-min fairly with equal weights (CM02, exact): a server's
// database disk (iops x page size, reads and writes share it) and log disk (throughput),
// its NIC (full duplex), each site's LAN (full duplex) and each WAN link (full duplex).
// Latency is added by the actors explicitly (once per move, per RPC round trip), never by
// the links: CM02 would otherwise weight shares by latency, which SPEC's ideal mode forbids.
//
// Flows run between "channel" endpoints: a pair of virtual hosts whose only route is the
// list of links a kind of transfer crosses (source disk -> ... -> target log disk). SimGrid
// 3.32 routes are per host pair, so each distinct path gets its own channel.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <simgrid/s4u.hpp>

#include "calibration.hpp"
#include "move_cost.hpp"
#include "scenario.hpp"
#include "site_graph.hpp"

namespace coexlab::sim {

namespace sg4 = simgrid::s4u;

struct ServerPlatform {
  sg4::Host* host = nullptr;
  sg4::Link* database_disk = nullptr;   // bandwidth: iops x page size (B/s)
  sg4::Link* log_disk = nullptr;        // bandwidth: log throughput (B/s)
  sg4::SplitDuplexLink* nic = nullptr;  // UP: leaving the server, DOWN: entering
  double page_size = 0;                 // bytes per database I/O (4 KiB 2003, 8 KiB 2007)
  // A flow path over the database disk alone: page I/O that crosses nothing else (per-item
  // lookups of a move, a backup's reads, later the users' database I/O).
  struct {
    sg4::Host* source = nullptr;
    sg4::Host* destination = nullptr;
  } disk_only;
};

// The network part of a transfer from one server to another (models/move_cost.hpp
// network_leg), as SimGrid links.
struct LegLinks {
  std::vector<sg4::LinkInRoute> links;
  Seconds latency{0};  // one way: LAN(s) + WAN links
};

struct Channel {
  sg4::Host* source = nullptr;
  sg4::Host* destination = nullptr;
};

class Platform {
 public:
  // Creates the zone, the server hosts and every link. Channels come next, then seal().
  Platform(const Scenario& s, const SiteGraph& graph, const CostModel& cost);

  // A flow path over `links`; same name twice returns the first channel. Before seal().
  Channel add_channel(const std::string& name, const std::vector<sg4::LinkInRoute>& links);
  // A per-flow rate limit to put among a channel's links: a zero-latency FATPIPE link, so
  // every flow over it gets up to `rate` B/s without sharing it. (SimGrid 3.32 ignores
  // Comm::set_rate on host-to-host comms.) Same name twice returns the first. Before seal().
  sg4::Link* add_rate_limit(const std::string& name, double rate);
  // A link that limits nothing and counts the bytes that cross it (a probe's meter), for a
  // share of a resource's traffic: put it beside the resource in a channel. Before seal().
  sg4::Link* add_meter(const std::string& name);
  void seal();

  // The SimGrid links a channel's flows cross (split-duplex links resolved to the direction
  // used), by the channel's source host; empty for a host that is no channel's source.
  const std::vector<const sg4::Link*>& channel_links(const sg4::Host* source) const;

  const ServerPlatform& server(int index) const { return servers_[static_cast<size_t>(index)]; }
  sg4::SplitDuplexLink* lan(int site) const { return lans_[static_cast<size_t>(site)]; }
  sg4::SplitDuplexLink* wan(int link) const { return wans_[static_cast<size_t>(link)]; }

  // Links and latency from server `from` to server `to` (empty when the same server), by the
  // direction rule of models/move_cost.hpp network_leg.
  LegLinks leg(int from, int to) const;

 private:
  const Scenario& s_;
  const SiteGraph& graph_;
  sg4::NetZone* zone_ = nullptr;
  std::vector<ServerPlatform> servers_;
  std::vector<sg4::SplitDuplexLink*> lans_;
  std::vector<sg4::SplitDuplexLink*> wans_;
  std::map<std::string, Channel> channels_;
  std::map<std::string, sg4::Link*> rate_limits_;
  std::unordered_map<const sg4::Host*, std::vector<const sg4::Link*>> channel_links_;
};

// Starts a flow of `bytes` over a channel. A rate cap is a link of the channel
// (Platform::add_rate_limit): 3.32 ignores Comm::set_rate on host-to-host comms.
sg4::CommPtr start_flow(const Channel& channel, double bytes);
// Told of every flow that start_flow starts, once started (SimGrid 3.32 has no signal for
// host-to-host comm starts). One engine per process: a process-wide observer.
void set_flow_observer(std::function<void(const sg4::CommPtr&)> observer);

// Starts `flops` of computation on `host`, whichever actor calls, with a rate `bound` (flops/s)
// when positive. Every CPU activity goes through here or execute_on: SimGrid 3.32's
// Host::exec_async, Host::exec_init and Host::execute run the work on the *calling actor's*
// host, not on the host they are called on.
sg4::ExecPtr start_exec(sg4::Host* host, double flops, double bound = 0);
// start_exec, then waits for it.
void execute_on(sg4::Host* host, double flops);

// One place that knows the 3.32 route API (it changes in 3.35).
void add_route(sg4::NetZone* zone, sg4::Host* from, sg4::Host* to,
               const std::vector<sg4::LinkInRoute>& links);

}  // namespace coexlab::sim
