#include "rules.hpp"

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
#include "scenario_keys.hpp"
#include "scheduler.hpp"
#include "site_graph.hpp"
#include "space_rules.hpp"
#include "windows.hpp"

namespace coexlab {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

std::vector<std::string_view> names_of_servers(const Scenario& s) {
  std::vector<std::string_view> v;
  for (const Server& sv : s.servers) v.push_back(sv.name);
  return v;
}

std::string suggestion(std::string_view wrong, const std::vector<std::string_view>& known) {
  const std::string hint = did_you_mean(wrong, known);
  return hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint);
}

class RuleChecker {
 public:
  RuleChecker(Scenario& s, Diagnostics& d) : s_(s), d_(d) {}

  void run() {
    unique_names();
    references();
    roles_and_versions();  // L1, L2, L5
    site_roles();          // L3, L4
    databases();
    const bool sites_ok = connectivity();  // L8
    connectors(sites_ok);                  // L7 (+ hairpin warning)
    migration();                           // L9, L10, L11, windows, scheduler
    operations();                          // management tools
    limits();
    sample_budget();
    if (!d_.has_errors()) check_database_space(s_, d_);  // models/space_rules.hpp
    check_scenario_checks(s_, d_);  // the `checks` expressions (models/checks.hpp)
  }

 private:
  void unique_names() {
    std::map<std::string, const SourcePos*> seen;
    for (const Site& x : s_.sites) {
      if (!x.name.empty() && !seen.emplace(x.name, &x.pos).second) {
        d_.error(x.pos, fmt::format("duplicate site name '{}'", x.name));
      }
    }
    seen.clear();
    for (const Link& x : s_.links) {
      if (!x.name.empty() && !seen.emplace(x.name, &x.pos).second) {
        d_.error(x.pos, fmt::format("duplicate link name '{}': give one of them a 'name'", x.name));
      }
    }
    seen.clear();
    // One link per pair of sites, whichever way round it is written: [A, B] and [B, A] with
    // two bandwidths would leave the route to pick one of them silently.
    std::map<std::pair<std::string, std::string>, const Link*> pairs;
    for (const Link& x : s_.links) {
      if (x.site_a.empty() || x.site_b.empty()) continue;
      const auto key = std::minmax(x.site_a, x.site_b);
      auto [it, fresh] = pairs.emplace(std::make_pair(key.first, key.second), &x);
      if (!fresh && it->second->name != x.name) {  // same name: reported above
        d_.error(x.pos,
                 fmt::format("link '{}' joins sites '{}' and '{}', like link '{}' (line {}): "
                             "give one link per pair of sites",
                             x.name, x.site_a, x.site_b, it->second->name, it->second->pos.line));
      }
    }
    std::map<std::string, const Server*> servers;
    for (const Server& x : s_.servers) {
      if (x.name.empty()) continue;
      auto [it, fresh] = servers.emplace(x.name, &x);
      if (!fresh) {
        const bool upgrade = it->second->version != x.version;
        d_.error(x.pos,
                 upgrade ? fmt::format("server '{}' appears as Exchange {} and {}: there is no "
                                       "in-place upgrade (L6); a 2007 server is a new machine "
                                       "with its own name",
                                       x.name, to_string(it->second->version), to_string(x.version))
                         : fmt::format("duplicate server name '{}'", x.name));
      }
      std::set<std::string> dbs;
      for (const Database& db : x.databases) {
        if (!db.name.empty() && !dbs.insert(db.name).second) {
          d_.error(db.pos,
                   fmt::format("duplicate database name '{}' on server '{}'", db.name, x.name));
        }
      }
    }
    std::set<std::string> batches;
    for (const Batch& b : s_.migration.batches) {
      if (!batches.insert(b.name).second) {
        d_.error(b.pos, fmt::format("duplicate batch name '{}'", b.name));
      }
    }
    std::set<std::string> profiles;
    for (const Profile& p : s_.workload.profiles) {
      if (!p.name.empty() && !profiles.insert(p.name).second) {
        d_.error(p.pos, fmt::format("duplicate profile name '{}'", p.name));
      }
    }
  }

