// The JSON Schema of the scenario format (models/schema.cpp) against the key table
// (models/scenario_keys.cpp), the loader and the rules: the schema describes exactly the
// keys the loader reads, with the enums, required keys and unit dimensions it enforces.
//
// The loader side is observed, not restated: a "kitchen sink" scenario that uses every key
// loads cleanly, and mutating it one key at a time (a bogus enum value, a removed key, a
// value of the wrong dimension) must give the loader's error exactly when the schema says so.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "calibration.hpp"
#include "loader.hpp"
#include "rules.hpp"
#include "scenario_keys.hpp"
#include "scheduler.hpp"
#include "schema.hpp"
#include "units.hpp"

namespace {

using json = nlohmann::json;
using coexlab::keys_of;
using coexlab::units::Dimension;

// ---- the schema, walked by context --------------------------------------------------------

const json& schema() {
  static const json s = coexlab::scenario_json_schema();
  return s;
}

std::string join(const std::string& context, const std::string& key) {
  return context.empty() ? key : context + "." + key;
}

// The target of a local "$ref" (the node itself without one).
const json& deref(const json& node) {
  if (!node.contains("$ref")) return node;
  const std::string ref = node["$ref"].get<std::string>();
  const std::string prefix = "#/$defs/";
  if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("non-local $ref " + ref);
  return schema().at("$defs").at(ref.substr(prefix.size()));
}

// The node and, recursively, its oneOf / anyOf alternatives (not dereferenced).
std::vector<const json*> alternatives(const json& node) {
  std::vector<const json*> out{&node};
  for (const char* k : {"oneOf", "anyOf"}) {
    if (!node.contains(k)) continue;
    for (const json& alt : node[k]) {
      for (const json* a : alternatives(alt)) out.push_back(a);
    }
  }
  return out;
}

bool has_type(const json& node, std::string_view type) {
  if (!node.contains("type")) return false;
  const json& t = node["type"];
  if (t.is_string()) return t.get<std::string>() == type;
  return std::any_of(t.begin(), t.end(),
                     [&](const json& x) { return x.get<std::string>() == type; });
}

struct EnumSite {
  std::string context, key;
  json values;
  bool list = false;  // the key holds a list of these values (roles)
};
struct DimensionSite {
  std::string context, key, def;
  bool also_number = false;  // another alternative takes a bare number (batch mailboxes)
  bool alternative = false;  // one of several alternatives (mailbox size, batch mailboxes)
};

// Everything the tests need from one walk of the schema.
struct Walk {
  std::map<std::string, const json*> objects;  // context -> object schema
  std::set<std::string> arrays;                // list contexts: "sites[]", "checks[]"
  std::vector<EnumSite> enums;
  std::vector<DimensionSite> dimensions;
  std::vector<std::string> undocumented;  // properties without a description
  std::vector<std::string> duplicate_contexts;
};

const std::set<std::string> kDimensionDefs{"size",  "rate",  "duration",
                                           "clock", "share", "signed_duration"};

void walk(const json& node, const std::string& context, Walk& w) {
  for (const json* raw : alternatives(node)) {
    const json& alt = deref(*raw);
    if (has_type(alt, "object") && alt.contains("properties")) {
      if (!w.objects.emplace(context, &alt).second) w.duplicate_contexts.push_back(context);
      for (const auto& [key, prop] : alt["properties"].items()) {
        const std::string path = join(context, key);
        if (!prop.contains("description") || prop["description"].get<std::string>().empty()) {
          w.undocumented.push_back(path);
        }
        bool number = false;
        std::string def;
        for (const json* p : alternatives(prop)) {
          if (has_type(*p, "integer") || has_type(*p, "number")) number = true;
          if (p->contains("$ref")) {
            const std::string name = (*p)["$ref"].get<std::string>().substr(8);
            if (kDimensionDefs.count(name)) def = name;
          }
          const json& d = deref(*p);
          if (d.contains("enum")) w.enums.push_back({context, key, d["enum"], false});
          if (has_type(d, "array") && d.contains("items") && deref(d["items"]).contains("enum")) {
            w.enums.push_back({context, key, deref(d["items"])["enum"], true});
          }
        }
        if (!def.empty()) {
          w.dimensions.push_back({context, key, def, number, alternatives(prop).size() > 1});
        }
        walk(prop, path, w);
      }
    }
    if (has_type(alt, "array") && alt.contains("items")) {
      w.arrays.insert(context + "[]");
      walk(alt["items"], context + "[]", w);
    }
  }
}

const Walk& walked() {
  static const Walk w = [] {
    Walk x;
    walk(schema(), "", x);
    return x;
  }();
  return w;
}

// Every context of the key table, found from the root as the loader descends.
std::vector<std::string> table_contexts() {
  std::vector<std::string> out{""};
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string c = out[i];
    const auto* keys = keys_of(c);
    if (!keys) continue;
    for (std::string_view k : *keys) {
      const std::string child = join(c, std::string(k));
      if (keys_of(child)) out.push_back(child);
      if (coexlab::is_list_key(c, k)) out.push_back(child + "[]");
    }
  }
  return out;
}

