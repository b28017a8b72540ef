#include "background_load.hpp"

#include <algorithm>
#include <cmath>

namespace coexlab::sim {

double LinkLoad::bytes_at(double now) const {
  return served + rate * std::clamp(now - since, 0.0, until - since);
}

BackgroundLoad::BackgroundLoad(const Scenario& s, const Platform& platform) {
  using Dir = sg4::LinkInRoute::Direction;
  const auto duplex = [&](sg4::SplitDuplexLink* d) {
    add_link(d, Dir::UP, d->get_link_up());
    add_link(d, Dir::DOWN, d->get_link_down());
  };
  for (size_t i = 0; i < s.servers.size(); ++i) {
    const ServerPlatform& sp = platform.server(int(i));
    add_link(sp.database_disk, Dir::NONE, sp.database_disk);
    add_link(sp.log_disk, Dir::NONE, sp.log_disk);
    duplex(sp.nic);
  }
  for (size_t i = 0; i < s.sites.size(); ++i) duplex(platform.lan(int(i)));
  for (size_t i = 0; i < s.links.size(); ++i) duplex(platform.wan(int(i)));
  for (size_t i = 0; i < s.servers.size(); ++i) {
    const Server& sv = s.servers[i];
    CpuStream cpu;
    cpu.host = platform.server(int(i)).host;
    cpu.cores = std::max(1, sv.hardware.cores);
    cpu.clock = sv.hardware.clock.value;
    cpu_.push_back(std::move(cpu));
  }
}

// `key_link` is what a LinkInRoute names (a split-duplex link for its directions), `link` the
// SimGrid link that carries the bytes.
void BackgroundLoad::add_link(const sg4::Link* key_link, sg4::LinkInRoute::Direction dir,
                              sg4::Link* link) {
  const int index = int(loads_.size());
  load_index_[{key_link, dir}] = index;
  by_link_[link] = index;
  loads_.push_back({link, link->get_bandwidth()});
}

int BackgroundLoad::add_route(const std::vector<sg4::LinkInRoute>& links) {
  std::vector<int> route;
  for (const sg4::LinkInRoute& l : links) {
    const auto key = std::make_pair(l.get_link(), l.get_direction());
    if (!load_index_.count(key))  // a meter
      add_link(l.get_link(), l.get_direction(), const_cast<sg4::Link*>(l.get_link()));
    route.push_back(load_index_.at(key));
  }
  routes_.push_back(std::move(route));
  return int(routes_.size() - 1);
}

void BackgroundLoad::load(int route, double bytes) {
  for (int l : routes_[size_t(route)]) loads_[size_t(l)].demand += bytes;
}

double BackgroundLoad::bytes(const sg4::Link* link, double now) const {
  const auto it = by_link_.find(link);
  return it == by_link_.end() ? 0 : loads_[size_t(it->second)].bytes_at(now);
}

// The links' rates hold for the interval: the moves are slowed, not stopped, and the rest
// waits. The CPU activities keep running into the next interval if the server is too busy,
// the new work queued behind them. (Cancelling them instead would crash SimGrid 3.32's
// host-load plugin on the next start.) A link's load counter is brought up to date before
// its bandwidth changes (see the Sampler in simulate.cpp).
void BackgroundLoad::issue(double t0, double dt) {
  for (LinkLoad& l : loads_) {
    l.served += l.rate * (l.until - l.since);
    const double need = l.demand + l.carry;
    l.rate = std::min(need / dt, 0.98 * l.capacity);
    l.carry = need - l.rate * dt;
    l.demand = 0;
    l.since = t0;
    l.until = t0 + dt;
    if (l.rate != l.applied) {  // an unchanged link keeps the sharing solver's work small
      l.link->set_bandwidth(l.capacity - l.rate);
      l.applied = l.rate;
    }
  }
  for (CpuStream& c : cpu_) {
    std::erase_if(c.running, [](const sg4::ExecPtr& e) { return e->test(); });
    c.carry += c.demand;
    c.demand = 0;
    // A server still busy with earlier intervals' work gets no more activities: the new
    // work waits behind (a bounded number of activities, however overloaded it is).
    if (!c.running.empty() || c.carry < 1) continue;
    const double need = c.carry;
    c.carry = 0;
    const double rate = need / dt;
    const int n = std::clamp(int(std::ceil(rate / c.clock - 1e-9)), 1, c.cores);
    for (int k = 0; k < n; ++k) c.running.push_back(start_exec(c.host, need / n, rate / n));
  }
}

}  // namespace coexlab::sim