  void site_ref(const std::string& name, const SourcePos& pos, std::string_view what) {
    if (name.empty() || s_.find_site(name)) return;
    std::vector<std::string_view> known;
    for (const Site& x : s_.sites) known.push_back(x.name);
    d_.error(pos, fmt::format("{} names site '{}', which is not in 'sites'{}", what, name,
                              suggestion(name, known)));
  }

  bool server_ref(const std::string& name, const SourcePos& pos, std::string_view what) {
    if (name.empty()) return false;
    if (s_.find_server(name)) return true;
    d_.error(pos, fmt::format("{} names server '{}', which is not in 'servers'{}", what, name,
                              suggestion(name, names_of_servers(s_))));
    return false;
  }

  bool database_ref(const DatabaseRef& ref, const SourcePos& pos, std::string_view what) {
    if (ref.server.empty()) return false;
    const Server* sv = s_.find_server(ref.server);
    if (!sv) {
      d_.error(pos, fmt::format("{} names server '{}', which is not in 'servers'{}", what,
                                ref.server, suggestion(ref.server, names_of_servers(s_))));
      return false;
    }
    if (s_.find_database(ref)) return true;
    std::vector<std::string_view> known;
    for (const Database& db : sv->databases) known.push_back(db.name);
    d_.error(pos, fmt::format("{} names database '{}' on server '{}', which has no such "
                              "database{}",
                              what, ref.database, ref.server, suggestion(ref.database, known)));
    return false;
  }

  void references() {
    for (const Link& l : s_.links) {
      site_ref(l.site_a, l.pos, fmt::format("link '{}'", l.name));
      site_ref(l.site_b, l.pos, fmt::format("link '{}'", l.name));
    }
    for (const Server& sv : s_.servers) {
      site_ref(sv.site, sv.site_pos, fmt::format("server '{}'", sv.name));
      for (const Database& db : sv.databases) {
        // `workload: none` has no users: what a mailbox's profile would be does not matter
        // (and `--set workload=none` drops the custom profiles the scenario defines).
        if (s_.workload.enabled && db.mailboxes.count > 0 &&
            !find_profile(s_, db.mailboxes.profile)) {
          std::vector<std::string_view> known;
          for (const Profile& p : builtin_profiles()) known.push_back(p.name);
          for (const Profile& p : s_.workload.profiles) known.push_back(p.name);
          d_.error(db.mailboxes.profile_pos,
                   fmt::format("database '{}/{}' uses profile '{}', which is neither built in "
                               "(light, average, heavy, very_heavy) nor in workload.profiles{}",
                               sv.name, db.name, db.mailboxes.profile,
                               suggestion(db.mailboxes.profile, known)));
        }
      }
    }
  }