std::set<std::string> schema_keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [k, v] : object["properties"].items()) out.insert(k);
  return out;
}

std::set<std::string> table_keys(const std::string& context) {
  std::set<std::string> out;
  for (std::string_view k : *keys_of(context)) out.insert(std::string(k));
  return out;
}

// ---- the kitchen sink: every key of the format once -----------------------------------------

constexpr const char* kKitchenSink = R"(
scenario: kitchen-sink.1
description: every key of the format
seed: 3
start: 2007-06-01T20:00
sites:
  - name: HQ
    lan: { bandwidth: 1 Gbps, latency: 0.2 ms }
    utc_offset: -5 h
  - name: DMZ
links:
  - { name: HQ-DMZ, between: [HQ, DMZ], bandwidth: 100 Mbps, latency: 1 ms, cost: 50 }
servers:
  - name: EX03
    version: 2003
    site: HQ
    routing_group: RG1
    roles: [mailbox, bridgehead, front_end]
    cluster: none
    hardware:
      cores: 4
      clock: 3 GHz
      memory: 4 GiB
      nic: 1 Gbps
      database_disk: { iops: 800, capacity: 500 GiB }
      log_disk: { throughput: 60 MB/s, capacity: 100 GiB, circular_logging: false }
    backup: { at: "02:00", throughput: 100 MB/s }
    databases:
      - name: SCALAR
        mailboxes: { count: 10, size: 300 MB, items_per_mb: 25, profile: sales }
      - name: FIXED
        mailboxes: { count: 10, size: { distribution: fixed, mean: 300 MB } }
      - name: UNIFORM
        mailboxes: { count: 10, size: { distribution: uniform, min: 50 MB, max: 2 GB } }
      - name: LOGNORMAL
        mailboxes:
          count: 10
          size: { distribution: lognormal, mean: 300 MB, stddev: 250 MB }
  - name: EX07-MBX
    version: 2007
    site: HQ
    roles: [mailbox]
    cluster: ccr
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: { iops: 1500 }, log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases:
      - name: DB1
  - name: EX07-HUB
    version: 2007
    site: HQ
    roles: [hub_transport, client_access, unified_messaging]
    hardware: { cores: 4, clock: 2.66 GHz, memory: 8 GiB, nic: 1 Gbps,
                database_disk: { iops: 300 }, log_disk: { throughput: 60 MB/s, capacity: 50 GiB } }
  - name: EX07-EDGE
    version: 2007
    site: DMZ
    subscribed_site: HQ
    roles: [edge_transport]
    hardware: { cores: 2, clock: 2.66 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: { iops: 300 }, log_disk: { throughput: 60 MB/s, capacity: 50 GiB } }
connectors:
  routing_group:
    - { between: [EX03, EX07-HUB], cost: 10 }
  internet: { via: EX07-EDGE }
