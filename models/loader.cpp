#include "loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "calibration.hpp"
#include "inventory.hpp"
#include "overrides.hpp"
#include "scenario_keys.hpp"
#include "windows.hpp"
#include "yaml_budget.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coexlab {
namespace {

using units::Dimension;

bool is_name(std::string_view s, bool allow_dots) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [allow_dots](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
           (allow_dots && c == '.');
  });
}

// Least non-zero value of each dimension (SI units), with how messages say it.
struct Floor {
  double value;
  const char* text;
  const char* what;
};
Floor floor_of(Dimension d) {
  switch (d) {
    case Dimension::rate:
      return {0.125, "1 bps", "rate"};
    case Dimension::size:
      return {1, "1 B", "size"};
    case Dimension::time:
      return {1e-9, "1 ns", "duration"};
    case Dimension::clock:
      return {1, "1 Hz", "clock"};
    case Dimension::share:
      return {1e-9, "0.0000001 %", "share"};
  }
  return {0, "0", "value"};
}

template <class E>
struct EnumEntry {
  std::string_view text;
  E value;
};

class Loader {
 public:
  Loader(std::string file, Diagnostics& diags, const std::vector<OverrideNode>& overrides)
      : file_(std::move(file)), diags_(diags), overrides_(overrides) {}

  Scenario load(const YAML::Node& root);

