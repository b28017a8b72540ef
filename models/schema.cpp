// The JSON Schema (draft 2020-12) of the scenario format, SPEC §2, for editors' YAML plug-ins.
//
// Written out key by key, with the loader's (models/loader.cpp) types, ranges and enums; the
// dynamic parts come from their registries: the calibration constants, the schedulers and
// the units of each dimension. tests/models/test_schema.cpp checks that every object here
// has exactly the keys of models/scenario_keys.cpp, that every enum equals what the loader
// accepts and that every unit pattern accepts exactly the units of its dimension.
//
// The schema reads YAML as a YAML 1.2 editor does: `cores: 4` is an integer, `2003` an
// integer, `02:00` and `2007-06-01T20:00` strings. A server's `version` is an enum that
// takes both `2003` and `"2003"`, as the loader does. Elsewhere the loader is a little more
// lenient than the schema (it also takes `cores: "4"`).
#include "schema.hpp"

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "calibration.hpp"
#include "loader.hpp"
#include "rules.hpp"
#include "scheduler.hpp"
#include "units.hpp"

namespace coexlab {
namespace {

using json = nlohmann::json;
using units::Dimension;

constexpr std::string_view kNumber = R"([0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)";
constexpr std::string_view kName = "^[A-Za-z0-9_-]{1,128}$";
constexpr std::string_view kHhMm = "([01][0-9]|2[0-3]):[0-5][0-9]";

// A JSON array of strings: a braced list of two strings would make an object in nlohmann.
json strings(std::initializer_list<std::string_view> items) {
  json a = json::array();
  for (std::string_view s : items) a.push_back(s);
  return a;
}

std::string_view def_name(Dimension d) {
  switch (d) {
    case Dimension::size:
      return "size";
    case Dimension::rate:
      return "rate";
    case Dimension::time:
      return "duration";
    case Dimension::clock:
      return "clock";
    case Dimension::share:
      return "share";
  }
  return "?";
}

// "(B|KB|...)" from units::dimension_units(d), so the schema follows units.cpp.
std::string unit_alternation(Dimension d) {
  std::string out = "(";
  const std::string_view list = units::dimension_units(d);
  size_t begin = 0;
  while (begin < list.size()) {
    size_t end = list.find(',', begin);
    if (end == std::string_view::npos) end = list.size();
    std::string_view unit = list.substr(begin, end - begin);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (out.size() > 1) out += '|';
    for (char c : unit) {
      if (std::string_view(R"(\^$.|?*+()[]{})").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    begin = end + 1;
  }
  return out + ")";
}

std::string quantity_pattern(Dimension d, bool signed_value = false) {
  return fmt::format("^{}{} ?{}$", signed_value ? "-?" : "", kNumber, unit_alternation(d));
}

json ref(std::string_view def, std::string_view description) {
  return {{"$ref", fmt::format("#/$defs/{}", def)}, {"description", description}};
}
json quantity(Dimension d, std::string_view description) {
  return ref(def_name(d), description);
}
json name(std::string_view description) {
  return ref("name", description);
}

json integer(std::string_view description, std::int64_t min, std::int64_t max) {
  return {{"type", "integer"}, {"minimum", min}, {"maximum", max}, {"description", description}};
}
json number(std::string_view description, double min, double max) {
  return {{"type", "number"}, {"minimum", min}, {"maximum", max}, {"description", description}};
}
json text(std::string_view description) {
  return {{"type", "string"}, {"description", description}};
}
json enumeration(std::string_view description, json values) {
  return {{"enum", std::move(values)}, {"description", description}};
}

// A closed object: exactly these properties, these required.
json object(std::string_view description, json properties,
            std::initializer_list<const char*> required = {}) {
  json o{{"type", "object"},
         {"description", description},
         {"properties", std::move(properties)},
         {"additionalProperties", false}};
  if (required.size() > 0) {
    o["required"] = json::array();
    for (const char* r : required) o["required"].push_back(r);
  }
  return o;
}
json list(std::string_view description, json items, std::size_t min_items = 0) {
  json l{{"type", "array"}, {"description", description}, {"items", std::move(items)}};
  if (min_items > 0) l["minItems"] = min_items;
  return l;
}
json pair_of_names(std::string_view description) {
  return {{"type", "array"},
          {"description", description},
          {"items", {{"$ref", "#/$defs/name"}}},
          {"minItems", 2},
          {"maxItems", 2}};
}
// "if `key` is `value` then `then`" as an allOf entry.
json when(std::string_view key, json value, json then) {
  return {{"if",
           {{"properties", {{key, {{"const", std::move(value)}}}}}, {"required", strings({key})}}},
          {"then", std::move(then)}};
}
json forbid(std::string_view key) {
  return {{"not", {{"required", strings({key})}}}};
}

json defs() {
  json d;
  d["name"] = {
      {"type", "string"},
      {"pattern", kName},
      {"description", "a name: letters, digits, '-' and '_' (no dots: result paths use them)"}};
  for (Dimension dim :
       {Dimension::size, Dimension::rate, Dimension::time, Dimension::clock, Dimension::share}) {
    d[def_name(dim)] = {
        {"type", "string"},
        {"pattern", quantity_pattern(dim)},
        {"description", fmt::format("a {} with a unit ({}), e.g. '{}'", units::dimension_name(dim),
                                    units::dimension_units(dim), units::dimension_example(dim))}};
  }
  d["signed_duration"] = {{"type", "string"},
                          {"pattern", quantity_pattern(Dimension::time, true)},
                          {"description", "a time with a unit, may be negative, e.g. '-5 h'"}};
  d["datetime"] = {
      {"type", "string"},
      {"pattern",
       fmt::format("^[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]{}(:[0-5][0-9])?$",
                   kHhMm)},
      {"description", "a date-time YYYY-MM-DDTHH:MM[:SS], e.g. '2007-06-01T20:00'"}};
  d["weekly_time"] = {{"type", "string"},
                      {"pattern", fmt::format("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +{}$", kHhMm)},
                      {"description", "a weekly time 'DAY HH:MM', e.g. 'Fri 20:00'"}};
  d["time_of_day"] = {{"type", "string"},
                      {"pattern", fmt::format("^{}$", kHhMm)},
                      {"description", "a time of day HH:MM, e.g. \"02:00\""}};
  d["database_ref"] = {{"type", "string"},
                       {"pattern", "^[A-Za-z0-9_-]{1,128}/[A-Za-z0-9_-]{1,128}$"},
                       {"description", "a database as SERVER/DATABASE, e.g. 'EX07-HQ1/DB1'"}};
  return d;
}

json sites() {
  json lan = object("the site's LAN (full duplex); default { bandwidth: 1 Gbps, latency: 0.2 ms }",
                    {{"bandwidth", quantity(Dimension::rate, "LAN bandwidth in each direction")},
                     {"latency", quantity(Dimension::time, "LAN one-way latency, at most 10 s")}});
  json site = object("an AD site, or a perimeter network for an Edge",
                     {{"name", name("the site's name")},
                      {"lan", std::move(lan)},
                      {"utc_offset", ref("signed_duration",
                                         "the site's offset from UTC, -14 h to +14 h; office "
                                         "hours are local to the site; default 0 h")}},
                     {"name"});
  return list("the AD sites and perimeter networks", std::move(site), 1);
}

json links() {
  json link = object("a WAN link between two sites (full duplex)",
                     {{"name", name("the link's name; default A-B from 'between'")},
                      {"between", pair_of_names("the two sites it joins, e.g. [HQ, Branch]")},
                      {"bandwidth", quantity(Dimension::rate, "bandwidth in each direction")},
                      {"latency", quantity(Dimension::time, "one-way latency, at most 10 s")},
                      {"cost", number("AD site-link cost; default 100", 1, 1e6)}},
                     {"between", "bandwidth", "latency"});
  return list("WAN links between sites", std::move(link));
}

json hardware() {
  json database_disk = object(
      "the database disk (array)",
      {{"iops", number("random I/Os per second; reads and writes share them", 1, 1e8)},
       {"capacity", quantity(Dimension::size, "space for the databases; omitted: not tracked")}},
      {"iops"});
  json log_disk =
      object("the transaction log disk",
             {{"throughput", quantity(Dimension::rate, "sequential write rate")},
              {"capacity", quantity(Dimension::size,
                                    "space for transaction logs; full: the databases "
                                    "dismount until a backup truncates the logs")},
              {"circular_logging",
               {{"type", "boolean"}, {"description", "logs overwrite themselves; default false"}}}},
             {"throughput", "capacity"});
  return object("the server's hardware: every key required",
                {{"cores", integer("CPU cores", 1, 1024)},
                 {"clock", quantity(Dimension::clock, "clock rate per core")},
                 {"memory", quantity(Dimension::size, "RAM")},
                 {"nic", quantity(Dimension::rate, "network interface, in each direction")},
                 {"database_disk", std::move(database_disk)},
                 {"log_disk", std::move(log_disk)}},
                {"cores", "clock", "memory", "nic", "database_disk", "log_disk"});
}

json mailboxes() {
  json size_object = object(
      "a distribution of mailbox sizes",
      {{"distribution", enumeration("fixed (mean), uniform (min, max) or lognormal (mean, stddev)",
                                    strings({"fixed", "uniform", "lognormal"}))},
       {"mean", quantity(Dimension::size, "the size (fixed) or the mean size (lognormal)")},
       {"stddev", quantity(Dimension::size, "standard deviation (lognormal)")},
       {"min", quantity(Dimension::size, "smallest size (uniform)")},
       {"max", quantity(Dimension::size, "largest size (uniform)")}},
      {"distribution"});
  size_object["allOf"] = {
      when("distribution", "fixed", {{"required", strings({"mean"})}}),
      when("distribution", "uniform", {{"required", strings({"min", "max"})}}),
      when("distribution", "lognormal", {{"required", strings({"mean", "stddev"})}})};
  json size = {{"description", "every mailbox's size ('300 MB') or a distribution"},
               {"oneOf", {{{"$ref", "#/$defs/size"}}, std::move(size_object)}}};
  json o = object(
      "the mailboxes of the database, named in order SERVER/DATABASE/0001, ...: generated "
      "(count, size) or read from an inventory (from)",
      {{"count", integer("how many mailboxes (generated)", 0, Limits::kMaxMailboxesPerDatabase)},
       {"size", std::move(size)},
       {"items_per_mb", number("items per MB of mailbox (generated); default 25", 1e-3, 1e5)},
       {"profile", name("the users' profile: built in (light, average, heavy, very_heavy) or "
                        "from workload.profiles; default average")},
       {"from",
        {{"type", "string"},
         {"minLength", 1},
         {"description",
          "an inventory: a CSV as Get-MailboxStatistics | Export-Csv writes it "
          "(DisplayName, ItemCount, TotalItemSize), relative to the scenario file"}}},
       {"database",
        {{"type", "string"},
         {"minLength", 1},
         {"description",
          "with from: only the rows whose Database column equals "
          "this"}}}});
  // Either generated (count and size) or from an inventory (from, no count, size or
  // items_per_mb); `database` only with `from`.
  const auto present = [](std::string_view key) {
    return json{{"properties", {{key, json::object()}}}, {"required", strings({key})}};
  };
  o["anyOf"] = {{{"required", strings({"count"})}}, {{"required", strings({"from"})}}};
  o["allOf"] = {
      {{"if", present("from")},
       {"then",
        {{"required", strings({"from"})},
         {"allOf", {forbid("count"), forbid("size"), forbid("items_per_mb")}}}}},
      {{"if", present("count")},
       {"then", {{"required", strings({"count", "size"})}, {"allOf", {forbid("database")}}}}}};
  return o;
}

json servers() {
  json database =
      object("a mailbox database",
             {{"name", name("the database's name")}, {"mailboxes", mailboxes()}}, {"name"});
  json backup =
      object("a nightly backup: reads the databases, then truncates the logs; default none",
             {{"at", ref("time_of_day", "when it starts each night, local time, e.g. \"02:00\"")},
              {"throughput", quantity(Dimension::rate, "read rate of the backup")}},
             {"at", "throughput"});
  json server = object(
      "an Exchange server",
      {{"name", name("the server's name")},
       {"version", enumeration("Exchange version, one for the whole scenario: 2003 or 2007 "
                               "(the quoted \"2003\" is the same)",
                               json::array({2003, 2007, "2003", "2007"}))},
       {"site", name("its site (for an Edge: its perimeter network)")},
       {"routing_group", name("2003 only: its routing group; default: named after the site")},
       {"roles",
        {{"type", "array"},
         {"description",
          "2003: mailbox, front_end, bridgehead; 2007: mailbox, hub_transport, "
          "client_access, unified_messaging, edge_transport (alone)"},
         {"items",
          {{"enum", strings({"mailbox", "front_end", "bridgehead", "hub_transport", "client_access",
                             "unified_messaging", "edge_transport"})}}},
         {"minItems", 1},
         {"uniqueItems", true}}},
       {"cluster",
        enumeration("2007 mailbox cluster; default none", strings({"none", "ccr", "scc"}))},
       {"subscribed_site", name("Edge only (required there): the AD site it subscribes to")},
       {"hardware", hardware()},
       {"backup", std::move(backup)},
       {"databases", list("its mailbox databases", std::move(database))}},
      {"name", "version", "site", "roles", "hardware"});
  // `version: 2007` and `version: "2007"` alike (the loader reads both).
  server["allOf"] = {{{"if",
                       {{"properties", {{"version", {{"enum", json::array({2007, "2007"})}}}}},
                        {"required", strings({"version"})}}},
                      {"then", forbid("routing_group")}},
                     {{"if",
                       {{"properties", {{"roles", {{"contains", {{"const", "edge_transport"}}}}}}},
                        {"required", strings({"roles"})}}},
                      {"then", {{"required", strings({"subscribed_site"})}}},
                      {"else", forbid("subscribed_site")}}};
  return list("the Exchange servers", std::move(server), 1);
}

json connectors() {
  json rgc = object(
      "a routing group connector: 2003 bridgehead <-> 2007 hub (coexistence) or 2003 <-> 2003",
      {{"between", pair_of_names("the two servers it joins")},
       {"cost", number("connector cost; default 10", 1, 1e6)}},
      {"between"});
  return object(
      "routing group and internet connectors",
      {{"routing_group", list("routing group connectors; none declared: setup's pair between "
                              "the first 2003 bridgehead and the first 2007 hub",
                              std::move(rgc))},
       {"internet",
        object("where internet mail enters and leaves; default the Edge, else the first 2003 "
               "bridgehead",
               {{"via", name("an Edge, a 2007 hub_transport or a 2003 bridgehead")}}, {"via"})}});
}

json workload() {
  json profile = object(
      "a user profile: behaviour per user and day",
      {{"name", name("the profile's name")},
       {"sent_per_day", number("messages sent per user and day", 0, 1e5)},
       {"received_per_day",
        number("messages received per user and day (internet mail included)", 0, 1e5)},
       {"message_size", quantity(Dimension::size, "mean message size; default 50 KB")},
       {"database_iops_2003", number("per-user database IOPS on 2003; default derived", 0, 1e3)},
       {"database_iops_2007", number("per-user database IOPS on 2007; default derived", 0, 1e3)},
       {"cache_per_user_2007", quantity(Dimension::size,
                                        "2007 database cache per user; default "
                                        "derived")},
       {"log_files_per_day", number("1 MB transaction log files per user and day; default "
                                    "derived",
                                    0, 1e5)}},
      {"name", "sent_per_day", "received_per_day"});
  const auto share = [](std::string_view d) { return quantity(Dimension::share, d); };
  json body = object(
      "the users' load during the migration",
      {{"day_shape",
        enumeration("load over the day; default office_hours", strings({"office_hours", "flat"}))},
       {"profiles", list("custom profiles, beside the built-in ones", std::move(profile))},
       {"clients", object("the client mix, adding up to 100 %; default 80/15/5",
                          {{"outlook", share("Outlook (MAPI/RPC) users")},
                           {"owa", share("Outlook Web Access users")},
                           {"pop_imap", share("POP3/IMAP4 users")}})},
       {"recipients", object("where a user's mail goes, adding up to 100 %; default 20/50/20/10",
                             {{"same_database", share("recipients in the sender's database")},
                              {"same_site", share("recipients elsewhere in the sender's site")},
                              {"other_site", share("recipients in other sites")},
                              {"internet", share("internet recipients")}})},
       {"legacy_web_access",
        enumeration("who serves OWA/POP/IMAP for 2003 mailboxes; default front_end if a 2003 "
                    "front-end exists, else client_access",
                    strings({"front_end", "client_access"}))}});
  return {{"description",
           "users keep working during the migration; omitted: every mailbox "
           "'average', office hours, the default mixes; 'none': the moves alone"},
          {"oneOf",
           {{{"const", "none"}, {"description", "no users: the moves alone"}},
            {{"type", "null"}, {"description", "as if omitted"}},
            std::move(body)}}};
}

json migration() {
  json schedulers = json::array();
  std::string scheduler_help = "which queued mailbox moves next; default fifo";
  for (const SchedulerInfo& s : scheduler_registry()) {
    schedulers.push_back(s.name);
    scheduler_help += fmt::format("; {}: {}", s.name, s.summary);
  }
  json throttles =
      object("concurrency limits on top of max_threads; default none",
             {{"per_source_database", integer("moves at a time per source database", 1, 1'000'000)},
              {"per_target_database", integer("moves at a time per target database", 1, 1'000'000)},
              {"per_source_server", integer("moves at a time per source server", 1, 1'000'000)},
              {"per_target_server", integer("moves at a time per target server", 1, 1'000'000)}});
  const auto instant = [](std::string_view d) {
    return json{{"description", d},
                {"anyOf", {{{"$ref", "#/$defs/weekly_time"}}, {{"$ref", "#/$defs/datetime"}}}}};
  };
  json window =
      object("a move window: moves start only when from <= t < to",
             {{"from", instant("weekly 'Fri 20:00' (scenario-start local time) or a date-time")},
              {"to", instant("weekly 'Mon 06:00' or a date-time; the same kind as from")}},
             {"from", "to"});
  json batch = object(
      "a batch of moves from one database to another",
      {{"name", name("the batch's name; default batchN")},
       {"from", ref("database_ref", "the source database, 2003 or 2007")},
       {"to", ref("database_ref", "the target database, on a 2007 mailbox server")},
       {"mailboxes",
        {{"description",
          "'all' (default), the first N in generation order, or a share "
          "('40 %': the first ceil(0.4 x count))"},
         {"oneOf",
          {{{"const", "all"}},
           {{"type", "integer"}, {"minimum", 1}, {"maximum", Limits::kMaxMailboxesPerDatabase}},
           {{"$ref", "#/$defs/share"}}}}}},
       {"not_before", ref("datetime", "the batch's moves start no earlier")}},
      {"from", "to"});
  return object(
      "the move plan",
      {{"mover", name("the 2007 server (not an Edge) that runs Move-Mailbox")},
       {"max_threads", integer("mailboxes moved at a time; default 4", 1, Limits::kMaxThreads)},
       {"scheduler", enumeration(scheduler_help, schedulers)},
       {"order_seed",
        integer("shuffle the queue into a random order drawn from this seed before the "
                "scheduler sees it (bench's best-known orders); omitted: the batches' order",
                0, Limits::kMaxOrderSeed)},
       {"throttles", std::move(throttles)},
       {"bad_item_limit", integer("unreadable items a mailbox may lose; past it the move "
                                  "fails; default 0",
                                  0, 1'000'000'000)},
       {"windows", list("when moves may start; omitted: always", std::move(window))},
       {"on_window_end",
        enumeration("finish: running moves complete; cancel: roll back and requeue; default "
                    "finish",
                    strings({"finish", "cancel"}))},
       {"batches", list("the batches, queued in file order", std::move(batch))}},
      {"mover"});
}

json operations() {
  json op = object(
      "an admin task, checked against the tool rule",
      {{"action", enumeration("the task", strings({"create_mailbox", "modify_mailbox",
                                                   "remove_mailbox", "move_mailbox"}))},
       {"tool", enumeration("2003: aduc_2003, esm_2003; 2007: emc, ems",
                            strings({"aduc_2003", "esm_2003", "emc", "ems"}))},
       {"database", ref("database_ref", "the database it acts on")},
       {"to", ref("database_ref", "move_mailbox only (required there): the target database")}},
      {"action", "tool", "database"});
  op["allOf"] = {{{"if",
                   {{"properties", {{"action", {{"const", "move_mailbox"}}}}},
                    {"required", strings({"action"})}}},
                  {"then", {{"required", strings({"to"})}}},
                  {"else", forbid("to")}}};
  return list("admin tasks checked against the tool rule", std::move(op));
}

json costs() {
  json cost = object("a price that `coexlab size` minimises",
                     {{"path",
                       {{"type", "string"},
                        {"minLength", 1},
                        {"description",
                         "a dotted key path, e.g. "
                         "servers.EX07-HQ1.hardware.cores"}}},
                      {"per_unit", number("price per unit of the value at path", 0, 1e12)}},
                     {"path", "per_unit"});
  return list("prices that `size` minimises", std::move(cost));
}

json simulation() {
  return object("simulation settings",
                {{"mail_flow", enumeration("how mail is simulated; default auto",
                                           strings({"auto", "per_message", "aggregate"}))},
                 {"sample_interval",
                  quantity(Dimension::time, "utilisation sampling interval; default 5 min")},
                 {"horizon", quantity(Dimension::time, "simulated time at most; default 60 d")}});
}

json calibration() {
  json props;
  props["mode"] = enumeration("realistic, or ideal: every overhead off; default realistic",
                              strings({"realistic", "ideal"}));
  for (const CalibrationConstant& c : calibration_constants()) {
    const std::string d = fmt::format("{} (default {:g} {}; ideal {:g}): {}", c.name, c.realistic,
                                      c.unit, c.ideal, c.source);
    if (c.dimension)
      props[c.name] = quantity(*c.dimension, d);
    else
      props[c.name] = number(d, 0, 1e12);
  }
  return object("overrides of the cost model's documented constants", std::move(props));
}

json acknowledge() {
  json ids = json::array();
  for (std::string_view id : acknowledgeable_rules()) ids.push_back(id);
  return list("warnings the scenario intends, by rule id: not printed (docs/format.md)",
              enumeration("the id of a rule that warns", ids));
}

}  // namespace

nlohmann::json scenario_json_schema() {
  json root = object(
      "a coexlab scenario: an Exchange 2003 -> 2007 coexistence migration",
      {{"scenario",
        {{"type", "string"},
         {"pattern", "^[A-Za-z0-9._-]{1,128}$"},
         {"description", "the scenario's name: letters, digits, '.', '_', '-'"}}},
       {"description", text("what the scenario shows")},
       {"seed", {{"type", "integer"}, {"minimum", 0}, {"description", "random seed; default 1"}}},
       {"start", ref("datetime", "simulated calendar start; all *_s times count from it")},
       {"sites", sites()},
       {"links", links()},
       {"servers", servers()},
       {"connectors", connectors()},
       {"workload", workload()},
       {"migration", migration()},
       {"operations", operations()},
       {"costs", costs()},
       {"simulation", simulation()},
       {"calibration", calibration()},
       {"checks", list("checks that turn the scenario into a test: PATH OP QUANTITY",
                       text("e.g. 'migration.duration <= 60 h'"))},
       {"acknowledge", acknowledge()}},
      {"scenario", "start", "sites", "servers"});
  json schema{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"title", "coexlab scenario"}};
  schema.update(root);
  schema["$defs"] = defs();
  return schema;
}

}  // namespace coexlab
