// The rule checker's order of checks, unique names and references (the other rules are in
// rules_layout.cpp, rules_routing.cpp, rules_migration.cpp and rules_limits.cpp).
#include "rules.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

std::string RuleChecker::join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

std::vector<std::string_view> RuleChecker::names_of_servers(const Scenario& s) {
  std::vector<std::string_view> v;
  for (const Server& sv : s.servers) v.push_back(sv.name);
  return v;
}

std::string RuleChecker::suggestion(std::string_view wrong,
                                    const std::vector<std::string_view>& known) {
  const std::string hint = did_you_mean(wrong, known);
  return hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint);
}

void RuleChecker::run() {
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
  acknowledged();
}

void RuleChecker::unique_names() {
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
                       : fmt::format("duplicate server name '{}'", x.name),
               upgrade ? "L6" : "");
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

void RuleChecker::site_ref(const std::string& name, const SourcePos& pos, std::string_view what) {
  if (name.empty() || s_.find_site(name)) return;
  std::vector<std::string_view> known;
  for (const Site& x : s_.sites) known.push_back(x.name);
  d_.error(pos, fmt::format("{} names site '{}', which is not in 'sites'{}", what, name,
                            suggestion(name, known)));
}

bool RuleChecker::server_ref(const std::string& name, const SourcePos& pos, std::string_view what) {
  if (name.empty()) return false;
  if (s_.find_server(name)) return true;
  d_.error(pos, fmt::format("{} names server '{}', which is not in 'servers'{}", what, name,
                            suggestion(name, names_of_servers(s_))));
  return false;
}

bool RuleChecker::database_ref(const DatabaseRef& ref, const SourcePos& pos,
                               std::string_view what) {
  if (ref.server.empty()) return false;
  const Server* sv = s_.find_server(ref.server);
  if (!sv) {
    d_.error(pos, fmt::format("{} names server '{}', which is not in 'servers'{}", what, ref.server,
                              suggestion(ref.server, names_of_servers(s_))));
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

void RuleChecker::references() {
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

const std::vector<std::string_view>& acknowledgeable_rules() {
  static const std::vector<std::string_view> ids{"L1",    "L7",    "L11",     "hairpin",
                                                 "space", "batch", "threads", "identity"};
  return ids;
}

void RuleChecker::acknowledged() {
  std::vector<std::string> ids;
  ids.reserve(s_.acknowledge.size());
  for (const Acknowledgement& a : s_.acknowledge) {
    const auto& known = acknowledgeable_rules();
    if (std::find(known.begin(), known.end(), a.rule) == known.end()) {
      d_.error(a.pos, fmt::format("acknowledge '{}' is not one of: {} (the rules that warn){}",
                                  a.rule, fmt::join(known, ", "), suggestion(a.rule, known)));
      continue;
    }
    ids.push_back(a.rule);
  }
  d_.acknowledge(ids);
}

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