 private:
  // ---- positions and messages -------------------------------------------------------------
  SourcePos pos(const YAML::Node& n) const {
    for (const OverrideNode& o : overrides_) {
      if (o.node.is(n)) return {o.label, n.Mark().line + 1, n.Mark().column + 1};
    }
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void error(const YAML::Node& n, std::string message) { diags_.error(pos(n), std::move(message)); }

  // ---- structure --------------------------------------------------------------------------
  // True when n is a map; reports unknown keys (with a suggestion) and duplicate keys.
  bool check_map(const YAML::Node& n, std::string_view context, std::string_view what) {
    if (!n.IsMap()) {
      error(n, fmt::format("{} must be a mapping of keys to values", what));
      return false;
    }
    const std::vector<std::string_view>* keys = keys_of(context);
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) {
        error(kv.first, fmt::format("a key of {} must be a plain name", what));
        continue;
      }
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        error(kv.first, fmt::format("duplicate key '{}' in {}", key, what));
        continue;
      }
      if (keys && std::find(keys->begin(), keys->end(), key) == keys->end()) {
        const std::string hint = did_you_mean(key, *keys);
        error(kv.first, hint.empty() ? fmt::format("unknown key '{}' in {}", key, what)
                                     : fmt::format("unknown key '{}' in {}; did you mean '{}'?",
                                                   key, what, hint));
      }
    }
    return true;
  }

  bool check_sequence(const YAML::Node& n, std::string_view what) {
    if (!n.IsSequence()) {
      error(n, fmt::format("{} must be a list", what));
      return false;
    }
    return true;
  }

  // The value of a required key, or an undefined node after reporting it missing.
  YAML::Node require(const YAML::Node& map, const char* key, std::string_view what) {
    const YAML::Node v = map[key];
    if (!v.IsDefined() || v.IsNull()) {
      error(map, fmt::format("{} has no '{}' (required)", what, key));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    return v;
  }

  static bool present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

  // ---- scalars ----------------------------------------------------------------------------
  std::optional<std::string> scalar(const YAML::Node& n, std::string_view what) {
    if (!n.IsScalar()) {
      error(n, fmt::format("{} must be a single value, not a {}", what,
                           n.IsMap()        ? "mapping"
                           : n.IsSequence() ? "list"
                                            : "null"));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<std::string> name(const YAML::Node& n, std::string_view what,
                                  bool allow_dots = false) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    if (!is_name(*s, allow_dots)) {
      error(n, fmt::format("{} '{}' may contain only letters, digits, '-' and '_'{}", what, *s,
                           allow_dots ? " and '.'" : " (no dots: result paths use them)"));
      return std::nullopt;
    }
    return s;
  }

  std::optional<double> number(const YAML::Node& n, std::string_view what, double min, double max) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    double v = 0;
    const char* b = s->data();
    const char* e = s->data() + s->size();
    if (b != e && *b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, v, std::chars_format::general);
    if (ec != std::errc{} || p != e || !std::isfinite(v)) {
      error(n, fmt::format("{} must be a plain number, got '{}'", what, *s));
      return std::nullopt;
    }
    if (v < min || v > max) {
      error(n, fmt::format("{} = {} is out of range [{:g}, {:g}]", what, *s, min, max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::int64_t> integer(const YAML::Node& n, std::string_view what, std::int64_t min,
                                      std::int64_t max) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    std::int64_t v = 0;
    const char* b = s->data();
    const char* e = s->data() + s->size();
    if (b != e && *b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && p != e && *p == '.') ||
        (ec == std::errc{} && p != e && (*p == 'e' || *p == 'E'))) {
      // A number, but too large or not whole: say which.
      double d = 0;
      if (std::from_chars(b, e, d).ec == std::errc{} && std::isfinite(d) && d == std::floor(d)) {
        error(n, fmt::format("{} = {} is out of range [{}, {}]", what, *s, min, max));
      } else {
        error(n, fmt::format("{} must be a whole number, got '{}'", what, *s));
      }
      return std::nullopt;
    }
    if (ec != std::errc{} || p != e) {
      error(n, fmt::format("{} must be a whole number, got '{}'", what, *s));
      return std::nullopt;
    }
    if (v < min || v > max) {
      error(n, fmt::format("{} = {} is out of range [{}, {}]", what, *s, min, max));
      return std::nullopt;
    }
    return v;
  }

  // A dimensioned value in SI units, within [min, max] (SI).
  std::optional<double> quantity(const YAML::Node& n, Dimension dim, std::string_view what,
                                 double min_si, double max_si, bool allow_zero = false) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    const units::ParsedQuantity q = units::parse_quantity(*s, dim);
    if (!q.ok()) {
      error(n, fmt::format("{}: {}", what, q.error));
      return std::nullopt;
    }
    // The smallest physical quantity worth simulating: below it a value is a typo (a unit
    // prefix too many) or a probe, and its reciprocals overflow (docs/limits.md).
    if (const Floor f = floor_of(dim); q.base_value != 0 && std::fabs(q.base_value) < f.value) {
      error(n, fmt::format("{} = '{}' is out of range: below {}, the least a {} may be", what, *s,
                           f.text, f.what));
      return std::nullopt;
    }
    if ((!allow_zero && q.base_value == 0 && min_si >= 0) || q.base_value < min_si ||
        q.base_value > max_si) {
      error(n, fmt::format("{} = '{}' is out of range{}", what, *s,
                           !allow_zero && q.base_value == 0 ? " (must be more than zero)" : ""));
      return std::nullopt;
    }
    return q.base_value;
  }

  std::optional<bool> boolean(const YAML::Node& n, std::string_view what) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    error(n, fmt::format("{} must be true or false, got '{}'", what, *s));
    return std::nullopt;
  }

  template <class E>
  std::optional<E> enumeration(const YAML::Node& n, std::string_view what,
                               std::initializer_list<EnumEntry<E>> entries) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    std::vector<std::string_view> names;
    for (const auto& e : entries) {
      if (e.text == *s) return e.value;
      names.push_back(e.text);
    }
    std::string list;
    for (std::string_view nm : names) list += (list.empty() ? "" : ", ") + std::string(nm);
    const std::string hint = did_you_mean(*s, names);
    error(n, fmt::format("{} '{}' is not one of: {}{}", what, *s, list,
                         hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    return std::nullopt;
  }

  std::optional<DatabaseRef> database_ref(const YAML::Node& n, std::string_view what) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    const auto slash = s->find('/');
    if (slash == std::string::npos || s->find('/', slash + 1) != std::string::npos ||
        !is_name(s->substr(0, slash), false) || !is_name(s->substr(slash + 1), false)) {
      error(n, fmt::format("{} '{}' must name a database as SERVER/DATABASE, e.g. "
                           "'EX07-HQ1/DB1'",
                           what, *s));
      return std::nullopt;
    }
    return DatabaseRef{s->substr(0, slash), s->substr(slash + 1)};
  }

  std::optional<std::pair<std::string, std::string>> pair_of_names(const YAML::Node& n,
                                                                   std::string_view what) {
    if (!n.IsSequence() || n.size() != 2) {
      error(n, fmt::format("{} must be a list of two names, e.g. [HQ, Branch]", what));
      return std::nullopt;
    }
    auto a = name(n[0], what);
    auto b = name(n[1], what);
    if (!a || !b) return std::nullopt;
    if (*a == *b) {
      error(n, fmt::format("{} names '{}' twice: it needs two different ends", what, *a));
      return std::nullopt;
    }
    return std::make_pair(*a, *b);
  }

  // ---- sections ---------------------------------------------------------------------------
  void load_sites(const YAML::Node& n, Scenario& s);
  void load_links(const YAML::Node& n, Scenario& s);
  void load_servers(const YAML::Node& n, Scenario& s);
  void load_hardware(const YAML::Node& n, Server& server);
  void load_databases(const YAML::Node& n, Server& server);
  void load_mailboxes(const YAML::Node& n, Database& db);
  void load_inventory(const YAML::Node& n, Database& db, const std::string& what);
  void load_connectors(const YAML::Node& n, Scenario& s);
  void load_workload(const YAML::Node& n, Scenario& s);
  void load_migration(const YAML::Node& n, Scenario& s);
  void load_window(const YAML::Node& n, const CivilTime& start, Migration& m);
  void load_batches(const YAML::Node& n, const CivilTime& start, Migration& m);
  void load_operations(const YAML::Node& n, Scenario& s);
  void load_costs(const YAML::Node& n, Scenario& s);
  void load_simulation(const YAML::Node& n, Scenario& s);
  void load_calibration(const YAML::Node& n, Scenario& s);
  void load_checks(const YAML::Node& n, Scenario& s);
  std::optional<Seconds> instant(const YAML::Node& n, const CivilTime& start,
                                 std::string_view what);
  std::optional<double> signed_hours(const YAML::Node& n, std::string_view what);

  std::string file_;
  Diagnostics& diags_;
  const std::vector<OverrideNode>& overrides_;
  bool start_ok_ = false;

  // Inventory files, each read and parsed once however many databases take rows from it;
  // each row converted (and its errors reported) once.
  struct InventoryFile {
    std::string read_error;  // the file could not be read
    std::optional<InventoryTable> table;
    std::vector<std::optional<InventoryMailbox>> rows;
    std::vector<bool> converted;
  };
  std::map<std::string, InventoryFile> inventories_;
  std::map<std::string, SourcePos> identities_;  // identity -> its first row
};

