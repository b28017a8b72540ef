#include "site_graph.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

namespace coexlab {
namespace {

// An undirected weighted graph; edge i of `edges` carries id i.
struct WeightedEdge {
  int u = 0;
  int v = 0;
  double cost = 0;
};

using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          boost::property<boost::edge_weight_t, double>>;

// Weight with a hop tie-break: among equal-cost paths the one with fewer hops wins.
constexpr double kHopTieBreak = 1e-7;

Graph make_graph(int n, const std::vector<WeightedEdge>& edges) {
  Graph g(static_cast<size_t>(n));
  for (const WeightedEdge& e : edges) {
    boost::add_edge(static_cast<size_t>(e.u), static_cast<size_t>(e.v), e.cost + kHopTieBreak, g);
  }
  return g;
}

// Shortest paths from one node (Dijkstra). The edge that reaches a node from its predecessor
// is the cheapest edge between the two (the lowest index on ties); a path is materialised
// only for the targets asked for.
struct PathResult {
  std::vector<int> nodes;  // from .. to; empty when unreachable
  std::vector<int> edges;
  double cost = 0;
};

// A graph over `edges` and the cheapest edge between each pair of nodes (the lowest index on
// ties), built once for any number of sources.
struct EdgeIndex {
  EdgeIndex(int node_count, const std::vector<WeightedEdge>& edge_list)
      : n(node_count), edges(edge_list), graph(make_graph(node_count, edge_list)) {
    for (size_t i = 0; i < edges.size(); ++i) {
      const auto key = std::minmax(edges[i].u, edges[i].v);
      auto [it, fresh] = cheapest.emplace(key, static_cast<int>(i));
      if (!fresh && edges[i].cost < edges[static_cast<size_t>(it->second)].cost) {
        it->second = static_cast<int>(i);
      }
    }
  }
  int n;
  const std::vector<WeightedEdge>& edges;
  Graph graph;
  std::map<std::pair<int, int>, int> cheapest;  // (lower node, higher node) -> edge index
};

class ShortestPaths {
 public:
  ShortestPaths(int from, const EdgeIndex& index)
      : from_(from),
        edges_(index.edges),
        pred_(static_cast<size_t>(index.n), -1),
        pred_edge_(static_cast<size_t>(index.n), -1) {
    const auto n = static_cast<size_t>(index.n);
    std::vector<size_t> pred(n);
    std::vector<double> dist(n);
    boost::dijkstra_shortest_paths(index.graph, static_cast<size_t>(from),
                                   boost::predecessor_map(pred.data()).distance_map(dist.data()));
    for (size_t v = 0; v < n; ++v) {
      if (int(v) == from || dist[v] == std::numeric_limits<double>::max()) continue;
      pred_[v] = static_cast<int>(pred[v]);
      pred_edge_[v] = index.cheapest.at(std::minmax(pred_[v], int(v)));
    }
  }

  PathResult path_to(int to) const {
    PathResult r;
    if (to != from_ && pred_[static_cast<size_t>(to)] < 0) return r;
    for (int v = to; v != from_; v = pred_[static_cast<size_t>(v)]) {
      r.nodes.push_back(v);
      r.edges.push_back(pred_edge_[static_cast<size_t>(v)]);
      r.cost += edges_[static_cast<size_t>(r.edges.back())].cost;
    }
    r.nodes.push_back(from_);
    std::reverse(r.nodes.begin(), r.nodes.end());
    std::reverse(r.edges.begin(), r.edges.end());
    return r;
  }