workload:
  day_shape: flat
  profiles:
    - { name: sales, sent_per_day: 30, received_per_day: 120, message_size: 75 KB,
        database_iops_2003: 1, database_iops_2007: 0.3, cache_per_user_2007: 5 MB,
        log_files_per_day: 30 }
  clients: { outlook: 80 %, owa: 15 %, pop_imap: 5 % }
  recipients: { same_database: 20 %, same_site: 50 %, other_site: 20 %, internet: 10 % }
  legacy_web_access: front_end
migration:
  mover: EX07-HUB
  max_threads: 4
  scheduler: largest_first
  order_seed: 12
  throttles: { per_source_database: 5, per_target_database: 2, per_source_server: 50,
               per_target_server: 5 }
  bad_item_limit: 0
  windows:
    - { from: Fri 20:00, to: Mon 06:00 }
    - { from: 2007-06-06T20:00, to: 2007-06-07T06:00 }
  on_window_end: cancel
  batches:
    - { name: w1, from: EX03/SCALAR, to: EX07-MBX/DB1, mailboxes: all,
        not_before: 2007-06-08T20:00 }
    - { name: w2, from: EX03/FIXED, to: EX07-MBX/DB1, mailboxes: 5 }
    - { name: w3, from: EX03/UNIFORM, to: EX07-MBX/DB1, mailboxes: 40 % }
operations:
  - { action: create_mailbox, tool: aduc_2003, database: EX03/SCALAR }
  - { action: move_mailbox, tool: ems, database: EX03/FIXED, to: EX07-MBX/DB1 }
costs:
  - { path: servers.EX07-MBX.hardware.cores, per_unit: 900 }
simulation: { mail_flow: aggregate, sample_interval: 5 min, horizon: 60 d }
calibration:
  mode: realistic
checks:
  - migration.duration <= 60 h
acknowledge: [L7, L11]
)";

std::string base_unit(Dimension d) {
  switch (d) {
    case Dimension::size:
      return "B";
    case Dimension::rate:
      return "B/s";
    case Dimension::time:
      return "s";
    case Dimension::clock:
      return "Hz";
    case Dimension::share:
      return "%";
  }
  return "?";
}

// The kitchen sink, with every calibration constant of the registry at its default.
YAML::Node kitchen_sink() {
  YAML::Node doc = YAML::Load(kKitchenSink);
  // A database from an inventory (SPEC §5.3): the shipped example's CSV, by absolute path.
  YAML::Node inventory;
  inventory["name"] = "INVENTORY";
  inventory["mailboxes"]["from"] =
      std::string(COEXLAB_SOURCE_DIR) + "/scenarios/inventory-example.csv";
  inventory["mailboxes"]["database"] = "EX03-BE1\\Second Storage Group\\Sales Store (EX03-BE1)";
  inventory["mailboxes"]["profile"] = "sales";
  doc["servers"][0]["databases"].push_back(inventory);
  for (const coexlab::CalibrationConstant& c : coexlab::calibration_constants()) {
    std::string value;
    if (!c.dimension)
      value = fmt::format("{:g}", c.realistic);
    else if (*c.dimension == Dimension::share)
      value = fmt::format("{:g} %", c.realistic * 100);
    else
      value = fmt::format("{:g} {}", c.realistic, base_unit(*c.dimension));
    doc["calibration"][std::string(c.name)] = value;
  }
  return doc;
}

using Step = std::variant<std::string, size_t>;
using Path = std::vector<Step>;

// Every map of the kitchen sink at `context` ("servers[].hardware"), with its path.
std::vector<std::pair<Path, YAML::Node>> instances(const YAML::Node& root,
                                                   const std::string& context) {
  std::vector<std::pair<Path, YAML::Node>> cur{{Path{}, root}};
  size_t begin = 0;
  while (!context.empty() && begin <= context.size()) {
    size_t end = context.find('.', begin);
    if (end == std::string::npos) end = context.size();
    std::string seg = context.substr(begin, end - begin);
    const bool list = seg.size() > 2 && seg.compare(seg.size() - 2, 2, "[]") == 0;
    if (list) seg.resize(seg.size() - 2);
    std::vector<std::pair<Path, YAML::Node>> next;
    for (const auto& [path, node] : cur) {
      if (!node.IsMap() || !node[seg].IsDefined()) continue;
      const YAML::Node child = node[seg];
      Path p = path;
      p.push_back(seg);
      if (!list) {
        next.emplace_back(p, child);
      } else if (child.IsSequence()) {
        for (size_t i = 0; i < child.size(); ++i) {
          Path q = p;
          q.push_back(i);
          next.emplace_back(q, child[i]);
        }
      }
    }
    cur = std::move(next);
    begin = end + 1;
  }
  std::erase_if(cur, [](const auto& x) { return !x.second.IsMap(); });
  return cur;
}