Scenario Loader::load(const YAML::Node& root) {
  Scenario s;
  s.file = file_;
  if (!root.IsDefined() || root.IsNull()) {
    diags_.error({file_, 1, 1},
                 "the scenario is empty: it needs at least 'scenario', 'start', "
                 "'sites' and 'servers'");
    return s;
  }
  if (!check_map(root, "", "the scenario")) return s;

  if (auto v = require(root, "scenario", "the scenario"); v.IsDefined()) {
    if (auto nm = name(v, "scenario name", true)) {
      // The name is a directory (results/<scenario>): "." and ".." would be the parent or
      // results/ itself.
      if (nm->find_first_not_of('.') == std::string::npos) {
        error(v, fmt::format("scenario name '{}' is made of dots only: it names the result "
                             "directory results/<scenario>; use letters or digits",
                             *nm));
      } else {
        s.name = *nm;
      }
    }
  }
  if (present(root["description"])) {
    if (auto d = scalar(root["description"], "description")) s.description = *d;
  }
  if (present(root["seed"])) {
    if (auto text = scalar(root["seed"], "seed")) {
      std::string err;
      if (auto seed = parse_seed(*text, &err))
        s.seed = *seed;
      else
        error(root["seed"], err);
    }
  }
  if (auto v = require(root, "start", "the scenario"); v.IsDefined()) {
    if (auto text = scalar(v, "start")) {
      std::string err;
      if (auto t = parse_iso_datetime(*text, &err)) {
        s.start = *t;
        start_ok_ = true;
      } else {
        error(v, "start: " + err);
      }
    }
  }
  if (auto v = require(root, "sites", "the scenario"); v.IsDefined()) load_sites(v, s);
  if (present(root["links"])) load_links(root["links"], s);
  if (auto v = require(root, "servers", "the scenario"); v.IsDefined()) load_servers(v, s);
  if (present(root["connectors"])) load_connectors(root["connectors"], s);
  // Default legacy web access depends on the servers: front_end if a 2003 front-end exists.
  s.workload.legacy_web_access =
      std::any_of(s.servers.begin(), s.servers.end(),
                  [](const Server& sv) { return sv.is_2003() && sv.has(Role::front_end); })
          ? LegacyWebAccess::front_end
          : LegacyWebAccess::client_access;
  s.workload.pos = pos(root);
  if (root["workload"].IsDefined()) load_workload(root["workload"], s);
  // A missing or null migration is refused by the rules (run cannot do without it); the
  // loader alone also reads layouts.
  if (const YAML::Node m = root["migration"]; !m.IsDefined()) {
    s.migration.pos = pos(root);
  } else if (m.IsNull()) {
    s.migration.pos = pos(m);
    s.migration.written_null = true;
  } else {
    load_migration(m, s);
  }
  if (present(root["operations"])) load_operations(root["operations"], s);
  if (present(root["costs"])) load_costs(root["costs"], s);
  s.simulation.pos = pos(root);
  if (present(root["simulation"])) load_simulation(root["simulation"], s);
  if (present(root["calibration"])) load_calibration(root["calibration"], s);
  if (present(root["checks"])) load_checks(root["checks"], s);
  return s;
}

std::optional<double> Loader::signed_hours(const YAML::Node& n, std::string_view what) {
  auto text = scalar(n, what);
  if (!text) return std::nullopt;
  std::string_view t = *text;
  double sign = 1;
  if (!t.empty() && t.front() == '-') {
    sign = -1;
    t.remove_prefix(1);
  }
  const units::ParsedQuantity q = units::parse_quantity(t, Dimension::time);
  if (!q.ok()) {
    error(n, fmt::format("{}: {}", what, q.error));
    return std::nullopt;
  }
  if (q.base_value > 14 * 3600.0) {
    error(n, fmt::format("{} '{}' is out of range (-14 h to +14 h)", what, *text));
    return std::nullopt;
  }
  return sign * q.base_value;
}

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