 private:
  int from_;
  const std::vector<WeightedEdge>& edges_;
  std::vector<int> pred_;       // -1: unreachable (or `from`)
  std::vector<int> pred_edge_;  // the edge from pred_[v] to v
};

}  // namespace

SiteGraph::SiteGraph(const Scenario& s) {
  const int n = static_cast<int>(s.sites.size());
  for (size_t i = 0; i < s.links.size(); ++i) {
    const Link& l = s.links[i];
    link_latency_.push_back(l.latency);
    const int a = s.site_index(l.site_a);
    const int b = s.site_index(l.site_b);
    // A link to an unknown site is a reported error: leave it out.
    if (a >= 0 && b >= 0) usable_.push_back({a, b, l.cost, static_cast<int>(i)});
  }
  routes_.resize(static_cast<size_t>(n));
  filled_.assign(static_cast<size_t>(n), false);
  std::vector<WeightedEdge> edges;
  for (const UsableLink& u : usable_) edges.push_back({u.site_a, u.site_b, u.cost});
  Graph g = make_graph(n, edges);
  component_of_.assign(static_cast<size_t>(n), 0);
  if (n > 0) boost::connected_components(g, component_of_.data());
}

void SiteGraph::fill_routes_from(int from) const {
  const int n = site_count();
  std::vector<WeightedEdge> edges;
  for (const UsableLink& u : usable_) edges.push_back({u.site_a, u.site_b, u.cost});
  const EdgeIndex index(n, edges);
  const ShortestPaths paths(from, index);
  auto& row = routes_[static_cast<size_t>(from)];
  row.assign(static_cast<size_t>(n), std::nullopt);
  for (int to = 0; to < n; ++to) {
    PathResult p = paths.path_to(to);
    if (p.nodes.empty()) continue;
    SiteRoute r;
    r.sites = std::move(p.nodes);
    for (int e : p.edges) {
      const int link = usable_[static_cast<size_t>(e)].link;
      r.links.push_back(link);
      r.latency += link_latency_[static_cast<size_t>(link)];
    }
    r.cost = p.cost;
    row[static_cast<size_t>(to)] = std::move(r);
  }
  filled_[static_cast<size_t>(from)] = true;
}

const std::optional<SiteRoute>& SiteGraph::route(int from, int to) const {
  if (!filled_[static_cast<size_t>(from)]) fill_routes_from(from);
  return routes_[static_cast<size_t>(from)][static_cast<size_t>(to)];
}

std::vector<std::vector<int>> SiteGraph::components() const {
  std::map<int, std::vector<int>> by_id;
  for (size_t i = 0; i < component_of_.size(); ++i) by_id[component_of_[i]].push_back(int(i));
  std::vector<std::vector<int>> out;
  out.reserve(by_id.size());
  for (auto& [id, sites] : by_id) out.push_back(std::move(sites));
  std::sort(out.begin(), out.end());
  return out;
}

// ---- mail routing -------------------------------------------------------------------------

namespace {

constexpr const char* k2007Group =
    "\x01"
    "2007";  // the 2007 routing group's node key

struct GroupGraph {
  std::vector<std::string> groups;         // node names: 2003 routing groups, then the 2007 group
  std::map<std::string, int> group_index;  // name -> first index in `groups`
  std::vector<WeightedEdge> edges;         // one per connector, same order as `connectors`
  std::vector<const RoutingGroupConnector*> connectors;

  int index(const std::string& g) const {
    const auto it = group_index.find(g);
    return it == group_index.end() ? -1 : it->second;
  }
  void add(const std::string& g) {
    group_index.emplace(g, int(groups.size()));
    groups.push_back(g);
  }
};

std::string group_of(const Scenario& s, int server) {
  const Server& sv = s.servers[static_cast<size_t>(server)];
  return sv.is_2003() ? sv.routing_group : k2007Group;
}

GroupGraph build_group_graph(const Scenario& s) {
  // Maps, not linear look-ups: this runs for every message path a check asks for, and a
  // scenario may hold thousands of servers and routing groups.
  GroupGraph gg;
  std::map<std::string, int> server_index;  // name -> first index, as Scenario::server_index
  for (size_t i = 0; i < s.servers.size(); ++i) {
    const Server& sv = s.servers[i];
    server_index.emplace(sv.name, int(i));
    if (sv.is_2003() && gg.index(sv.routing_group) < 0) gg.add(sv.routing_group);
  }
  gg.add(k2007Group);
  const auto find_server = [&](const std::string& name) {
    const auto it = server_index.find(name);
    return it == server_index.end() ? -1 : it->second;
  };
  for (const RoutingGroupConnector& c : s.connectors.routing_group) {
    const int a = find_server(c.server_a);
    const int b = find_server(c.server_b);
    if (a < 0 || b < 0) continue;
    const int ga = gg.index(group_of(s, a));
    const int gb = gg.index(group_of(s, b));
    if (ga < 0 || gb < 0 || ga == gb) continue;
    gg.edges.push_back({ga, gb, c.cost});
    gg.connectors.push_back(&c);
  }
  return gg;
}

void add_hop(std::vector<MailHop>& hops, int from, int to, bool rpc) {
  if (from == to && !rpc) return;  // SMTP to oneself is no hop
  hops.push_back({from, to, rpc});
}

}  // namespace

struct MailRouter::Groups {
  explicit Groups(const Scenario& s)
      : graph(build_group_graph(s)), index(int(graph.groups.size()), graph.edges) {}
  GroupGraph graph;
  EdgeIndex index;
  std::map<int, ShortestPaths> from;  // by source group

