// The topology of a scenario: sites, links, servers with their hardware, databases and
// mailbox populations, and the routing group and internet connectors.
#include "loader_impl.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace coexlab {

using units::Dimension;

void Loader::load_sites(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "sites")) return;
  if (n.size() == 0) error(n, "sites is empty: a scenario needs at least one site");
  if (n.size() > static_cast<size_t>(Limits::kMaxSites)) {
    error(n, fmt::format("{} sites exceed the limit of {}", n.size(), Limits::kMaxSites));
    return;
  }
  for (const YAML::Node& e : n) {
    Site site;
    site.pos = pos(e);
    if (!check_map(e, "sites[]", "a site")) continue;
    if (auto v = require(e, "name", "a site"); v.IsDefined()) {
      if (auto nm = name(v, "site name")) site.name = *nm;
    }
    const std::string what = fmt::format("site '{}'", site.name);
    if (present(e["lan"])) {
      const YAML::Node lan = e["lan"];
      if (check_map(lan, "sites[].lan", what + " lan")) {
        if (present(lan["bandwidth"])) {
          if (auto q = quantity(lan["bandwidth"], Dimension::rate, "lan bandwidth", 0, 1e15)) {
            site.lan.bandwidth = BytesPerSecond{*q};
          }
        }
        if (present(lan["latency"])) {
          if (auto q = quantity(lan["latency"], Dimension::time, "lan latency", 0, 10, true)) {
            site.lan.latency = Seconds{*q};
          }
        }
      }
    }
    if (present(e["utc_offset"])) {
      if (auto h = signed_hours(e["utc_offset"], "utc_offset")) site.utc_offset = Seconds{*h};
    }
    s.sites.push_back(std::move(site));
  }
}

void Loader::load_links(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "links")) return;
  for (const YAML::Node& e : n) {
    Link link;
    link.pos = pos(e);
    if (!check_map(e, "links[]", "a link")) continue;
    if (auto v = require(e, "between", "a link"); v.IsDefined()) {
      if (auto ends = pair_of_names(v, "link 'between'")) {
        link.site_a = ends->first;
        link.site_b = ends->second;
        link.name = link.site_a + "-" + link.site_b;
      }
    }
    if (present(e["name"])) {
      if (auto nm = name(e["name"], "link name")) link.name = *nm;
    }
    const std::string what = fmt::format("link '{}'", link.name);
    if (auto v = require(e, "bandwidth", what); v.IsDefined()) {
      if (auto q = quantity(v, Dimension::rate, what + " bandwidth", 0, 1e15)) {
        link.bandwidth = BytesPerSecond{*q};
      }
    }
    if (auto v = require(e, "latency", what); v.IsDefined()) {
      if (auto q = quantity(v, Dimension::time, what + " latency", 0, 10, true)) {
        link.latency = Seconds{*q};
      }
    }
    if (present(e["cost"])) {
      if (auto c = number(e["cost"], what + " cost", 1, 1e6)) link.cost = *c;
    }
    s.links.push_back(std::move(link));
  }
}