// `mailboxes: { from: FILE, database: TEXT, profile: P }` (SPEC §5.3): the rows of an
// inventory, FILE relative to the scenario file; errors in the CSV are positioned there.
void Loader::load_inventory(const YAML::Node& n, Database& db, const std::string& what) {
  MailboxPopulation& m = db.mailboxes;
  for (const char* key : {"count", "size", "items_per_mb"}) {
    if (n[key].IsDefined()) {
      error(n[key], fmt::format("{}: '{}' is not allowed with 'from': the inventory gives each "
                                "mailbox's size and items",
                                what, key));
    }
  }
  if (present(n["profile"])) {
    m.profile_pos = pos(n["profile"]);
    if (auto nm = name(n["profile"], what + " profile")) m.profile = *nm;
  }
  if (present(n["database"])) {
    if (auto d = scalar(n["database"], what + " database")) {
      if (d->empty()) {
        error(n["database"], what + " database is empty");
      } else {
        m.from_database = *d;
      }
    }
  }
  const YAML::Node from = n["from"];
  const auto file = scalar(from, what + " from");
  if (!file) return;
  if (file->empty()) {
    error(from, what + " from: the inventory file name is empty");
    return;
  }
  namespace fs = std::filesystem;
  m.from = *file;
  m.from_pos = pos(from);
  m.from_path = (fs::path(file_).parent_path() / fs::path(*file)).lexically_normal().string();
  auto [it, fresh] = inventories_.try_emplace(m.from_path);
  InventoryFile& inv = it->second;
  if (fresh) {
    std::string why;
    if (auto text = read_inventory_file(m.from_path, &why)) {
      inv.table = parse_inventory(*text, m.from_path, diags_);
      if (inv.table) {
        inv.rows.resize(inv.table->rows.size());
        inv.converted.resize(inv.table->rows.size(), false);
      }
    } else {
      inv.read_error = std::move(why);
    }
  }
  if (!inv.read_error.empty()) {
    error(from, fmt::format("{} from: cannot read the inventory '{}': {}", what, m.from_path,
                            inv.read_error));
    return;
  }
  if (!inv.table) return;  // its errors are reported at the file's positions
  const InventoryTable& t = *inv.table;
  if (m.from_database && t.database < 0) {
    error(n["database"], fmt::format("{} database: '{}' has no 'Database' column to select "
                                     "rows by",
                                     what, m.from_path));
    return;
  }
  const std::vector<size_t> rows = select_inventory_rows(t, m.from_database);
  if (rows.empty()) {
    if (m.from_database) {
      std::string known;
      const std::vector<std::string> dbs = inventory_databases(t);
      for (size_t i = 0; i < dbs.size() && i < 5; ++i) known += (i ? "', '" : "") + dbs[i];
      error(n["database"], fmt::format("{} database: no row of '{}' has Database '{}'{}", what,
                                       m.from_path, *m.from_database,
                                       dbs.empty() ? std::string()
                                                   : fmt::format(" (it has '{}'{})", known,
                                                                 dbs.size() > 5 ? ", ..." : "")));
    } else {
      diags_.error({t.label, t.header_line, 1},
                   "the inventory has a header and no mailbox rows after it");
    }
    return;
  }
  if (std::int64_t(rows.size()) > Limits::kMaxMailboxesPerDatabase) {
    error(from, fmt::format("{} from: {} rows exceed the limit of {} mailboxes per database", what,
                            rows.size(), Limits::kMaxMailboxesPerDatabase));
    return;
  }
  m.inventory.reserve(rows.size());
  for (size_t r : rows) {
    if (!inv.converted[r]) {
      inv.rows[r] = inventory_row(t, r, diags_);
      inv.converted[r] = true;
    }
    if (!inv.rows[r]) continue;
    const InventoryMailbox& row = *inv.rows[r];
    auto [first, added] = identities_.try_emplace(row.identity_from + ":" + row.identity, row.pos);
    if (!added && row.identity_from == "DisplayName") {
      // No MailboxGuid or LegacyDN: two users may share a display name. Both move; only a
      // plan that names them by identity cannot tell them apart.
      diags_.warning(row.pos, fmt::format("mailbox '{}' has the display name of the one at "
                                          "{}:{} and no MailboxGuid or LegacyDN to tell them "
                                          "apart: export those columns too",
                                          row.name, first->second.source, first->second.line));
    } else if (!added) {
      diags_.error(row.pos, fmt::format("mailbox '{}' ({} '{}') is already at {}:{}: a "
                                        "mailbox is in one database",
                                        row.name, row.identity_from, row.identity,
                                        first->second.source, first->second.line));
      continue;
    }
    m.inventory.push_back(row);
  }
  // The good rows (with errors, the scenario is not run: the rules see the rows that loaded).
  m.count = static_cast<std::int64_t>(m.inventory.size());
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

void Loader::load_workload(const YAML::Node& n, Scenario& s) {
  Workload& w = s.workload;
  w.pos = pos(n);
  if (n.IsScalar() && n.Scalar() == "none") {
    w.enabled = false;
    return;
  }
  if (n.IsNull()) return;
  if (!check_map(n, "workload", "workload (a mapping, or 'none')")) return;
  if (present(n["day_shape"])) {
    if (auto d = enumeration<DayShape>(
            n["day_shape"], "workload day_shape",
            {{"office_hours", DayShape::office_hours}, {"flat", DayShape::flat}})) {
      w.day_shape = *d;
    }
  }
  if (present(n["profiles"]) && check_sequence(n["profiles"], "workload profiles")) {
    for (const YAML::Node& e : n["profiles"]) {
      Profile p;
      p.pos = pos(e);
      if (!check_map(e, "workload.profiles[]", "a profile")) continue;
      if (auto v = require(e, "name", "a profile"); v.IsDefined()) {
        if (auto nm = name(v, "profile name")) p.name = *nm;
      }
      const std::string what = fmt::format("profile '{}'", p.name);
      if (auto v = require(e, "sent_per_day", what); v.IsDefined()) {
        if (auto x = number(v, what + " sent_per_day", 0, 1e5)) p.sent_per_day = *x;
      }
      if (auto v = require(e, "received_per_day", what); v.IsDefined()) {
        if (auto x = number(v, what + " received_per_day", 0, 1e5)) p.received_per_day = *x;
      }
      if (present(e["message_size"])) {
        if (auto q = quantity(e["message_size"], Dimension::size, what + " message_size", 0, 1e9)) {
          p.message_size = Bytes{*q};
        }
      }
      if (present(e["database_iops_2003"])) {
        p.database_iops_2003 =
            number(e["database_iops_2003"], what + " database_iops_2003", 0, 1e3);
      }
      if (present(e["database_iops_2007"])) {
        p.database_iops_2007 =
            number(e["database_iops_2007"], what + " database_iops_2007", 0, 1e3);
      }
      if (present(e["cache_per_user_2007"])) {
        if (auto q = quantity(e["cache_per_user_2007"], Dimension::size,
                              what + " cache_per_user_2007", 0, 1e11, true)) {
          p.cache_per_user_2007 = Bytes{*q};
        }
      }
      if (present(e["log_files_per_day"])) {
        p.log_files_per_day = number(e["log_files_per_day"], what + " log_files_per_day", 0, 1e5);
      }
      w.profiles.push_back(std::move(p));
    }
  }
  // A mix of shares that must add up to 100 %.
  const auto mix = [&](const char* key, std::string_view context,
                       std::initializer_list<std::pair<const char*, Fraction*>> parts) {
    const YAML::Node m = n[key];
    if (!present(m)) return;
    const std::string what = fmt::format("workload {}", key);
    if (!check_map(m, context, what)) return;
    double total = 0;
    bool all_ok = true;
    for (auto [part, field] : parts) {
      if (present(m[part])) {
        if (auto q = quantity(m[part], Dimension::share, what + " " + part, 0, 1, true)) {
          *field = Fraction{*q};
        } else {
          all_ok = false;
        }
      } else {
        *field = Fraction{0};
      }
      total += field->value;
    }
    if (all_ok && std::abs(total - 1.0) > 1e-6) {
      error(m, fmt::format("{} adds up to {:g} %, not 100 %", what, total * 100));
    }
  };
  mix("clients", "workload.clients",
      {{"outlook", &w.clients.outlook},
       {"owa", &w.clients.owa},
       {"pop_imap", &w.clients.pop_imap}});
  mix("recipients", "workload.recipients",
      {{"same_database", &w.recipients.same_database},
       {"same_site", &w.recipients.same_site},
       {"other_site", &w.recipients.other_site},
       {"internet", &w.recipients.internet}});
  if (present(n["legacy_web_access"])) {
    if (auto l =
            enumeration<LegacyWebAccess>(n["legacy_web_access"], "workload legacy_web_access",
                                         {{"front_end", LegacyWebAccess::front_end},
                                          {"client_access", LegacyWebAccess::client_access}})) {
      w.legacy_web_access = *l;
    }
  }
}

std::optional<Seconds> Loader::instant(const YAML::Node& n, const CivilTime& start,
                                       std::string_view what) {
  auto text = scalar(n, what);
  if (!text) return std::nullopt;
  std::string err;
  auto t = parse_iso_datetime(*text, &err);
  if (!t) {
    error(n, fmt::format("{}: {}", what, err));
    return std::nullopt;
  }
  return Seconds{static_cast<double>(t->epoch_seconds() - start.epoch_seconds())};
}

void Loader::load_window(const YAML::Node& e, const CivilTime& start, Migration& m) {
  Window w;
  w.pos = pos(e);
  if (!check_map(e, "migration.windows[]", "a move window")) return;
  const YAML::Node from = require(e, "from", "a move window");
  const YAML::Node to = require(e, "to", "a move window");
  if (!from.IsDefined() || !to.IsDefined()) return;
  auto from_text = scalar(from, "window from");
  auto to_text = scalar(to, "window to");
  if (!from_text || !to_text) return;
  const bool from_weekly =
      !from_text->empty() && std::isalpha(static_cast<unsigned char>((*from_text)[0]));
  const bool to_weekly =
      !to_text->empty() && std::isalpha(static_cast<unsigned char>((*to_text)[0]));
  if (from_weekly != to_weekly) {
    error(e,
          "a move window mixes a weekly time and a date-time: give both as 'Fri 20:00' "
          "(weekly) or both as '2007-06-08T20:00' (once)");
    return;
  }
  std::string err;
  if (from_weekly) {
    w.weekly = true;
    auto f = parse_weekly_time(*from_text, &err);
    if (!f) {
      error(from, "window from: " + err);
      return;
    }
    auto t = parse_weekly_time(*to_text, &err);
    if (!t) {
      error(to, "window to: " + err);
      return;
    }
    if (*f == *t) {
      error(e, fmt::format("move window {} -> {} is empty (from equals to); for an always-open "
                           "migration omit 'windows'",
                           *from_text, *to_text));
      return;
    }
    w.from_minute_of_week = *f;
    w.to_minute_of_week = *t;
  } else {
    w.weekly = false;
    if (!start_ok_) return;
    auto f = instant(from, start, "window from");
    auto t = instant(to, start, "window to");
    if (!f || !t) return;
    if (*t <= *f) {
      error(e, fmt::format("move window {} -> {} is empty: 'to' must be after 'from'", *from_text,
                           *to_text));
      return;
    }
    w.from = *f;
    w.to = *t;
  }
  m.windows.push_back(w);
}

void Loader::load_batches(const YAML::Node& n, const CivilTime& start, Migration& m) {
  if (!check_sequence(n, "migration batches")) return;
  int index = 0;
  for (const YAML::Node& e : n) {
    ++index;
    Batch b;
    b.pos = pos(e);
    b.name = fmt::format("batch{}", index);
    if (!check_map(e, "migration.batches[]", "a batch")) continue;
    if (present(e["name"])) {
      if (auto nm = name(e["name"], "batch name")) b.name = *nm;
    }
    const std::string what = fmt::format("batch '{}'", b.name);
    if (auto v = require(e, "from", what); v.IsDefined()) {
      b.from_pos = pos(v);
      if (auto r = database_ref(v, what + " from")) b.from = *r;
    }
    if (auto v = require(e, "to", what); v.IsDefined()) {
      b.to_pos = pos(v);
      if (auto r = database_ref(v, what + " to")) b.to = *r;
    }
    if (present(e["mailboxes"])) {
      const YAML::Node sel = e["mailboxes"];
      b.mailboxes_pos = pos(sel);
      if (auto text = scalar(sel, what + " mailboxes")) {
        if (*text == "all") {
          b.mailboxes.kind = BatchSelection::Kind::all;
        } else if (text->find('%') != std::string::npos) {
          if (auto q = quantity(sel, Dimension::share, what + " mailboxes", 0, 1)) {
            b.mailboxes.kind = BatchSelection::Kind::share;
            b.mailboxes.share = Fraction{*q};
          }
        } else if (auto c = integer(sel, what + " mailboxes ('all', a count or a share)", 1,
                                    Limits::kMaxMailboxesPerDatabase)) {
          b.mailboxes.kind = BatchSelection::Kind::count;
          b.mailboxes.count = *c;
        }
      }
    }
    if (present(e["not_before"]) && start_ok_) {
      b.not_before = instant(e["not_before"], start, what + " not_before");
    }
    m.batches.push_back(std::move(b));
  }
}

void Loader::load_migration(const YAML::Node& n, Scenario& s) {
  Migration& m = s.migration;
  m.pos = pos(n);
  if (!check_map(n, "migration", "migration")) return;
  m.present = true;
  if (auto v = require(n, "mover", "migration"); v.IsDefined()) {
    m.mover_pos = pos(v);
    if (auto nm = name(v, "migration mover")) m.mover = *nm;
  }
  if (present(n["max_threads"])) {
    if (auto t = integer(n["max_threads"], "migration max_threads", 1, Limits::kMaxThreads)) {
      m.max_threads = static_cast<int>(*t);
      if (*t > Limits::kFastThreads) {
        diags_.warning(
            pos(n["max_threads"]),
            fmt::format("migration max_threads = {}: a real Move-Mailbox runs tens of threads, "
                        "and the simulation's cost grows faster than the thread count (SimGrid "
                        "shares every link among all running moves): measured 5,000 mailboxes "
                        "in 0.9 s with 100 threads, 4.1 s with 400, 9.3 s with 1,000; a larger "
                        "plan with 1,000 threads took 195 s (docs/limits.md)",
                        *t));
      }
    }
  }
  m.scheduler_pos = m.pos;
  if (present(n["scheduler"])) {
    m.scheduler_pos = pos(n["scheduler"]);
    if (auto sc = name(n["scheduler"], "migration scheduler")) m.scheduler = *sc;
  }
  if (present(n["throttles"])) {
    const YAML::Node t = n["throttles"];
    if (check_map(t, "migration.throttles", "migration throttles")) {
      const auto get = [&](const char* key, std::optional<int>& out) {
        if (!present(t[key])) return;
        if (auto v = integer(t[key], fmt::format("throttle {}", key), 1, 1'000'000)) {
          out = static_cast<int>(*v);
        }
      };
      get("per_source_database", m.throttles.per_source_database);
      get("per_target_database", m.throttles.per_target_database);
      get("per_source_server", m.throttles.per_source_server);
      get("per_target_server", m.throttles.per_target_server);
    }
  }
  if (present(n["bad_item_limit"])) {
    if (auto b = integer(n["bad_item_limit"], "migration bad_item_limit", 0, 1'000'000'000)) {
      m.bad_item_limit = static_cast<int>(*b);
    }
  }
  if (present(n["windows"]) && check_sequence(n["windows"], "migration windows")) {
    if (n["windows"].size() > kMaxMoveWindows) {
      error(n["windows"], fmt::format("{} move windows exceed the limit of {}: merge adjacent "
                                      "ones",
                                      n["windows"].size(), kMaxMoveWindows));
    } else {
      for (const YAML::Node& e : n["windows"]) load_window(e, s.start, m);
    }
  }
  if (present(n["on_window_end"])) {
    if (auto p = enumeration<WindowEndPolicy>(
            n["on_window_end"], "migration on_window_end",
            {{"finish", WindowEndPolicy::finish}, {"cancel", WindowEndPolicy::cancel}})) {
      m.on_window_end = *p;
    }
  }
  if (present(n["batches"])) load_batches(n["batches"], s.start, m);
}

void Loader::load_operations(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "operations")) return;
  for (const YAML::Node& e : n) {
    Operation op;
    op.pos = pos(e);
    if (!check_map(e, "operations[]", "an operation")) continue;
    if (auto v = require(e, "action", "an operation"); v.IsDefined()) {
      if (auto a =
              enumeration<OperationAction>(v, "operation action",
                                           {{"create_mailbox", OperationAction::create_mailbox},
                                            {"modify_mailbox", OperationAction::modify_mailbox},
                                            {"remove_mailbox", OperationAction::remove_mailbox},
                                            {"move_mailbox", OperationAction::move_mailbox}})) {
        op.action = *a;
      }
    }
    if (auto v = require(e, "tool", "an operation"); v.IsDefined()) {
      if (auto t = enumeration<AdminTool>(v, "operation tool",
                                          {{"aduc_2003", AdminTool::aduc_2003},
                                           {"esm_2003", AdminTool::esm_2003},
                                           {"emc", AdminTool::emc},
                                           {"ems", AdminTool::ems}})) {
        op.tool = *t;
      }
    }
    if (auto v = require(e, "database", "an operation"); v.IsDefined()) {
      if (auto r = database_ref(v, "operation database")) op.database = *r;
    }
    if (present(e["to"])) {
      if (op.action != OperationAction::move_mailbox) {
        error(e["to"], "operation 'to' is only for action move_mailbox");
      } else if (auto r = database_ref(e["to"], "operation to")) {
        op.to = *r;
      }
    } else if (op.action == OperationAction::move_mailbox) {
      error(e, "a move_mailbox operation needs 'to' (the target database)");
    }
    s.operations.push_back(std::move(op));
  }
}