  void roles_and_versions() {
    for (const Server& sv : s_.servers) {
      const std::string who =
          fmt::format("server '{}' (Exchange {})", sv.name, to_string(sv.version));
      // L5: roles of the other version.
      for (Role r : sv.roles) {
        const bool only_2003 = r == Role::front_end || r == Role::bridgehead;
        if (sv.is_2003() && is_2007_role(r)) {
          d_.error(sv.roles_pos, fmt::format("{} has the Exchange 2007 role '{}' (L5): 2007 roles "
                                             "run only on 2007 servers; add a new 2007 server "
                                             "for it",
                                             who, to_string(r)));
        } else if (sv.is_2007() && only_2003) {
          d_.error(sv.roles_pos,
                   fmt::format("{} has the Exchange 2003 role '{}' (L5): in 2007 use "
                               "{} instead",
                               who, to_string(r),
                               r == Role::front_end ? "client_access" : "hub_transport"));
        }
      }
      // L1: the Edge is alone on its box and subscribes to an AD site with a 2007 hub.
      if (sv.has(Role::edge_transport)) {
        if (sv.roles.size() > 1) {
          d_.error(sv.roles_pos, fmt::format("{} combines edge_transport with other roles (L1): "
                                             "an Edge Transport server holds no other role; "
                                             "move the others to another server",
                                             who));
        }
        if (sv.subscribed_site.empty()) {
          d_.error(sv.pos, fmt::format("{} is an Edge Transport server without "
                                       "'subscribed_site' (L1): name the AD site whose hubs it "
                                       "synchronises with (EdgeSync)",
                                       who));
        } else if (const Site* site = s_.find_site(sv.subscribed_site)) {
          const bool has_hub =
              std::any_of(s_.servers.begin(), s_.servers.end(), [&](const Server& o) {
                return o.is_2007() && o.has(Role::hub_transport) && o.site == site->name;
              });
          if (!has_hub) {
            d_.error(sv.pos, fmt::format("{} subscribes to site '{}', which has no 2007 "
                                         "hub_transport (L1): add a Hub Transport there or "
                                         "subscribe to a site that has one",
                                         who, site->name));
          }
          if (site->name == sv.site) {
            d_.error(sv.pos, fmt::format("{} subscribes to its own site '{}' (L1): an Edge sits "
                                         "in a perimeter network, outside the AD sites",
                                         who, sv.site));
          }
        } else {
          site_ref(sv.subscribed_site, sv.pos, fmt::format("server '{}' subscribed_site", sv.name));
        }
        for (const Server& o : s_.servers) {
          if (&o != &sv && o.site == sv.site && !o.has(Role::edge_transport)) {
            d_.warning(sv.site_pos, fmt::format("Edge '{}' shares site '{}' with server '{}' "
                                                "(L1): an Edge belongs in a perimeter network "
                                                "of its own",
                                                sv.name, sv.site, o.name));
            break;
          }
        }
      } else if (!sv.subscribed_site.empty()) {
        d_.error(sv.pos, fmt::format("{} has 'subscribed_site' but is not an Edge Transport "
                                     "server (L1): only an Edge subscribes to an AD site; "
                                     "remove the key",
                                     who));
      }
      // L2: a clustered 2007 mailbox server holds only the mailbox role; UM never clustered.
      if (sv.cluster != ClusterKind::none) {
        const char* kind = sv.cluster == ClusterKind::ccr ? "ccr" : "scc";
        if (sv.has(Role::unified_messaging)) {
          d_.error(sv.roles_pos, fmt::format("{} is clustered ({}) and has unified_messaging "
                                             "(L2): Unified Messaging is never on a cluster",
                                             who, kind));
        }
        if (sv.is_2007() && std::any_of(sv.roles.begin(), sv.roles.end(),
                                        [](Role r) { return r != Role::mailbox; })) {
          d_.error(sv.roles_pos, fmt::format("{} is a clustered mailbox server ({}) with other "
                                             "roles (L2): a CCR/SCC cluster holds only mailbox; "
                                             "put hub_transport and client_access on other "
                                             "servers",
                                             who, kind));
        }
      }
    }
  }

  bool site_has_2007(const std::string& site, Role role) const {
    return std::any_of(s_.servers.begin(), s_.servers.end(), [&](const Server& o) {
      return o.is_2007() && o.site == site && o.has(role);
    });
  }

