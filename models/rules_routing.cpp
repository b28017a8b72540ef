// Mail routing between the versions: L8 (connected sites), L7 (coexistence connectors,
// created as Exchange setup does when none is declared) and the hairpin warning.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "checks.hpp"
#include "loader.hpp"
#include "mail_model.hpp"
#include "mailboxes.hpp"
#include "profiles.hpp"
#include "rules_impl.hpp"
#include "scenario_keys.hpp"
#include "scheduler.hpp"
#include "site_graph.hpp"
#include "space_rules.hpp"
#include "windows.hpp"

namespace coexlab {

bool RuleChecker::connectivity() {
  if (s_.sites.empty()) return false;
  for (const Link& l : s_.links) {
    if (s_.site_index(l.site_a) < 0 || s_.site_index(l.site_b) < 0) return false;
  }
  const SiteGraph g(s_);
  const auto comps = g.components();
  if (comps.size() <= 1) return true;
  // Sites that host servers must all be in one component.
  std::set<int> used;
  for (const Server& sv : s_.servers) {
    if (const int i = s_.site_index(sv.site); i >= 0) used.insert(i);
  }
  std::vector<int> comp_of(s_.sites.size());
  for (size_t c = 0; c < comps.size(); ++c)
    for (int site : comps[c]) comp_of[size_t(site)] = int(c);
  if (used.empty()) return true;
  const int first = *used.begin();
  bool ok = true;
  for (int site : used) {
    if (comp_of[size_t(site)] != comp_of[size_t(first)]) {
      const Site& a = s_.sites[size_t(first)];
      const Site& b = s_.sites[size_t(site)];
      d_.error(b.pos,
               fmt::format("site '{}' has servers but no path of links to site '{}' "
                           "(L8): add a link, e.g. {{ between: [{}, {}], bandwidth: "
                           "10 Mbps, latency: 30 ms }}",
                           b.name, a.name, a.name, b.name),
               "L8");
      ok = false;
    }
  }
  return ok;
}

bool RuleChecker::holds_mailboxes(const Server& sv) const {
  return std::any_of(sv.databases.begin(), sv.databases.end(),
                     [](const Database& db) { return db.mailboxes.count > 0; });
}

void RuleChecker::connectors(bool sites_ok) {
  // Each connector joins a 2003 bridgehead to a 2007 hub (coexistence) or to another 2003
  // bridgehead in another routing group.
  int coexistence = 0;
  for (const RoutingGroupConnector& c : s_.connectors.routing_group) {
    const bool ok_a = server_ref(c.server_a, c.pos, "routing group connector");
    const bool ok_b = server_ref(c.server_b, c.pos, "routing group connector");
    if (!ok_a || !ok_b) continue;
    const Server& a = *s_.find_server(c.server_a);
    const Server& b = *s_.find_server(c.server_b);
    const auto end_ok = [](const Server& x) {
      return (x.is_2003() && x.has(Role::bridgehead)) ||
             (x.is_2007() && x.has(Role::hub_transport));
    };
    if (!end_ok(a) || !end_ok(b)) {
      const Server& bad = end_ok(a) ? b : a;
      d_.error(c.pos, fmt::format("routing group connector {} <-> {}: '{}' is neither a 2003 "
                                  "bridgehead nor a 2007 hub_transport; a connector joins "
                                  "bridgeheads and hubs",
                                  a.name, b.name, bad.name));
      continue;
    }
    if (a.is_2007() && b.is_2007()) {
      d_.error(c.pos, fmt::format("routing group connector {} <-> {} joins two 2007 hubs: "
                                  "2007 routes between hubs by AD site links, no connector "
                                  "needed; remove it",
                                  a.name, b.name));
      continue;
    }
    if (a.is_2003() && b.is_2003() && a.routing_group == b.routing_group) {
      d_.error(c.pos, fmt::format("routing group connector {} <-> {} joins two servers of "
                                  "routing group '{}': a connector joins different groups",
                                  a.name, b.name, a.routing_group));
      continue;
    }
    if (a.is_2003() != b.is_2003()) ++coexistence;
  }
  const bool has_2003 = std::any_of(s_.servers.begin(), s_.servers.end(),
                                    [](const Server& x) { return x.is_2003(); });
  const bool has_2007_hub = std::any_of(s_.servers.begin(), s_.servers.end(), [](const Server& x) {
    return x.is_2007() && x.has(Role::hub_transport);
  });
  const bool coexist = has_2003 && std::any_of(s_.servers.begin(), s_.servers.end(),
                                               [](const Server& x) { return x.is_2007(); });
  if (!coexist) return;
  // With other errors the routes below may rest on broken references: check them only on
  // an otherwise clean scenario. A missing bridgehead needs no route: report it in any case.
  const bool clean = !d_.has_errors();
  if (coexistence == 0 && has_2007_hub) {
    // Exchange setup creates the pair of connectors with the first hub (L7).
    const Server* bh = nullptr;
    const Server* hub = nullptr;
    for (const Server& x : s_.servers) {
      if (!bh && x.is_2003() && x.has(Role::bridgehead)) bh = &x;
      if (!hub && x.is_2007() && x.has(Role::hub_transport)) hub = &x;
    }
    const bool roles_known = std::none_of(s_.servers.begin(), s_.servers.end(),
                                          [](const Server& x) { return x.roles.empty(); });
    if (!bh && !roles_known) return;  // roles reported broken: the bridgehead may be there
    if (!bh) {
      const Server* first_2003 = nullptr;
      for (const Server& x : s_.servers)
        if (!first_2003 && x.is_2003()) first_2003 = &x;
      d_.error(first_2003->roles_pos,
               fmt::format("no 2003 bridgehead for the coexistence connector (L7): mail "
                           "between 2003 and 2007 crosses a routing group connector from a "
                           "2003 bridgehead to a 2007 hub; add 'bridgehead' to the roles of "
                           "a 2003 server such as '{}'",
                           first_2003->name),
               "L7");
      return;
    }
    if (!clean) return;
    RoutingGroupConnector c;
    c.server_a = bh->name;
    c.server_b = hub->name;
    c.implicit = true;
    c.pos =
        s_.connectors.routing_group.empty() ? hub->pos : s_.connectors.routing_group.front().pos;
    s_.connectors.routing_group.push_back(c);
    coexistence = 1;
    d_.warning(hub->pos,
               fmt::format("no coexistence connector declared (L7): created one "
                           "between 2003 bridgehead '{}' and 2007 hub '{}', as "
                           "Exchange setup does; declare it under "
                           "connectors.routing_group to choose the pair",
                           bh->name, hub->name),
               "L7");
  }
  if (!clean) return;
  // Every 2003 routing group holding mailboxes must reach the 2007 group.
  if (has_2007_hub && sites_ok) {
    const SiteGraph g(s_);
    const MailRouter router(s_, g);
    const int hub = router.hub_in_site(0) >= 0 ? router.hub_in_site(0) : first_hub();
    std::set<std::string> checked;
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      const Server& x = s_.servers[i];
      // The group's first mailbox server (not its first server: that may be a dedicated
      // bridgehead or front-end, and the group would then never be checked).
      if (!x.is_2003() || !x.has(Role::mailbox) || !checked.insert(x.routing_group).second) {
        continue;
      }
      if (hub >= 0 && router.path(int(i), hub).empty()) {
        d_.error(x.pos,
                 fmt::format("2003 routing group '{}' has no path of routing group "
                             "connectors to a coexistence connector (L7): mail between "
                             "its users and 2007 cannot flow; connect its bridgehead to "
                             "a 2007 hub or to a routing group that has one",
                             x.routing_group),
                 "L7");
      }
    }
    for (const Hairpin& h : find_hairpins(s_, g, router)) {
      std::vector<std::string> names;
      for (int site : h.path_sites) names.push_back(s_.sites[size_t(site)].name);
      d_.warning(s_.sites[size_t(h.site)].pos,
                 fmt::format("mail between 2003 server '{}' and 2007 server '{}', both in "
                             "site '{}', travels {} through a distant coexistence connector "
                             "(hairpin): add a routing group connector between a bridgehead "
                             "and a hub in '{}'",
                             s_.servers[size_t(h.server_2003)].name,
                             s_.servers[size_t(h.server_2007)].name, s_.sites[size_t(h.site)].name,
                             join(names, " -> "), s_.sites[size_t(h.site)].name),
                 "hairpin");
    }
  }
  std::set<std::string> groups;
  for (const Server& x : s_.servers)
    if (x.is_2003()) groups.insert(x.routing_group);
  if (groups.size() > 1 && coexistence > 1) {
    d_.warning(s_.connectors.routing_group.front().pos,
               fmt::format("{} 2003 routing groups and {} coexistence connectors (L7): suppress "
                           "link-state updates on the 2003 servers (SuppressStateChanges), or "
                           "2003 and 2007 may route in loops",
                           groups.size(), coexistence),
               "L7");
  }
}

int RuleChecker::first_hub() const {
  for (size_t i = 0; i < s_.servers.size(); ++i) {
    if (s_.servers[i].is_2007() && s_.servers[i].has(Role::hub_transport)) return int(i);
  }
  return -1;
}

}  // namespace coexlab