void Loader::load_costs(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "costs")) return;
  for (const YAML::Node& e : n) {
    Cost c;
    c.pos = pos(e);
    if (!check_map(e, "costs[]", "a cost")) continue;
    if (auto v = require(e, "path", "a cost"); v.IsDefined()) {
      if (auto p = scalar(v, "cost path")) c.path = *p;
    }
    if (auto v = require(e, "per_unit", "a cost"); v.IsDefined()) {
      if (auto x = number(v, "cost per_unit", 0, 1e12)) c.per_unit = *x;
    }
    s.costs.push_back(std::move(c));
  }
}

void Loader::load_simulation(const YAML::Node& n, Scenario& s) {
  SimulationSettings& sim = s.simulation;
  sim.pos = pos(n);
  if (!check_map(n, "simulation", "simulation")) return;
  if (present(n["mail_flow"])) {
    if (auto m = enumeration<MailFlowMode>(n["mail_flow"], "simulation mail_flow",
                                           {{"auto", MailFlowMode::automatic},
                                            {"per_message", MailFlowMode::per_message},
                                            {"aggregate", MailFlowMode::aggregate}})) {
      sim.mail_flow = *m;
      sim.mail_flow_pos = pos(n["mail_flow"]);
    }
  }
  bool interval_ok = true, horizon_ok = true;
  if (present(n["sample_interval"])) {
    if (auto q = quantity(n["sample_interval"], Dimension::time, "simulation sample_interval", 1,
                          Limits::kMaxHorizonSeconds)) {
      sim.sample_interval = Seconds{*q};
    } else {
      interval_ok = false;
    }
  }
  if (present(n["horizon"])) {
    if (auto q = quantity(n["horizon"], Dimension::time, "simulation horizon", 1,
                          Limits::kMaxHorizonSeconds)) {
      sim.horizon = Seconds{*q};
    } else {
      horizon_ok = false;
    }
  }
  if (interval_ok && horizon_ok &&
      sim.horizon.value / sim.sample_interval.value > Limits::kMaxSamples) {
    error(n, fmt::format("simulation: horizon / sample_interval = {:.0f} samples exceeds the limit "
                         "of {:.0f}; lengthen sample_interval",
                         sim.horizon.value / sim.sample_interval.value, Limits::kMaxSamples));
  }
}