void Loader::load_servers(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "servers")) return;
  if (n.size() == 0) error(n, "servers is empty: a scenario needs at least one server");
  if (n.size() > static_cast<size_t>(Limits::kMaxServers)) {
    error(n, fmt::format("{} servers exceed the limit of {}", n.size(), Limits::kMaxServers));
    return;
  }
  for (const YAML::Node& e : n) {
    Server server;
    server.pos = pos(e);
    if (!check_map(e, "servers[]", "a server")) continue;
    if (auto v = require(e, "name", "a server"); v.IsDefined()) {
      if (auto nm = name(v, "server name")) server.name = *nm;
    }
    const std::string what = fmt::format("server '{}'", server.name);
    bool version_ok = false;
    if (auto v = require(e, "version", what); v.IsDefined()) {
      if (auto ver = enumeration<ExchangeVersion>(
              v, what + " version",
              {{"2003", ExchangeVersion::v2003}, {"2007", ExchangeVersion::v2007}})) {
        server.version = *ver;
        version_ok = true;
      }
    }
    if (auto v = require(e, "site", what); v.IsDefined()) {
      server.site_pos = pos(v);
      if (auto nm = name(v, what + " site")) server.site = *nm;
    }
    if (present(e["routing_group"])) {
      if (version_ok && server.is_2007()) {
        error(e["routing_group"],
              what +
                  ": routing_group is for Exchange 2003 servers only (all 2007 servers sit "
                  "in one routing group and route by AD site); remove it");
      } else if (auto nm = name(e["routing_group"], what + " routing_group")) {
        server.routing_group = *nm;
      }
    }
    if (server.routing_group.empty() && server.is_2003()) server.routing_group = server.site;
    if (auto v = require(e, "roles", what); v.IsDefined()) {
      server.roles_pos = pos(v);
      if (check_sequence(v, what + " roles")) {
        if (v.size() == 0) error(v, what + " has no roles: list at least one");
        for (const YAML::Node& r : v) {
          auto role = enumeration<Role>(r, what + " role",
                                        {{"mailbox", Role::mailbox},
                                         {"front_end", Role::front_end},
                                         {"bridgehead", Role::bridgehead},
                                         {"hub_transport", Role::hub_transport},
                                         {"client_access", Role::client_access},
                                         {"unified_messaging", Role::unified_messaging},
                                         {"edge_transport", Role::edge_transport}});
          if (!role) continue;
          if (server.has(*role)) {
            error(r, fmt::format("{} lists role '{}' twice", what, to_string(*role)));
            continue;
          }
          server.roles.push_back(*role);
        }
      }
    }
    if (present(e["cluster"])) {
      if (auto c = enumeration<ClusterKind>(e["cluster"], what + " cluster",
                                            {{"none", ClusterKind::none},
                                             {"ccr", ClusterKind::ccr},
                                             {"scc", ClusterKind::scc}})) {
        server.cluster = *c;
      }
    }
    if (present(e["subscribed_site"])) {
      if (auto nm = name(e["subscribed_site"], what + " subscribed_site")) {
        server.subscribed_site = *nm;
      }
    }
    if (auto v = require(e, "hardware", what); v.IsDefined()) load_hardware(v, server);
    if (present(e["backup"])) {
      const YAML::Node b = e["backup"];
      if (check_map(b, "servers[].backup", what + " backup")) {
        Backup backup;
        if (auto at = require(b, "at", what + " backup"); at.IsDefined()) {
          if (auto text = scalar(at, "backup at")) {
            std::string err;
            if (auto sec = parse_time_of_day(*text, &err))
              backup.at = Seconds{double(*sec)};
            else
              error(at, "backup at: " + err);
          }
        }
        if (auto t = require(b, "throughput", what + " backup"); t.IsDefined()) {
          if (auto q = quantity(t, Dimension::rate, what + " backup throughput", 0, 1e13)) {
            backup.throughput = BytesPerSecond{*q};
          }
        }
        server.backup = backup;
      }
    }
    if (present(e["databases"])) load_databases(e["databases"], server);
    s.servers.push_back(std::move(server));
  }
}

void Loader::load_hardware(const YAML::Node& n, Server& server) {
  const std::string what = fmt::format("server '{}' hardware", server.name);
  if (!check_map(n, "servers[].hardware", what)) return;
  Hardware& hw = server.hardware;
  if (auto v = require(n, "cores", what); v.IsDefined()) {
    if (auto c = integer(v, what + " cores", 1, 1024)) hw.cores = static_cast<int>(*c);
  }
  if (auto v = require(n, "clock", what); v.IsDefined()) {
    if (auto q = quantity(v, Dimension::clock, what + " clock", 1e6, 1e11)) hw.clock = Hertz{*q};
  }
  if (auto v = require(n, "memory", what); v.IsDefined()) {
    if (auto q = quantity(v, Dimension::size, what + " memory", 1e6, 1e15)) hw.memory = Bytes{*q};
  }
  if (auto v = require(n, "nic", what); v.IsDefined()) {
    if (auto q = quantity(v, Dimension::rate, what + " nic", 0, 1e15)) hw.nic = BytesPerSecond{*q};
  }
  if (auto v = require(n, "database_disk", what); v.IsDefined()) {
    if (check_map(v, "servers[].hardware.database_disk", what + " database_disk")) {
      if (auto i = require(v, "iops", what + " database_disk"); i.IsDefined()) {
        if (auto x = number(i, what + " database_disk iops", 1, 1e8)) hw.database_disk.iops = *x;
      }
      if (present(v["capacity"])) {
        if (auto q = quantity(v["capacity"], Dimension::size, what + " database_disk capacity", 0,
                              1e18)) {
          hw.database_disk.capacity = Bytes{*q};
        }
      }
    }
  }
  if (auto v = require(n, "log_disk", what); v.IsDefined()) {
    if (check_map(v, "servers[].hardware.log_disk", what + " log_disk")) {
      if (auto t = require(v, "throughput", what + " log_disk"); t.IsDefined()) {
        if (auto q = quantity(t, Dimension::rate, what + " log_disk throughput", 0, 1e13)) {
          hw.log_disk.throughput = BytesPerSecond{*q};
        }
      }
      if (auto c = require(v, "capacity", what + " log_disk"); c.IsDefined()) {
        if (auto q = quantity(c, Dimension::size, what + " log_disk capacity", 0, 1e18)) {
          hw.log_disk.capacity = Bytes{*q};
        }
      }
      if (present(v["circular_logging"])) {
        if (auto b = boolean(v["circular_logging"], what + " log_disk circular_logging")) {
          hw.log_disk.circular_logging = *b;
        }
      }
    }
  }
}