  const ShortestPaths& paths_from(int group) {
    auto it = from.find(group);
    if (it == from.end()) {
      it = from.emplace(std::piecewise_construct, std::forward_as_tuple(group),
                        std::forward_as_tuple(group, index))
               .first;
    }
    return it->second;
  }
};

// The site graph is not needed (yet): routes follow routing groups and hubs, which the
// scenario alone gives. The parameter stays so that callers keep one signature.
MailRouter::MailRouter(const Scenario& s, const SiteGraph& /*g*/)
    : s_(s), groups_(std::make_unique<Groups>(s)) {}

MailRouter::~MailRouter() = default;

int MailRouter::hub_in_site(int site) const {
  const bool known = site >= 0 && site < int(s_.sites.size());
  for (size_t i = 0; i < s_.servers.size(); ++i) {
    const Server& sv = s_.servers[i];
    if (!sv.is_2007() || !sv.has(Role::hub_transport)) continue;
    // Compare the name first: site_index is a linear search, too slow for every server.
    if (known && sv.site != s_.sites[static_cast<size_t>(site)].name) continue;
    if (s_.site_index(sv.site) == site) return int(i);
  }
  return -1;
}

int MailRouter::bridgehead_of_group(const std::string& rg) const {
  for (size_t i = 0; i < s_.servers.size(); ++i) {
    const Server& sv = s_.servers[i];
    if (sv.is_2003() && sv.has(Role::bridgehead) && sv.routing_group == rg) return int(i);
  }
  return -1;
}

std::vector<MailHop> MailRouter::hub_path(int from_hub, int to_hub) const {
  std::vector<MailHop> hops;
  add_hop(hops, from_hub, to_hub, false);  // 2007 hubs talk SMTP directly, across sites
  return hops;
}

// Walks a connector path from `server` (in the path's first group) and returns the hops to
// the far end of the last connector; `*end` receives that server.
static std::vector<MailHop> walk_connectors(const Scenario& s, const GroupGraph& gg,
                                            const std::vector<int>& edge_path, int server,
                                            int* end) {
  std::vector<MailHop> hops;
  int at = server;
  for (int e : edge_path) {
    const RoutingGroupConnector& c = *gg.connectors[static_cast<size_t>(e)];
    const int a = s.server_index(c.server_a);
    const int b = s.server_index(c.server_b);
    const std::string here = group_of(s, at);
    const int near = group_of(s, a) == here ? a : b;
    const int far = near == a ? b : a;
    add_hop(hops, at, near, false);
    add_hop(hops, near, far, false);
    at = far;
  }
  *end = at;
  return hops;
}

std::vector<MailHop> MailRouter::path_2003(int from, int to) const {
  std::vector<MailHop> hops;
  if (from == to) return hops;  // local delivery by the store
  const std::string gf = group_of(s_, from);
  const std::string gt = group_of(s_, to);
  if (gf == gt) {
    add_hop(hops, from, to, false);
    return hops;
  }
  const GroupGraph& gg = groups_->graph;
  const PathResult p = groups_->paths_from(gg.index(gf)).path_to(gg.index(gt));
  if (p.nodes.empty()) return {};
  int at = -1;
  // 2003 leaves its routing group through the group's bridgehead.
  const int bh = bridgehead_of_group(gf);
  int start = from;
  if (bh >= 0) {
    add_hop(hops, from, bh, false);
    start = bh;
  }
  auto walk = walk_connectors(s_, gg, p.edges, start, &at);
  hops.insert(hops.end(), walk.begin(), walk.end());
  add_hop(hops, at, to, false);
  return hops;
}

std::vector<MailHop> MailRouter::cross_to_2007(int server_2003, int recipient_site) const {
  const GroupGraph& gg = groups_->graph;
  const int g_from = gg.index(group_of(s_, server_2003));
  const PathResult p = groups_->paths_from(g_from).path_to(gg.index(k2007Group));
  if (p.nodes.empty()) return {};
  std::vector<MailHop> hops;
  int start = server_2003;
  const int bh = bridgehead_of_group(group_of(s_, server_2003));
  if (bh >= 0) {
    add_hop(hops, server_2003, bh, false);
    start = bh;
  }
  int hub = -1;
  auto walk = walk_connectors(s_, gg, p.edges, start, &hub);
  hops.insert(hops.end(), walk.begin(), walk.end());
  const int local_hub = hub_in_site(recipient_site);
  if (local_hub < 0) return {};
  auto hh = hub_path(hub, local_hub);
  hops.insert(hops.end(), hh.begin(), hh.end());
  return hops;
}

std::vector<MailHop> MailRouter::cross_to_2003(int hub_2007, int server_2003) const {
  const GroupGraph& gg = groups_->graph;
  const PathResult p =
      groups_->paths_from(gg.index(k2007Group)).path_to(gg.index(group_of(s_, server_2003)));
  if (p.nodes.empty()) return {};
  int at = -1;
  // The sender's hub hands the message to the hub end of the first connector (SMTP, hub to
  // hub by site) and the path continues in 2003.
  auto walk = walk_connectors(s_, gg, p.edges, hub_2007, &at);
  std::vector<MailHop> hops = walk;
  add_hop(hops, at, server_2003, false);
  return hops;
}

std::vector<MailHop> MailRouter::path(int sender, int recipient) const {
  const Server& from = s_.servers[static_cast<size_t>(sender)];
  const Server& to = s_.servers[static_cast<size_t>(recipient)];
  const int to_site = s_.site_index(to.site);
  if (from.is_2003() && to.is_2003()) return path_2003(sender, recipient);
  if (from.is_2003()) {  // 2003 -> 2007
    auto hops = cross_to_2007(sender, to_site);
    if (hops.empty()) return {};
    const int hub = hops.back().to_server;
    add_hop(hops, hub, recipient, true);
    return hops;
  }
  // 2007 -> anything: first the store driver hands the message to a hub in the site (RPC).
  const int hub = hub_in_site(s_.site_index(from.site));
  if (hub < 0) return {};
  std::vector<MailHop> hops;
  add_hop(hops, sender, hub, true);
  if (to.is_2007()) {
    const int to_hub = hub_in_site(to_site);
    if (to_hub < 0) return {};
    auto hh = hub_path(hub, to_hub);
    hops.insert(hops.end(), hh.begin(), hh.end());
    add_hop(hops, to_hub, recipient, true);
    return hops;
  }
  auto rest = cross_to_2003(hub, recipient);
  if (rest.empty()) return {};
  hops.insert(hops.end(), rest.begin(), rest.end());
  return hops;
}

std::vector<int> MailRouter::sites_of(const std::vector<MailHop>& hops) const {
  std::vector<int> sites;
  const auto push = [&](int server) {
    const int site = s_.site_index(s_.servers[static_cast<size_t>(server)].site);
    if (sites.empty() || sites.back() != site) sites.push_back(site);
  };
  for (const MailHop& h : hops) {
    push(h.from_server);
    push(h.to_server);
  }
  return sites;
}

std::vector<Hairpin> find_hairpins(const Scenario& s, const SiteGraph& g, const MailRouter& r) {
  (void)g;
  std::vector<Hairpin> out;
  std::map<std::string, int> site_index;  // name -> first index, as Scenario::site_index
  for (size_t i = 0; i < s.sites.size(); ++i) site_index.emplace(s.sites[i].name, int(i));
  std::vector<int> site_of;  // per server
  for (const Server& sv : s.servers) {
    const auto it = site_index.find(sv.site);
    site_of.push_back(it == site_index.end() ? -1 : it->second);
  }
  for (size_t site = 0; site < s.sites.size(); ++site) {
    int a = -1, b = -1;
    for (size_t i = 0; i < s.servers.size(); ++i) {
      const Server& sv = s.servers[i];
      if (site_of[i] != int(site) || !sv.has(Role::mailbox)) continue;
      if (sv.is_2003() && a < 0) a = int(i);
      if (sv.is_2007() && b < 0) b = int(i);
    }
    if (a < 0 || b < 0) continue;
    const auto hops = r.path(a, b);
    if (hops.empty()) continue;
    const auto sites = r.sites_of(hops);
    if (std::any_of(sites.begin(), sites.end(), [&](int x) { return x != int(site); })) {
      out.push_back({int(site), sites, a, b});
    }
  }
  return out;
}

}  // namespace coexlab