void Loader::load_calibration(const YAML::Node& n, Scenario& s) {
  if (!check_map(n, "calibration", "calibration")) return;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = kv.first.Scalar();
    if (key == "mode") {
      if (auto m = enumeration<CalibrationMode>(
              kv.second, "calibration mode",
              {{"realistic", CalibrationMode::realistic}, {"ideal", CalibrationMode::ideal}})) {
        s.calibration.mode = *m;
      }
      continue;
    }
    const CalibrationConstant* c = find_calibration_constant(key);
    if (!c) continue;  // reported by check_map
    std::optional<double> v;
    const std::string what = fmt::format("calibration {}", key);
    if (c->dimension)
      v = quantity(kv.second, *c->dimension, what, 0, 1e18, true);
    else
      v = number(kv.second, what, 0, 1e12);
    if (v) s.calibration.overrides.push_back({key, *v, pos(kv.second)});
  }
}

void Loader::load_checks(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "checks")) return;
  for (const YAML::Node& e : n) {
    if (auto text = scalar(e, "a check")) {
      SourcePos at = pos(e);
      // A quoted check's text starts after its quote: errors point at columns in the text.
      if (e.Tag() == "!" && at.column > 0) ++at.column;
      s.checks.push_back({*text, at});
    }
  }
}

LoadResult load_parsed(const YAML::Node& root, const std::string& label,
                       const LoadOptions& options) {
  LoadResult result;
  std::vector<OverrideNode> override_nodes;
  YAML::Node doc = root;
  for (const Override& o : options.overrides) {
    std::string err = apply_override(doc, o, override_nodes);
    if (!err.empty()) {
      result.usage_error = std::move(err);
      return result;
    }
  }
  Loader loader(label, result.diagnostics, override_nodes);
  Scenario s = loader.load(doc);
  if (options.seed) s.seed = *options.seed;
  for (const Cost& c : s.costs) {
    if (c.path.empty()) continue;
    if (std::string err = check_override_path(doc, c.path); !err.empty()) {
      result.diagnostics.error(c.pos, "cost path: " + err.substr(err.find(':') + 2));
    }
  }
  result.scenario = std::move(s);  // partial when there are errors: rules still run on it
  return result;
}