void Loader::load_databases(const YAML::Node& n, Server& server) {
  const std::string what = fmt::format("server '{}' databases", server.name);
  if (!check_sequence(n, what)) return;
  if (n.size() > static_cast<size_t>(Limits::kMaxDatabasesPerServer)) {
    error(n, fmt::format("{}: {} databases exceed the limit of {}", what, n.size(),
                         Limits::kMaxDatabasesPerServer));
    return;
  }
  for (const YAML::Node& e : n) {
    Database db;
    db.pos = pos(e);
    if (!check_map(e, "servers[].databases[]", "a database")) continue;
    if (auto v = require(e, "name", "a database"); v.IsDefined()) {
      if (auto nm = name(v, "database name")) db.name = *nm;
    }
    db.mailboxes.pos = db.pos;
    db.mailboxes.profile_pos = db.pos;
    if (present(e["mailboxes"])) load_mailboxes(e["mailboxes"], db);
    server.databases.push_back(std::move(db));
  }
}

void Loader::load_mailboxes(const YAML::Node& n, Database& db) {
  const std::string what = fmt::format("database '{}' mailboxes", db.name);
  MailboxPopulation& m = db.mailboxes;
  m.pos = pos(n);
  m.profile_pos = m.pos;
  if (!check_map(n, "servers[].databases[].mailboxes", what)) return;
  if (present(n["from"])) {
    load_inventory(n, db, what);
    return;
  }
  if (present(n["database"])) {
    error(n["database"], fmt::format("{} database: it picks the rows of an inventory, and is not "
                                     "allowed without 'from'",
                                     what));
  }
  if (auto v = require(n, "count", what); v.IsDefined()) {
    if (auto c = integer(v, what + " count", 0, Limits::kMaxMailboxesPerDatabase)) m.count = *c;
  }
  if (auto v = require(n, "size", what); v.IsDefined()) {
    SizeSpec& size = m.size;
    const std::string sw = what + " size";
    if (v.IsScalar()) {
      if (auto q = quantity(v, Dimension::size, sw, 0, 1e13)) {
        size.distribution = SizeDistribution::fixed;
        size.fixed = Bytes{*q};
      }
    } else if (check_map(v, "servers[].databases[].mailboxes.size", sw)) {
      if (auto d = require(v, "distribution", sw); d.IsDefined()) {
        auto dist = enumeration<SizeDistribution>(d, sw + " distribution",
                                                  {{"fixed", SizeDistribution::fixed},
                                                   {"uniform", SizeDistribution::uniform},
                                                   {"lognormal", SizeDistribution::lognormal}});
        if (dist) size.distribution = *dist;
        const auto get = [&](const char* key, Bytes& out, bool allow_zero) {
          if (auto x = require(v, key, sw); x.IsDefined()) {
            if (auto q = quantity(x, Dimension::size, sw + " " + key, 0, 1e13, allow_zero)) {
              out = Bytes{*q};
              return true;
            }
          }
          return false;
        };
        if (dist == SizeDistribution::fixed) {
          get("mean", size.fixed, false);
        } else if (dist == SizeDistribution::uniform) {
          const bool ok_min = get("min", size.min, true);
          const bool ok_max = get("max", size.max, false);
          if (ok_min && ok_max && size.min > size.max) {
            error(v, fmt::format("{}: min is larger than max", sw));
          }
        } else if (dist == SizeDistribution::lognormal) {
          get("mean", size.mean, false);
          get("stddev", size.stddev, true);
        }
      }
    }
  }
  if (present(n["items_per_mb"])) {
    if (auto x = number(n["items_per_mb"], what + " items_per_mb", 1e-3, 1e5)) m.items_per_mb = *x;
  }
  if (present(n["profile"])) {
    m.profile_pos = pos(n["profile"]);
    if (auto nm = name(n["profile"], what + " profile")) m.profile = *nm;
  }
}

void Loader::load_connectors(const YAML::Node& n, Scenario& s) {
  if (!check_map(n, "connectors", "connectors")) return;
  if (present(n["routing_group"])) {
    const YAML::Node list = n["routing_group"];
    if (check_sequence(list, "connectors routing_group")) {
      for (const YAML::Node& e : list) {
        RoutingGroupConnector c;
        c.pos = pos(e);
        if (!check_map(e, "connectors.routing_group[]", "a routing group connector")) continue;
        if (auto v = require(e, "between", "a routing group connector"); v.IsDefined()) {
          if (auto ends = pair_of_names(v, "connector 'between'")) {
            c.server_a = ends->first;
            c.server_b = ends->second;
          }
        }
        if (present(e["cost"])) {
          if (auto x = number(e["cost"], "connector cost", 1, 1e6)) c.cost = *x;
        }
        s.connectors.routing_group.push_back(std::move(c));
      }
    }
  }
  if (present(n["internet"])) {
    const YAML::Node in = n["internet"];
    s.connectors.internet_pos = pos(in);
    if (check_map(in, "connectors.internet", "connectors internet")) {
      if (auto v = require(in, "via", "connectors internet"); v.IsDefined()) {
        s.connectors.internet_pos = pos(v);
        if (auto nm = name(v, "internet connector server")) s.connectors.internet_via = *nm;
      }
    }
  }
}

}  // namespace coexlab