  void site_roles() {
    std::set<std::string> reported_l3;
    for (const Server& sv : s_.servers) {
      if (!sv.is_2007()) continue;
      if (sv.has(Role::mailbox) && !reported_l3.count(sv.site) && s_.find_site(sv.site)) {
        std::vector<std::string> missing;
        if (!site_has_2007(sv.site, Role::hub_transport)) missing.emplace_back("hub_transport");
        if (!site_has_2007(sv.site, Role::client_access)) missing.emplace_back("client_access");
        if (!missing.empty()) {
          reported_l3.insert(sv.site);
          d_.error(sv.roles_pos, fmt::format("site '{}' has the 2007 mailbox server '{}' but no "
                                             "2007 {} (L3): every AD site with a 2007 Mailbox "
                                             "server needs a Hub Transport and a Client Access "
                                             "server; add the role to a server in '{}'",
                                             sv.site, sv.name, join(missing, " or "), sv.site));
        }
      }
      if (sv.has(Role::unified_messaging) && !site_has_2007(sv.site, Role::hub_transport)) {
        d_.error(sv.roles_pos, fmt::format("server '{}' has unified_messaging but site '{}' has "
                                           "no 2007 hub_transport (L4): UM submits voice mail "
                                           "through a Hub in its own site",
                                           sv.name, sv.site));
      }
    }
  }

  void databases() {
    for (const Server& sv : s_.servers) {
      // No roles: already reported (missing, empty or malformed); don't pile on.
      if (!sv.databases.empty() && !sv.roles.empty() && !sv.has(Role::mailbox)) {
        d_.error(sv.databases.front().pos,
                 fmt::format("server '{}' has databases but not the mailbox role: mailbox "
                             "databases live on mailbox servers",
                             sv.name));
      }
    }
  }