// Bytes that YAML does not allow in a text, or that yaml-cpp misreads without a word: a NUL
// or another control character (binary data), and CR-only line endings (classic Mac), which
// yaml-cpp takes for one long line. nullopt when the text is clean.
std::optional<YamlBudgetError> check_text_bytes(const std::string& text) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
      continue;
    }
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      return YamlBudgetError{line, column,
                             "a line ends with a lone CR (classic Mac line endings), which YAML "
                             "reads as one long line: save the file with LF or CR LF line "
                             "endings"};
    }
    if (c == 0) {
      return YamlBudgetError{line, column,
                             "the text contains a NUL byte: a scenario is UTF-8 text, not "
                             "binary data"};
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
      return YamlBudgetError{
          line, column,
          fmt::format("the text contains the control character 0x{:02X}, which YAML does not "
                      "allow (a scenario is UTF-8 text)",
                      c)};
    }
    ++column;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* error) {
  constexpr std::uint64_t kMax =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto fail = [&](std::string message) -> std::optional<std::uint64_t> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail(fmt::format("seed must be a whole number in [0, {}], got '{}'", kMax, text));
  }
  // Decimal whatever the leading zeros ("010" is ten, in the file and on the command line).
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, 10);
  if (negative || ec == std::errc::result_out_of_range || v > kMax) {
    if (negative && ec == std::errc{} && v == 0) return 0;  // "-0"
    return fail(fmt::format("seed = {} is out of range [0, {}]", text, kMax));
  }
  if (ec != std::errc{} || p != digits.data() + digits.size()) {
    return fail(fmt::format("seed must be a whole number in [0, {}], got '{}'", kMax, text));
  }
  return v;
}