// A deep copy of `doc` with the map at `path` changed by `change`.
YAML::Node mutated(const YAML::Node& doc, const Path& path,
                   const std::function<void(YAML::Node&)>& change) {
  YAML::Node copy = YAML::Clone(doc);
  YAML::Node n = copy;
  for (const Step& s : path) {
    // reset(), not operator=: assigning a Node would overwrite the tree.
    if (const auto* key = std::get_if<std::string>(&s))
      n.reset(n[*key]);
    else
      n.reset(n[std::get<size_t>(s)]);
  }
  change(n);
  return copy;
}

// The errors of loading `doc` and checking its rules.
std::vector<std::string> errors_of(const YAML::Node& doc) {
  YAML::Emitter out;
  out << doc;
  coexlab::LoadResult r = coexlab::load_scenario_text(out.c_str(), "sink.yaml");
  if (r.scenario) coexlab::check_rules(*r.scenario, r.diagnostics);
  std::vector<std::string> errors;
  for (const auto& d : r.diagnostics.all()) {
    if (d.severity == coexlab::Severity::error) errors.push_back(d.message);
  }
  return errors;
}

std::string scalar_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string path_text(const Path& p) {
  std::string out;
  for (const Step& s : p) {
    if (const auto* k = std::get_if<std::string>(&s))
      out += (out.empty() ? "" : ".") + *k;
    else
      out += fmt::format("[{}]", std::get<size_t>(s));
  }
  return out;
}

// ---- tests ------------------------------------------------------------------------------------

