// The users' background load on the platform (both mail fidelities): every load interval,
// per link, the interval's bytes are taken off the link's capacity (at most 98 %; the rest
// waits for the next interval), so the moves share what the users leave; the probes count
// both. Per server, the interval's CPU cycles run as capped activities that share the cores
// with the moves'. (Background flows sharing max-min with the moves made the field case's
// solver time explode: thousands of coupled flows re-solved on every chunk of every move.)
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "platform.hpp"
#include "scenario.hpp"

namespace coexlab::sim {

// The users' CPU work on one server: activities per load interval, capped at the rate that
// does the interval's work in the interval.
struct CpuStream {
  sg4::Host* host = nullptr;
  int cores = 1;
  double clock = 0;
  double demand = 0;  // cycles asked this interval
  double carry = 0;   // cycles waiting for the server to finish earlier work
  std::vector<sg4::ExecPtr> running;
};

// The users' traffic on one SimGrid link (a disk, or one direction of a NIC, LAN or WAN
// link): it takes its rate off the link's capacity for the interval, so the moves share
// what is left, and the probes count its bytes beside theirs. Load beyond 98 % of the
// capacity waits for the next interval.
struct LinkLoad {
  sg4::Link* link = nullptr;
  double capacity = 0;  // B/s, the link's own
  double demand = 0;    // bytes asked this interval
  double carry = 0;     // bytes left over from earlier intervals
  double rate = 0;      // B/s served in the current interval
  double served = 0;    // bytes served before the current interval
  double since = 0;     // start of the current interval
  double until = 0;     // its end
  double applied = 0;   // the rate the link's bandwidth was last reduced by
  double bytes_at(double now) const;
};

class BackgroundLoad {
 public:
  // Every disk, NIC, LAN and WAN link of the platform (before Platform::seal).
  BackgroundLoad(const Scenario& s, const Platform& platform);

  // A route of the users' traffic: the loads of the links it crosses; returns its id. A link
  // that is none of the platform's (a meter) gets its own load: counted, never limiting.
  int add_route(const std::vector<sg4::LinkInRoute>& links);
  // Bytes over a route in the current interval.
  void load(int route, double bytes);
  // CPU cycles on a server in the current interval.
  void add_cycles(int server, double cycles) { cpu_[size_t(server)].demand += cycles; }

  // The interval [t0, t0 + dt) starts: each link gives up the users' rate (at most 98 % of
  // its capacity), each server's CPU work starts as capped activities.
  void issue(double t0, double dt);

  // Bytes of the users' traffic that crossed `link` until `now` (0 for a link it never uses).
  double bytes(const sg4::Link* link, double now) const;

 private:
  void add_link(const sg4::Link* key_link, sg4::LinkInRoute::Direction dir, sg4::Link* link);

  std::vector<LinkLoad> loads_;
  std::map<std::pair<const sg4::Link*, sg4::LinkInRoute::Direction>, int> load_index_;
  std::map<const sg4::Link*, int> by_link_;  // by the SimGrid link itself (probes)
  std::vector<std::vector<int>> routes_;     // load indices per route
  std::vector<CpuStream> cpu_;               // per server
};

}  // namespace coexlab::sim
