// A message's way from its sender's server to its recipient's (or the internet), computed once
// per (source, destination) at set-up: the hops, each with the id of its network path and its
// round trips, so that nothing on the per-message path looks anything up by name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "calibration.hpp"
#include "mail_model.hpp"
#include "platform.hpp"
#include "scenario.hpp"
#include "site_graph.hpp"

namespace coexlab::sim {

struct PathHop {
  MailHop hop;
  int network = -1;         // MailPaths::networks() index; -1 on a server's own store driver
  double round_trip_s = 0;  // the hop's SMTP or RPC round trips (x 2 x one-way latency)
};

struct MailPath {
  bool valid = false;
  PathClass path_class = PathClass::legacy;
  bool inbound = false;   // from the internet, entering at hops.front().from_server
  bool outbound = false;  // to the internet, leaving at hops.back().to_server
  int first = -1;         // the server where it starts (sender, or the internet connector)
  std::vector<PathHop> hops;
  int in_network = -1;          // inbound: the connector's NIC, entering
  int out_network = -1;         // outbound: the exit's NIC, leaving
  int id = -1;                  // for a deterministic order of accumulation
  double round_trips = 0;       // seconds of SMTP and RPC round trips along the path
  double seconds_per_byte = 0;  // transfers at each leg's narrowest nominal rate
  // Where it leaves for the internet (outbound).
  int exit() const { return hops.empty() ? first : hops.back().hop.to_server; }
};

class MailPaths {
 public:
  // Every path between mailbox servers and to and from the internet connector (before any
  // of the users' load changes a link's bandwidth: the nominal rates are read here).
  MailPaths(const Scenario& s, const SiteGraph& graph, const CostModel& cost,
            const Platform& platform);

  const MailPath& internal(int from, int to) const {
    return internal_[size_t(from) * n_ + size_t(to)];
  }
  const MailPath& outbound(int from) const { return outbound_[size_t(from)]; }
  const MailPath& inbound(int to) const { return inbound_[size_t(to)]; }
  int connector() const { return connector_; }
  // Ids run from 0 to this, exclusive: internal paths, then outbound, then inbound.
  size_t path_count() const { return n_ * n_ + 2 * n_; }

  // The distinct network paths the valid paths' hops cross (a leg between two servers, or a
  // NIC to or from the internet), in the order they are first met.
  struct Network {
    std::string key;  // "A>B", "in:A", "out:A": names the channel
    std::vector<sg4::LinkInRoute> links;
  };
  const std::vector<Network>& networks() const { return networks_; }

 private:
  std::vector<MailHop> transport_path(int a, int b) const;
  int internet_gateway() const;
  void finish_path(MailPath& p) const;
  MailPath internal_path(int from, int to) const;
  // Mail between a server's mailboxes and the internet, out (`out`) or in: through the
  // internet gateway (the connector, or the hub an Edge connector hands mail to) and the
  // connector.
  MailPath internet_path(int server, bool out) const;
  void give_networks(MailPath& p);
  int network(const std::string& key, const std::vector<sg4::LinkInRoute>& links);
  int internet_network(int server, bool out);

  const Scenario& s_;
  const CostModel& cost_;
  const Platform& platform_;
  MailRouter router_;
  size_t n_ = 0;
  int connector_ = -1;
  std::vector<MailPath> internal_;  // [from * servers + to]
  std::vector<MailPath> outbound_, inbound_;
  std::vector<Network> networks_;
  std::map<std::string, int> network_index_;  // set-up only
};

}  // namespace coexlab::sim
