// Sites and WAN links as a Boost.Graph graph, and the routes both Exchange versions use:
// the network path between two sites (least AD site-link cost, as 2007 routes), and the
// path of a message between versions through the routing group connectors (as 2003 routes).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace coexlab {

struct SiteRoute {
  std::vector<int> sites;  // from .. to, indices into Scenario::sites
  std::vector<int> links;  // the WAN links crossed, in order
  double cost = 0;         // sum of AD site-link costs
  Seconds latency{0};      // sum of the links' one-way latencies (LANs not included)
};

class SiteGraph {
 public:
  explicit SiteGraph(const Scenario& s);

  int site_count() const { return static_cast<int>(routes_.size()); }
  // Least-cost route (Dijkstra on link cost; ties: fewer hops, then lower link indices).
  // nullopt when the sites are not connected. The routes from a site are computed on the
  // first call for that site (all pairs up front would cost O(n^3) memory on a chain of n
  // sites); the reference stays valid as long as the graph. Not thread-safe.
  const std::optional<SiteRoute>& route(int from, int to) const;
  // Connected components, each a sorted list of site indices, in order of their first site.
  std::vector<std::vector<int>> components() const;

 private:
  struct UsableLink {  // a link whose two sites exist
    int site_a = 0;
    int site_b = 0;
    double cost = 0;
    int link = -1;  // index into Scenario::links
  };
  void fill_routes_from(int from) const;

  std::vector<UsableLink> usable_;
  std::vector<Seconds> link_latency_;  // by index into Scenario::links
  mutable std::vector<std::vector<std::optional<SiteRoute>>> routes_;  // rows filled on demand
  mutable std::vector<bool> filled_;
  std::vector<int> component_of_;
};

// One hop of a message: from a server to another, and whether it uses RPC (MAPI, store
// driver) or SMTP.
struct MailHop {
  int from_server = -1;
  int to_server = -1;
  bool rpc = false;
};

// The servers a message crosses between the mailbox servers of sender and recipient, given
// which version each mailbox is on now. Empty when there is no path (a layout error).
// Rules (SPEC §1): 2003->2003 SMTP via bridgeheads between routing groups; 2007->anything
// through a hub in the sender's site over RPC; hub->hub SMTP; between versions through the
// cheapest coexistence connector; delivery to 2007 from a hub in the recipient's site by RPC.
// The router reads the scenario's servers and connectors once: build it after the last
// change to them (the rules add the implicit coexistence connector first).
class MailRouter {
 public:
  MailRouter(const Scenario& s, const SiteGraph& g);
  ~MailRouter();
  std::vector<MailHop> path(int sender_server, int recipient_server) const;
  // The sites a path visits, in order (each server's site), without repeats in a row.
  std::vector<int> sites_of(const std::vector<MailHop>& hops) const;
  // A 2007 hub in the site, or -1 (the first in file order).
  int hub_in_site(int site) const;
  int bridgehead_of_group(const std::string& routing_group) const;

 private:
  std::vector<MailHop> path_2003(int from, int to) const;         // 2003 -> 2003
  std::vector<MailHop> hub_path(int from_hub, int to_hub) const;  // 2007 hub -> hub
  // From a 2003 server to a 2007 hub across the cheapest coexistence connector, or back.
  std::vector<MailHop> cross_to_2007(int server_2003, int recipient_site) const;
  std::vector<MailHop> cross_to_2003(int hub_2007, int server_2003) const;

  const Scenario& s_;
  // The routing group graph, built once, and its shortest paths per source group, computed
  // on first use: the rules ask for a path per routing group and per site.
  struct Groups;
  std::unique_ptr<Groups> groups_;
};

struct Hairpin {
  int site = -1;                // where sender and recipient both are
  std::vector<int> path_sites;  // the sites the mail visits
  int server_2003 = -1;
  int server_2007 = -1;
};

// Sites whose local mail between a 2003 and a 2007 mailbox server leaves the site to reach
// a coexistence connector and comes back (London -> Dallas -> London).
std::vector<Hairpin> find_hairpins(const Scenario& s, const SiteGraph& g, const MailRouter& r);

}  // namespace coexlab
