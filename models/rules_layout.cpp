// Layout rules L1-L6 and the databases: roles by version, clusters and Edge placement, the
// roles every site needs.
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

void RuleChecker::roles_and_versions() {
  for (const Server& sv : s_.servers) {
    const std::string who =
        fmt::format("server '{}' (Exchange {})", sv.name, to_string(sv.version));
    // L5: roles of the other version.
    for (Role r : sv.roles) {
      const bool only_2003 = r == Role::front_end || r == Role::bridgehead;
      if (sv.is_2003() && is_2007_role(r)) {
        d_.error(sv.roles_pos,
                 fmt::format("{} has the Exchange 2007 role '{}' (L5): 2007 roles "
                             "run only on 2007 servers; add a new 2007 server "
                             "for it",
                             who, to_string(r)),
                 "L5");
      } else if (sv.is_2007() && only_2003) {
        d_.error(sv.roles_pos,
                 fmt::format("{} has the Exchange 2003 role '{}' (L5): in 2007 use "
                             "{} instead",
                             who, to_string(r),
                             r == Role::front_end ? "client_access" : "hub_transport"),
                 "L5");
      }
    }
    // L1: the Edge is alone on its box and subscribes to an AD site with a 2007 hub.
    if (sv.has(Role::edge_transport)) {
      if (sv.roles.size() > 1) {
        d_.error(sv.roles_pos,
                 fmt::format("{} combines edge_transport with other roles (L1): "
                             "an Edge Transport server holds no other role; "
                             "move the others to another server",
                             who),
                 "L1");
      }
      if (sv.subscribed_site.empty()) {
        d_.error(sv.pos,
                 fmt::format("{} is an Edge Transport server without "
                             "'subscribed_site' (L1): name the AD site whose hubs it "
                             "synchronises with (EdgeSync)",
                             who),
                 "L1");
      } else if (const Site* site = s_.find_site(sv.subscribed_site)) {
        const bool has_hub =
            std::any_of(s_.servers.begin(), s_.servers.end(), [&](const Server& o) {
              return o.is_2007() && o.has(Role::hub_transport) && o.site == site->name;
            });
        if (!has_hub) {
          d_.error(sv.pos,
                   fmt::format("{} subscribes to site '{}', which has no 2007 "
                               "hub_transport (L1): add a Hub Transport there or "
                               "subscribe to a site that has one",
                               who, site->name),
                   "L1");
        }
        if (site->name == sv.site) {
          d_.error(sv.pos,
                   fmt::format("{} subscribes to its own site '{}' (L1): an Edge sits "
                               "in a perimeter network, outside the AD sites",
                               who, sv.site),
                   "L1");
        }
      } else {
        site_ref(sv.subscribed_site, sv.pos, fmt::format("server '{}' subscribed_site", sv.name));
      }
      for (const Server& o : s_.servers) {
        if (&o != &sv && o.site == sv.site && !o.has(Role::edge_transport)) {
          d_.warning(sv.site_pos,
                     fmt::format("Edge '{}' shares site '{}' with server '{}' "
                                 "(L1): an Edge belongs in a perimeter network "
                                 "of its own",
                                 sv.name, sv.site, o.name),
                     "L1");
          break;
        }
      }
    } else if (!sv.subscribed_site.empty()) {
      d_.error(sv.pos,
               fmt::format("{} has 'subscribed_site' but is not an Edge Transport "
                           "server (L1): only an Edge subscribes to an AD site; "
                           "remove the key",
                           who),
               "L1");
    }
    // L2: a clustered 2007 mailbox server holds only the mailbox role; UM never clustered.
    if (sv.cluster != ClusterKind::none) {
      const char* kind = sv.cluster == ClusterKind::ccr ? "ccr" : "scc";
      if (sv.has(Role::unified_messaging)) {
        d_.error(sv.roles_pos,
                 fmt::format("{} is clustered ({}) and has unified_messaging "
                             "(L2): Unified Messaging is never on a cluster",
                             who, kind),
                 "L2");
      }
      if (sv.is_2007() && std::any_of(sv.roles.begin(), sv.roles.end(),
                                      [](Role r) { return r != Role::mailbox; })) {
        d_.error(sv.roles_pos,
                 fmt::format("{} is a clustered mailbox server ({}) with other "
                             "roles (L2): a CCR/SCC cluster holds only mailbox; "
                             "put hub_transport and client_access on other "
                             "servers",
                             who, kind),
                 "L2");
      }
    }
  }
}

bool RuleChecker::site_has_2007(const std::string& site, Role role) const {
  return std::any_of(s_.servers.begin(), s_.servers.end(),
                     [&](const Server& o) { return o.is_2007() && o.site == site && o.has(role); });
}

void RuleChecker::site_roles() {
  std::set<std::string> reported_l3;
  for (const Server& sv : s_.servers) {
    if (!sv.is_2007()) continue;
    if (sv.has(Role::mailbox) && !reported_l3.count(sv.site) && s_.find_site(sv.site)) {
      std::vector<std::string> missing;
      if (!site_has_2007(sv.site, Role::hub_transport)) missing.emplace_back("hub_transport");
      if (!site_has_2007(sv.site, Role::client_access)) missing.emplace_back("client_access");
      if (!missing.empty()) {
        reported_l3.insert(sv.site);
        d_.error(sv.roles_pos,
                 fmt::format("site '{}' has the 2007 mailbox server '{}' but no "
                             "2007 {} (L3): every AD site with a 2007 Mailbox "
                             "server needs a Hub Transport and a Client Access "
                             "server; add the role to a server in '{}'",
                             sv.site, sv.name, join(missing, " or "), sv.site),
                 "L3");
      }
    }
    if (sv.has(Role::unified_messaging) && !site_has_2007(sv.site, Role::hub_transport)) {
      d_.error(sv.roles_pos,
               fmt::format("server '{}' has unified_messaging but site '{}' has "
                           "no 2007 hub_transport (L4): UM submits voice mail "
                           "through a Hub in its own site",
                           sv.name, sv.site),
               "L4");
    }
  }
}

void RuleChecker::databases() {
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

}  // namespace coexlab