LoadResult load_scenario_text(const std::string& text, const std::string& label,
                              const LoadOptions& options) {
  if (text.size() > static_cast<size_t>(Limits::kMaxFileBytes)) {
    LoadResult r;
    r.diagnostics.error({label, 1, 1}, fmt::format("the text has {} bytes, more than the limit "
                                                   "of {}",
                                                   text.size(), Limits::kMaxFileBytes));
    return r;
  }
  if (auto e = check_text_bytes(text)) {
    LoadResult r;
    r.diagnostics.error({label, e->line, e->column}, std::move(e->message));
    return r;
  }
  // Aliases are counted (and cycles refused) on the parser's events, before any node exists.
  if (auto e = check_yaml_budget(text, Limits::kMaxYamlNodes)) {
    LoadResult r;
    r.diagnostics.error({label, e->line, e->column}, std::move(e->message));
    return r;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    LoadResult r;
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    r.diagnostics.error({label, line, col}, "YAML syntax: " + e.msg);
    return r;
  }
  return load_parsed(root, label, options);
}

LoadResult load_scenario_file(const std::string& path, const LoadOptions& options) {
  const auto fail = [&](std::string message) {
    LoadResult r;
    r.diagnostics.error({path, 0, 0}, std::move(message));
    return r;
  };
  // O_NONBLOCK: opening a FIFO that no one writes to must not wait (its read then ends at
  // once); it is switched off again for the reads.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return fail(fmt::format("cannot open the file: {}", std::strerror(errno)));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return fail(fmt::format("cannot read the file: {}", std::strerror(errno)));
  }
  // A device never ends (/dev/zero, /dev/urandom) or waits for a person (/dev/tty): only
  // regular files and pipes hold a scenario.
  if (S_ISDIR(st.st_mode)) return fail("is a directory, not a scenario file");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    return fail(fmt::format("is a {}, not a scenario file (a regular file or a pipe)",
                            S_ISCHR(st.st_mode)    ? "character device"
                            : S_ISBLK(st.st_mode)  ? "block device"
                            : S_ISSOCK(st.st_mode) ? "socket"
                                                   : "special file"));
  }
  if (S_ISREG(st.st_mode) && st.st_size > Limits::kMaxFileBytes) {
    return fail(fmt::format("the file has {} bytes, more than the limit of {}",
                            static_cast<std::int64_t>(st.st_size), Limits::kMaxFileBytes));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  // At most limit + 1 bytes, whatever the file claims: a pipe or a growing file is cut there.
  std::string text;
  const size_t cap = static_cast<size_t>(Limits::kMaxFileBytes) + 1;
  char buf[65536];
  while (text.size() < cap) {
    const ssize_t n = ::read(fd, buf, std::min(sizeof buf, cap - text.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot read the file: {}", std::strerror(errno)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  if (text.size() > static_cast<size_t>(Limits::kMaxFileBytes)) {
    return fail(fmt::format("the file has more than {} bytes (the limit); refusing to read further",
                            Limits::kMaxFileBytes));
  }
  return load_scenario_text(text, path, options);
}

}  // namespace coexlab