  bool connectivity() {
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
        d_.error(b.pos, fmt::format("site '{}' has servers but no path of links to site '{}' "
                                    "(L8): add a link, e.g. {{ between: [{}, {}], bandwidth: "
                                    "10 Mbps, latency: 30 ms }}",
                                    b.name, a.name, a.name, b.name));
        ok = false;
      }
    }
    return ok;
  }

  bool holds_mailboxes(const Server& sv) const {
    return std::any_of(sv.databases.begin(), sv.databases.end(),
                       [](const Database& db) { return db.mailboxes.count > 0; });
  }

  void connectors(bool sites_ok) {
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
    const bool has_2007_hub =
        std::any_of(s_.servers.begin(), s_.servers.end(),
                    [](const Server& x) { return x.is_2007() && x.has(Role::hub_transport); });
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
                             first_2003->name));
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
      d_.warning(hub->pos, fmt::format("no coexistence connector declared (L7): created one "
                                       "between 2003 bridgehead '{}' and 2007 hub '{}', as "
                                       "Exchange setup does; declare it under "
                                       "connectors.routing_group to choose the pair",
                                       bh->name, hub->name));
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
          d_.error(x.pos, fmt::format("2003 routing group '{}' has no path of routing group "
                                      "connectors to a coexistence connector (L7): mail between "
                                      "its users and 2007 cannot flow; connect its bridgehead to "
                                      "a 2007 hub or to a routing group that has one",
                                      x.routing_group));
        }
      }
      for (const Hairpin& h : find_hairpins(s_, g, router)) {
        std::vector<std::string> names;
        for (int site : h.path_sites) names.push_back(s_.sites[size_t(site)].name);
        d_.warning(
            s_.sites[size_t(h.site)].pos,
            fmt::format("mail between 2003 server '{}' and 2007 server '{}', both in "
                        "site '{}', travels {} through a distant coexistence connector "
                        "(hairpin): add a routing group connector between a bridgehead "
                        "and a hub in '{}'",
                        s_.servers[size_t(h.server_2003)].name,
                        s_.servers[size_t(h.server_2007)].name, s_.sites[size_t(h.site)].name,
                        join(names, " -> "), s_.sites[size_t(h.site)].name));
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
                             groups.size(), coexistence));
    }
  }

  int first_hub() const {
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      if (s_.servers[i].is_2007() && s_.servers[i].has(Role::hub_transport)) return int(i);
    }
    return -1;
  }

  // samples x resources, bounded (docs/limits.md): sim/simulate.cpp samples six resources per
  // server (cpu, database_disk, log_disk, nic, log_space, database_space), a hub's queue disk,
  // every site's LAN and every WAN link.
  void sample_budget() {
    const SimulationSettings& sim = s_.simulation;
    if (sim.sample_interval.value <= 0) return;
    double resources = double(s_.sites.size() + s_.links.size());
    for (const Server& sv : s_.servers) {
      resources += 6;
      if (sv.has(Role::hub_transport) || sv.has(Role::bridgehead)) resources += 1;
    }
    const double samples = std::floor(sim.horizon.value / sim.sample_interval.value);
    // Over the sample limit itself: the loader said so.
    if (samples > Limits::kMaxSamples || samples * resources <= Limits::kMaxSampleValues) return;
    const double least = sim.horizon.value * resources / Limits::kMaxSampleValues;
    d_.error(sim.pos,
             fmt::format("simulation: {:.0f} samples of {:.0f} resources are {:.0f} values "
                         "(utilisation.csv lines), more than the limit of {:.0f}; use a "
                         "sample_interval of at least {} (or a shorter horizon)",
                         samples, resources, samples * resources, Limits::kMaxSampleValues,
                         units::format_duration(Seconds{std::ceil(least)})));
  }

  void migration() {
    const Migration& m = s_.migration;
    // Internet connector and legacy web access are checked here too: they name servers.
    if (!s_.connectors.internet_via.empty() &&
        server_ref(s_.connectors.internet_via, s_.connectors.internet_pos, "connectors.internet")) {
      const Server& v = *s_.find_server(s_.connectors.internet_via);
      const bool ok = v.has(Role::edge_transport) || (v.is_2007() && v.has(Role::hub_transport)) ||
                      (v.is_2003() && v.has(Role::bridgehead));
      if (!ok) {
        d_.error(s_.connectors.internet_pos,
                 fmt::format("connectors.internet via '{}': internet mail enters through an "
                             "Edge, a 2007 hub_transport or a 2003 bridgehead",
                             v.name));
      }
    }
    if (s_.workload.legacy_web_access == LegacyWebAccess::front_end &&
        std::none_of(s_.servers.begin(), s_.servers.end(),
                     [](const Server& x) { return x.is_2003() && x.has(Role::front_end); })) {
      d_.error(s_.workload.pos,
               "workload legacy_web_access is front_end, but there is no 2003 "
               "front_end server; use client_access");
    }
    if (!m.present) {
      // What `run` cannot do, validate refuses: a move plan needs a mover. (No position: the
      // scenario itself was not a mapping, which is reported.)
      if (m.pos.line == 0) return;
      d_.error(m.pos, m.written_null
                          ? "migration is empty: it needs at least a 'mover' and 'batches'"
                          : "the scenario has no 'migration' (required: at least its 'mover' "
                            "and 'batches')");
      return;
    }
    // L10: the mover is a 2007 server that is not an Edge.
    if (server_ref(m.mover, m.mover_pos, "migration mover")) {
      const Server& mv = *s_.find_server(m.mover);
      if (mv.is_2003()) {
        d_.error(m.mover_pos, fmt::format("migration mover '{}' is an Exchange 2003 server (L10): "
                                          "2003 tools cannot move mailboxes to 2007; run "
                                          "Move-Mailbox from a 2007 server",
                                          mv.name));
      } else if (mv.has(Role::edge_transport)) {
        d_.error(m.mover_pos, fmt::format("migration mover '{}' is an Edge Transport server "
                                          "(L10): it is outside the domain; run Move-Mailbox "
                                          "from a 2007 server in an AD site",
                                          mv.name));
      }
    }
    if (!make_scheduler(m.scheduler)) {
      std::string list;
      for (auto nm : scheduler_names()) list += (list.empty() ? "" : ", ") + std::string(nm);
      d_.error(m.scheduler_pos, fmt::format("unknown scheduler '{}'; known: {}{}", m.scheduler,
                                            list, suggestion(m.scheduler, scheduler_names())));
    }
    for (auto [i, j] : overlapping_windows(m.windows, s_.start, s_.simulation.horizon)) {
      d_.error(m.windows[j].pos, fmt::format("move window {} overlaps window {} (line {}): "
                                             "merge them into one",
                                             j + 1, i + 1, m.windows[i].pos.line));
    }
    // L9: sources are mailbox databases, targets 2007 mailbox databases; a mailbox in at
    // most one batch.
    std::map<std::pair<std::string, std::string>, std::pair<const Batch*, std::int64_t>> taken;
    for (const Batch& b : m.batches) {
      const bool from_ok = database_ref(b.from, b.from_pos, fmt::format("batch '{}' from", b.name));
      const bool to_ok = database_ref(b.to, b.to_pos, fmt::format("batch '{}' to", b.name));
      if (to_ok && s_.find_server(b.to.server)->is_2003()) {
        d_.error(b.to_pos, fmt::format("batch '{}' moves to '{}', an Exchange 2003 database "
                                       "(L9): targets are 2007 mailbox databases",
                                       b.name, b.to.text()));
      }
      if (from_ok && to_ok && b.from.server == b.to.server && b.from.database == b.to.database) {
        d_.error(b.to_pos, fmt::format("batch '{}' moves '{}' onto itself", b.name, b.from.text()));
      }
      if (!from_ok) continue;
      const Database& db = *s_.find_database(b.from);
      // A count above the database's is a warning, not an error: the batch takes them all
      // (SPEC §2: "a count N takes the first N"), as a --set or --vary of the database's
      // count may well intend; but not silently.
      if (b.mailboxes.kind == BatchSelection::Kind::count &&
          b.mailboxes.count > db.mailboxes.count) {
        d_.warning(b.mailboxes_pos.line > 0 ? b.mailboxes_pos : b.pos,
                   fmt::format("batch '{}' asks for {} mailboxes, but database '{}' holds only "
                               "{}: it takes those {}",
                               b.name, b.mailboxes.count, b.from.text(), db.mailboxes.count,
                               db.mailboxes.count));
      }
      const std::int64_t take = batch_take(b.mailboxes, db.mailboxes.count);
      if (take == 0) {
        d_.warning(b.pos, fmt::format("batch '{}' selects no mailbox: database '{}' holds {}",
                                      b.name, b.from.text(), db.mailboxes.count));
        continue;
      }
      auto key = std::make_pair(b.from.server, b.from.database);
      auto it = taken.find(key);
      if (it != taken.end()) {
        d_.error(b.pos, fmt::format("batch '{}' and batch '{}' both take mailbox {} (L9): a "
                                    "mailbox is in at most one batch; each batch takes the first "
                                    "mailboxes of its database",
                                    b.name, it->second.first->name,
                                    mailbox_id(b.from.server, b.from.database, 1)));
        continue;
      }
      taken.emplace(key, std::make_pair(&b, take));
    }
    // L11: coexistence kept after the last move.
    if (!d_.has_errors()) {
      std::int64_t left_on_2003 = 0, total_2003 = 0;
      std::vector<std::string> servers_2003;
      for (const Server& sv : s_.servers) {
        if (!sv.is_2003()) continue;
        servers_2003.push_back(sv.name);
        for (const Database& db : sv.databases) {
          total_2003 += db.mailboxes.count;
          auto it = taken.find({sv.name, db.name});
          left_on_2003 += db.mailboxes.count - (it == taken.end() ? 0 : it->second.second);
        }
      }
      if (!servers_2003.empty() && total_2003 > 0 && left_on_2003 == 0) {
        d_.warning(m.pos, fmt::format("the plan moves every 2003 mailbox but keeps {} (L11): once "
                                      "public folders, free/busy and the offline address book "
                                      "are moved to 2007, decommission the 2003 servers",
                                      join(servers_2003, ", ")));
      } else if (left_on_2003 > 0 && !m.batches.empty()) {
        d_.warning(m.pos, fmt::format("{} of {} mailboxes stay on Exchange 2003 after the last "
                                      "batch (L11): coexistence, and its routing group "
                                      "connector traffic, continues",
                                      left_on_2003, total_2003));
      }
    }
  }

  void operations() {
    for (const Operation& op : s_.operations) {
      if (!database_ref(op.database, op.pos, fmt::format("operation {}", to_string(op.action))))
        continue;
      const Server& sv = *s_.find_server(op.database.server);
      const bool tool_2003 = op.tool == AdminTool::aduc_2003 || op.tool == AdminTool::esm_2003;
      if (tool_2003 && sv.is_2007()) {
        d_.error(op.pos, fmt::format("operation {} with {} on '{}': Exchange 2003 tools cannot "
                                     "manage 2007 mailboxes; use emc or ems",
                                     to_string(op.action), to_string(op.tool), op.database.text()));
      } else if (!tool_2003 && sv.is_2003() && op.action == OperationAction::create_mailbox) {
        d_.error(op.pos, fmt::format("operation create_mailbox with {} on '{}': Exchange 2007 "
                                     "tools manage 2003 mailboxes but cannot create them; use "
                                     "aduc_2003",
                                     to_string(op.tool), op.database.text()));
      }
      if (op.to && database_ref(*op.to, op.pos, "operation move_mailbox to")) {
        if (tool_2003 && s_.find_server(op.to->server)->is_2007()) {
          d_.error(op.pos, fmt::format("operation move_mailbox with {} to '{}': 2003 tools "
                                       "cannot move mailboxes to 2007; use Move-Mailbox (ems) or "
                                       "emc",
                                       to_string(op.tool), op.to->text()));
        }
      }
    }
  }

  void limits() {
    std::int64_t total = 0;
    for (const Server& sv : s_.servers) {
      for (const Database& db : sv.databases) total += db.mailboxes.count;
    }
    if (total > Limits::kMaxMailboxesTotal) {
      d_.error({s_.file, 1, 1}, fmt::format("the scenario holds {} mailboxes, more than the limit "
                                            "of {}",
                                            total, Limits::kMaxMailboxesTotal));
    }
    per_message_volume();
  }

  // Mail simulated message by message, on request, for more messages than a run can hold.
  void per_message_volume() {
    const CostModel cost = CostModel::from(s_.calibration);
    if (s_.simulation.mail_flow != MailFlowMode::per_message || !s_.workload.enabled || cost.ideal)
      return;
    double per_day = 0;  // messages a working day: sent, and from the internet
    for (const Server& sv : s_.servers) {
      for (const Database& db : sv.databases) {
        const Profile* p = find_profile(s_, db.mailboxes.profile);
        if (!p || db.mailboxes.count <= 0) continue;
        const UserDemand d = user_demand(*p, ExchangeVersion::v2007, s_.workload.recipients, cost);
        per_day += double(db.mailboxes.count) * (d.sent + d.internet_in);
      }
    }
    const double messages = per_day * s_.simulation.horizon.value / 86400.0;
    if (messages > Limits::kMaxPerMessageMessages) {
      d_.error(s_.simulation.mail_flow_pos,
               fmt::format("simulation mail_flow per_message would simulate about {:.0f} million "
                           "messages before the horizon, more than the limit of {:.0f} million: "
                           "use aggregate (or auto), or a shorter horizon",
                           messages / 1e6, Limits::kMaxPerMessageMessages / 1e6));
    }
  }

  Scenario& s_;
  Diagnostics& d_;
};

}  // namespace

void check_rules(Scenario& s, Diagnostics& d) {
  RuleChecker(s, d).run();
}

LoadResult load_and_check(const std::string& path, const LoadOptions& options) {
  LoadResult r = load_scenario_file(path, options);
  if (!r.scenario) return r;
  check_rules(*r.scenario, r.diagnostics);
  if (r.diagnostics.has_errors()) r.scenario.reset();
  return r;
}

}  // namespace coexlab
