#include "mail_paths.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace coexlab::sim {
namespace {

bool is_mailbox_server(const Server& sv) {
  return sv.has(Role::mailbox);
}

}  // namespace

MailPaths::MailPaths(const Scenario& s, const SiteGraph& graph, const CostModel& cost,
                     const Platform& platform)
    : s_(s), cost_(cost), platform_(platform), router_(s, graph), n_(s.servers.size()) {
  connector_ = internet_connector(s);
  std::vector<int> mbx;  // every server that holds mailboxes now or after a move
  for (size_t i = 0; i < n_; ++i)
    if (is_mailbox_server(s.servers[i])) mbx.push_back(int(i));
  internal_.assign(n_ * n_, MailPath{});
  outbound_.assign(n_, MailPath{});
  inbound_.assign(n_, MailPath{});
  for (int a : mbx) {
    for (int b : mbx) internal_[size_t(a) * n_ + size_t(b)] = internal_path(a, b);
    outbound_[size_t(a)] = internet_path(a, true);
    inbound_[size_t(a)] = internet_path(a, false);
  }
  for (size_t i = 0; i < internal_.size(); ++i) internal_[i].id = int(i);
  for (size_t i = 0; i < n_; ++i) {
    outbound_[i].id = int(n_ * n_ + i);
    inbound_[i].id = int(n_ * n_ + n_ + i);
  }
  for (MailPath& p : internal_) give_networks(p);
  for (MailPath& p : outbound_) give_networks(p);
  for (MailPath& p : inbound_) give_networks(p);
}

// A path from `a` to `b` where `b` (or `a`) is a transport server standing in for the
// internet: drop the router's store-driver hop of a hub to itself.
std::vector<MailHop> MailPaths::transport_path(int a, int b) const {
  std::vector<MailHop> hops = router_.path(a, b);
  if (!hops.empty() && hops.back().from_server == hops.back().to_server) hops.pop_back();
  if (!hops.empty() && hops.front().from_server == hops.front().to_server) hops.erase(hops.begin());
  return hops;
}

// The hub that an Edge hands mail to (in its subscribed site), or the connector itself.
int MailPaths::internet_gateway() const {
  if (connector_ < 0) return -1;
  const Server& c = s_.servers[size_t(connector_)];
  if (c.has(Role::edge_transport)) return router_.hub_in_site(s_.site_index(c.subscribed_site));
  return connector_;
}

// The parts of a path's latency that do not depend on the load.
void MailPaths::finish_path(MailPath& p) const {
  const auto narrowest = [](const std::vector<sg4::LinkInRoute>& links) {
    double bw = std::numeric_limits<double>::infinity();
    for (const auto& l : links) bw = std::min(bw, l.get_link()->get_bandwidth());
    return bw;
  };
  for (PathHop& ph : p.hops) {
    const MailHop& h = ph.hop;
    if (h.from_server == h.to_server) continue;
    const LegLinks leg = platform_.leg(h.from_server, h.to_server);
    const double rt =
        h.rpc ? cost_.rpc_round_trips_per_message : cost_.smtp_round_trips_per_message;
    ph.round_trip_s = rt > 0 && leg.latency.value > 0 ? rt * 2 * leg.latency.value : 0;
    p.round_trips += rt * 2 * leg.latency.value;
    p.seconds_per_byte += 1.0 / narrowest(leg.links);
  }
  const auto nic = [&](int server) { return platform_.server(server).nic->get_bandwidth(); };
  if (p.inbound) p.seconds_per_byte += 1.0 / nic(p.first);
  if (p.outbound) p.seconds_per_byte += 1.0 / nic(p.exit());
  p.valid = true;
}

namespace {
std::vector<PathHop> with_hops(const std::vector<MailHop>& hops) {
  std::vector<PathHop> out;
  out.reserve(hops.size());
  for (const MailHop& h : hops) out.push_back({h, -1, 0});
  return out;
}
}  // namespace

MailPath MailPaths::internal_path(int from, int to) const {
  MailPath p;
  p.first = from;
  p.hops = with_hops(router_.path(from, to));
  const Server& a = s_.servers[size_t(from)];
  const Server& b = s_.servers[size_t(to)];
  p.path_class =
      classify_path(a.version, b.version, s_.site_index(a.site), s_.site_index(b.site), false);
  if (p.hops.empty() && from != to) return p;  // no route: layout error, mail dropped
  if (p.hops.empty() && !(a.is_2003() && b.is_2003())) return p;
  finish_path(p);
  return p;
}

MailPath MailPaths::internet_path(int server, bool out) const {
  MailPath p;
  p.first = out ? server : connector_;
  p.outbound = out;
  p.inbound = !out;
  p.path_class = PathClass::internet;
  if (connector_ < 0) return p;
  const int gateway = internet_gateway();
  if (gateway < 0) return p;
  // Between the server and the gateway: the transport path, or, when a 2007 server is the
  // gateway itself, the store driver to its local hub.
  std::vector<MailHop> inside;
  if (gateway != server) {
    inside = out ? transport_path(server, gateway) : transport_path(gateway, server);
    if (inside.empty()) return p;  // no route: layout error, mail dropped
  } else if (s_.servers[size_t(server)].is_2007()) {
    inside.push_back({server, server, true});
  }
  // The gateway and the connector are one server unless the connector is an Edge.
  std::vector<MailHop> hops;
  if (!out && gateway != connector_) hops.push_back({connector_, gateway, false});
  hops.insert(hops.end(), inside.begin(), inside.end());
  if (out && gateway != connector_) hops.push_back({gateway, connector_, false});
  p.hops = with_hops(hops);
  finish_path(p);
  return p;
}

int MailPaths::network(const std::string& key, const std::vector<sg4::LinkInRoute>& links) {
  const auto [it, added] = network_index_.emplace(key, int(networks_.size()));
  if (added) networks_.push_back({key, links});
  return it->second;
}

int MailPaths::internet_network(int server, bool out) {
  const ServerPlatform& sp = platform_.server(server);
  return network(std::string(out ? "out:" : "in:") + s_.servers[size_t(server)].name,
                 {sg4::LinkInRoute(sp.nic, out ? sg4::LinkInRoute::Direction::UP
                                               : sg4::LinkInRoute::Direction::DOWN)});
}

void MailPaths::give_networks(MailPath& p) {
  if (!p.valid) return;
  for (PathHop& ph : p.hops) {
    const MailHop& h = ph.hop;
    if (h.from_server == h.to_server) continue;
    ph.network =
        network(s_.servers[size_t(h.from_server)].name + ">" + s_.servers[size_t(h.to_server)].name,
                platform_.leg(h.from_server, h.to_server).links);
  }
  if (p.inbound) p.in_network = internet_network(p.first, false);
  if (p.outbound) p.out_network = internet_network(p.exit(), true);
}

}  // namespace coexlab::sim