TEST(Schema, IsDraft202012AndEveryPropertyIsDescribed) {
  EXPECT_EQ(schema().at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_TRUE(walked().undocumented.empty())
      << fmt::format("{}", walked().undocumented.size())
      << " properties without a description, first: " << walked().undocumented.front();
  EXPECT_TRUE(walked().duplicate_contexts.empty());
}

TEST(Schema, EveryContextOfTheKeyTableHasExactlyItsKeys) {
  const Walk& w = walked();
  const auto contexts = table_contexts();
  EXPECT_GE(contexts.size(), 25u);
  for (const std::string& c : contexts) {
    SCOPED_TRACE("context '" + c + "'");
    if (keys_of(c)->empty()) {  // a list of plain values (checks)
      EXPECT_TRUE(w.arrays.count(c)) << "no list in the schema";
      EXPECT_FALSE(w.objects.count(c)) << "the schema has an object where the table has none";
      continue;
    }
    auto it = w.objects.find(c);
    ASSERT_NE(it, w.objects.end()) << "no object in the schema";
    EXPECT_EQ(schema_keys(*it->second), table_keys(c));
    EXPECT_EQ(it->second->value("additionalProperties", json(true)), json(false));
    if (c.ends_with("[]")) {
      EXPECT_TRUE(w.arrays.count(c)) << "not a list in the schema";
    }
  }
  // The other direction: every object of the schema is a context of the table.
  for (const auto& [c, node] : w.objects) {
    EXPECT_NE(keys_of(c), nullptr)
        << "the schema has an object at '" << c << "', which the key table does not know";
  }
}

TEST(Schema, CalibrationPropertiesComeFromTheRegistry) {
  const json& cal = *walked().objects.at("calibration");
  std::set<std::string> expected{"mode"};
  for (const auto& c : coexlab::calibration_constants()) {
    expected.insert(std::string(c.name));
    const json& p = cal["properties"][std::string(c.name)];
    if (c.dimension) {
      EXPECT_TRUE(p.contains("$ref")) << c.name;
    } else {
      EXPECT_EQ(p.value("type", ""), "number") << c.name;
    }
  }
  EXPECT_EQ(schema_keys(cal), expected);
}

TEST(Schema, SchedulerHelpComesFromTheRegistry) {
  const json& mig = *walked().objects.at("migration");
  const std::string help = mig["properties"]["scheduler"].value("description", "");
  for (const coexlab::SchedulerInfo& s : coexlab::scheduler_registry()) {
    EXPECT_NE(help.find(fmt::format("{}: {}", s.name, s.summary)), std::string::npos) << s.name;
  }
}

TEST(Schema, KitchenSinkUsesEveryKeyAndIsValid) {
  const YAML::Node doc = kitchen_sink();
  const auto errors = errors_of(doc);
  EXPECT_TRUE(errors.empty()) << errors.front();
  for (const std::string& c : table_contexts()) {
    if (keys_of(c)->empty()) continue;
    std::set<std::string> seen;
    for (const auto& [path, node] : instances(doc, c)) {
      for (const auto& kv : node) seen.insert(kv.first.Scalar());
    }
    EXPECT_EQ(seen, table_keys(c)) << "the kitchen sink should use every key of '" << c << "'";
  }
}

// Every enum of the schema lists exactly what the loader (or, for schedulers, the rules)
// accepts: a bogus value's error message names the accepted values; each schema value loads.
TEST(Schema, EnumsMatchTheLoader) {
  const YAML::Node doc = kitchen_sink();
  std::set<std::string> found;
  for (const EnumSite& e : walked().enums) {
    const std::string where = join(e.context, e.key);
    SCOPED_TRACE(where);
    found.insert(where);
    std::set<std::string> in_schema;
    for (const json& v : e.values) in_schema.insert(scalar_text(v));

    const auto all = instances(doc, e.context);
    auto inst = std::find_if(all.begin(), all.end(),
                             [&](const auto& x) { return x.second[e.key].IsDefined(); });
    ASSERT_NE(inst, all.end()) << "the kitchen sink has no instance with this key";
    const auto set_to = [&](const std::string& value) {
      return mutated(doc, inst->first, [&](YAML::Node& n) {
        n[e.key] = e.list ? YAML::Load("[" + value + "]") : YAML::Node(value);
      });
    };

    const auto errors = errors_of(set_to("qqqqqqqq"));
    std::set<std::string> accepted;
    bool listed = false;
    for (const std::string& msg : errors) {
      size_t at = msg.find("is not one of: ");
      size_t len = 15;
      if (at == std::string::npos) {
        at = msg.find("; known: ");
        len = 9;
      }
      if (at == std::string::npos) continue;
      std::string list = msg.substr(at + len);
      if (size_t paren = list.find(" ("); paren != std::string::npos) list.resize(paren);
      size_t b = 0;
      while (b <= list.size()) {
        size_t comma = list.find(", ", b);
        if (comma == std::string::npos) comma = list.size();
        accepted.insert(list.substr(b, comma - b));
        b = comma + 2;
      }
      listed = true;
    }
    ASSERT_TRUE(listed) << "a bogus value gave no list of accepted values";
    EXPECT_EQ(in_schema, accepted);
    for (const std::string& v : in_schema) {
      for (const std::string& msg : errors_of(set_to(v))) {
        EXPECT_EQ(msg.find("is not one of"), std::string::npos) << v << ": " << msg;
        EXPECT_EQ(msg.find("; known: "), std::string::npos) << v << ": " << msg;
      }
    }
  }
  for (const char* expected :
       {"servers[].version", "servers[].roles", "servers[].cluster",
        "servers[].databases[].mailboxes.size.distribution", "workload.day_shape",
        "workload.legacy_web_access", "migration.scheduler", "migration.on_window_end",
        "simulation.mail_flow", "calibration.mode", "operations[].action", "operations[].tool"}) {
    EXPECT_TRUE(found.count(expected)) << "the schema has no enum at " << expected;
  }
}

// A key is required in the schema (its `required`, or an if/then whose condition holds for
// the instance) exactly when removing it makes the loader or the rules complain it is missing.
TEST(Schema, RequiredKeysMatchTheLoader) {
  const YAML::Node doc = kitchen_sink();
  const auto condition_holds = [](const json& cond, const YAML::Node& inst) {
    for (const auto& [key, test] : cond.at("properties").items()) {
      if (!inst[key].IsDefined()) return false;
      if (test.contains("const") &&
          (!inst[key].IsScalar() || inst[key].Scalar() != scalar_text(test["const"]))) {
        return false;
      }
      if (test.contains("enum")) {
        const bool listed =
            inst[key].IsScalar() &&
            std::any_of(test["enum"].begin(), test["enum"].end(),
                        [&](const json& v) { return scalar_text(v) == inst[key].Scalar(); });
        if (!listed) return false;
      }
      if (test.contains("contains")) {
        const std::string want = scalar_text(test["contains"].at("const"));
        bool any = false;
        for (const auto& x : inst[key]) any = any || x.Scalar() == want;
        if (!any) return false;
      }
    }
    return true;
  };
  int checked = 0;
  for (const auto& [context, object] : walked().objects) {
    for (const auto& [path, inst] : instances(doc, context)) {
      std::set<std::string> required;
      for (const json& r : object->value("required", json::array())) required.insert(r);
      for (const json& c : object->value("allOf", json::array())) {
        if (c.contains("if") && c.contains("then") && condition_holds(c["if"], inst)) {
          for (const json& r : c["then"].value("required", json::array())) required.insert(r);
        }
      }
      for (const auto& kv : inst) {
        const std::string key = kv.first.Scalar();
        SCOPED_TRACE(fmt::format("{} without '{}'", path_text(path), key));
        const auto errors = errors_of(mutated(doc, path, [&](YAML::Node& n) { n.remove(key); }));
        const bool missing = std::any_of(errors.begin(), errors.end(), [&](const std::string& m) {
          return m.find(fmt::format("has no '{}' (required)", key)) != std::string::npos ||
                 m.find(fmt::format("needs '{}'", key)) != std::string::npos ||
                 m.find(fmt::format("without '{}'", key)) != std::string::npos;
        });
        EXPECT_EQ(required.count(key) > 0, missing) << (errors.empty() ? "" : errors.front());
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
}

// Each dimensioned key: its kitchen-sink value matches the schema's pattern, and the loader
// rejects a value of every other dimension and a bare number, so the dimensions agree.
TEST(Schema, DimensionedKeysMatchTheLoader) {
  const YAML::Node doc = kitchen_sink();
  const std::map<std::string, std::string> example{{"size", "1 MB"},    {"rate", "1 Mbps"},
                                                   {"duration", "1 s"}, {"clock", "1 GHz"},
                                                   {"share", "1 %"},    {"signed_duration", "1 s"}};
  std::set<std::string> seen;
  for (const DimensionSite& d : walked().dimensions) {
    const std::regex pattern(schema()["$defs"][d.def]["pattern"].get<std::string>());
    for (const auto& [path, inst] : instances(doc, d.context)) {
      if (!inst[d.key].IsDefined() || !inst[d.key].IsScalar()) continue;
      // Where the key has alternatives, only the values of this one ("40 %", not "all").
      if (d.alternative && !std::regex_match(inst[d.key].Scalar(), pattern)) continue;
      SCOPED_TRACE(fmt::format("{}.{} ({})", path_text(path), d.key, d.def));
      seen.insert(join(d.context, d.key));
      EXPECT_TRUE(std::regex_match(inst[d.key].Scalar(), pattern)) << inst[d.key].Scalar();
      std::vector<std::string> wrong;
      for (const auto& [def, value] : example) {
        if (value != example.at(d.def)) wrong.push_back(value);
      }
      if (!d.also_number) wrong.push_back("1");
      for (const std::string& w : wrong) {
        EXPECT_FALSE(errors_of(mutated(doc, path, [&](YAML::Node& n) { n[d.key] = w; })).empty())
            << "the loader accepts '" << w << "'";
      }
    }
  }
  for (const DimensionSite& d : walked().dimensions) {
    EXPECT_TRUE(seen.count(join(d.context, d.key)))
        << "the kitchen sink has no value for " << join(d.context, d.key);
  }
}

// The unit patterns accept exactly the units of their dimension (units::parse_quantity).
TEST(Schema, UnitPatternsAcceptExactlyTheirDimension) {
  const std::vector<std::pair<std::string, Dimension>> defs{{"size", Dimension::size},
                                                            {"rate", Dimension::rate},
                                                            {"duration", Dimension::time},
                                                            {"clock", Dimension::clock},
                                                            {"share", Dimension::share}};
  std::vector<std::string> units;
  for (const auto& [name, dim] : defs) {
    std::string list(coexlab::units::dimension_units(dim));
    for (size_t b = 0; b < list.size();) {
      size_t e = list.find(", ", b);
      if (e == std::string::npos) e = list.size();
      units.push_back(list.substr(b, e - b));
      b = e + 2;
    }
  }
  EXPECT_GE(units.size(), 30u);
  for (const auto& [name, dim] : defs) {
    const std::regex pattern(schema()["$defs"][name]["pattern"].get<std::string>());
    for (const std::string& u : units) {
      for (const std::string number : {"12", "2.5 ", "3e2", "0.75 ", "-1 ", "x "}) {
        const std::string text = number + u;
        EXPECT_EQ(std::regex_match(text, pattern), coexlab::units::parse_quantity(text, dim).ok())
            << name << ": '" << text << "'";
      }
    }
    EXPECT_FALSE(std::regex_match("5", pattern)) << name;
  }
  const std::regex signed_time(schema()["$defs"]["signed_duration"]["pattern"].get<std::string>());
  EXPECT_TRUE(std::regex_match("-5 h", signed_time));
  EXPECT_TRUE(std::regex_match("5.5 h", signed_time));
  EXPECT_FALSE(std::regex_match("-5 MB", signed_time));
}

TEST(Schema, NamePatternMatchesTheLoader) {
  const std::regex name(schema()["$defs"]["name"]["pattern"].get<std::string>());
  const YAML::Node doc = kitchen_sink();
  for (const std::string candidate : {"EX07-HQ1", "db_2", "EX.07", "EX 07", "EX/07",
                                      "\xc3\x96"
                                      "1"}) {
    // A link's name is referenced nowhere: only the name itself can be wrong.
    const auto errors = errors_of(mutated(doc, {std::string("links"), size_t{0}},
                                          [&](YAML::Node& n) { n["name"] = candidate; }));
    EXPECT_EQ(std::regex_match(candidate, name), errors.empty()) << candidate;
  }
}

// `validate` reads `version: 2003` and `version: "2003"` alike; so does the schema (an enum of
// both forms, and the 2007-only rule on routing_group for both). tests/schema_check.py checks
// the same with a JSON Schema validator.
TEST(Schema, VersionTakesTheIntegerAndTheQuotedForm) {
  const json& version = schema()["properties"]["servers"]["items"]["properties"]["version"];
  ASSERT_TRUE(version.contains("enum"));
  for (const json& v : {json(2003), json(2007), json("2003"), json("2007")}) {
    EXPECT_NE(std::find(version["enum"].begin(), version["enum"].end(), v), version["enum"].end())
        << v.dump();
  }
  YAML::Emitter out;
  out << kitchen_sink();
  std::string text = out.c_str();
  int quoted = 0;
  for (const std::string form : {"version: 2003", "version: 2007"}) {
    for (size_t at = text.find(form); at != std::string::npos; at = text.find(form, at)) {
      text.replace(at, form.size(), "version: \"" + form.substr(9) + "\"");
      ++quoted;
    }
  }
  ASSERT_GE(quoted, 2) << text;
  coexlab::LoadResult r = coexlab::load_scenario_text(text, "quoted.yaml");
  ASSERT_TRUE(r.scenario);
  coexlab::check_rules(*r.scenario, r.diagnostics);
  for (const auto& d : r.diagnostics.all())
    EXPECT_NE(d.severity, coexlab::Severity::error) << d.format();
}

}  // namespace
