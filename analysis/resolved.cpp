#include "resolved.hpp"

#include <fmt/format.h>

#include "calibration.hpp"

namespace coexlab {
namespace {

using json = nlohmann::ordered_json;

std::string q(double v, std::string_view unit) {
  return fmt::format("{} {}", v, unit);
}
std::string bytes(Bytes b) {
  return q(b.value, "B");
}
std::string rate(BytesPerSecond r) {
  return q(r.value, "B/s");
}
std::string secs(Seconds s) {
  return q(s.value, "s");
}
std::string share(Fraction f) {
  return q(f.value * 100, "%");
}

std::string clock_hhmm(Seconds at) {
  const int minutes = static_cast<int>(at.value / 60);
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string weekly(int minute_of_week) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  return fmt::format("{} {:02}:{:02}", kDays[minute_of_week / 1440], (minute_of_week % 1440) / 60,
                     minute_of_week % 60);
}

std::string instant(const CivilTime& start, Seconds t) {
  return civil_from_epoch(start.epoch_seconds() + static_cast<std::int64_t>(t.value)).iso();
}

json size_spec(const SizeSpec& s) {
  switch (s.distribution) {
    case SizeDistribution::fixed:
      return bytes(s.fixed);
    case SizeDistribution::uniform:
      return {{"distribution", "uniform"}, {"min", bytes(s.min)}, {"max", bytes(s.max)}};
    case SizeDistribution::lognormal:
      return {{"distribution", "lognormal"}, {"mean", bytes(s.mean)}, {"stddev", bytes(s.stddev)}};
  }
  return nullptr;
}

json roles(const Server& sv) {
  json r = json::array();
  for (Role x : sv.roles) r.push_back(std::string(to_string(x)));
  return r;
}

}  // namespace

nlohmann::ordered_json resolved_scenario(const Scenario& s) {
  json out;
  out["scenario"] = s.name;
  out["description"] = s.description;
  out["seed"] = s.seed;
  out["start"] = s.start.iso();
  json sites = json::array();
  for (const Site& x : s.sites) {
    sites.push_back(
        {{"name", x.name},
         {"lan", {{"bandwidth", rate(x.lan.bandwidth)}, {"latency", secs(x.lan.latency)}}},
         {"utc_offset", q(x.utc_offset.value, "s")}});
  }
  out["sites"] = sites;
  json links = json::array();
  for (const Link& l : s.links) {
    links.push_back({{"name", l.name},
                     {"between", {l.site_a, l.site_b}},
                     {"bandwidth", rate(l.bandwidth)},
                     {"latency", secs(l.latency)},
                     {"cost", l.cost}});
  }
  out["links"] = links;
  json servers = json::array();
  for (const Server& sv : s.servers) {
    json j;
    j["name"] = sv.name;
    j["version"] = std::stoi(std::string(to_string(sv.version)));
    j["site"] = sv.site;
    if (sv.is_2003()) j["routing_group"] = sv.routing_group;
    j["roles"] = roles(sv);
    j["cluster"] = sv.cluster == ClusterKind::none  ? "none"
                   : sv.cluster == ClusterKind::ccr ? "ccr"
                                                    : "scc";
    if (!sv.subscribed_site.empty()) j["subscribed_site"] = sv.subscribed_site;
    const Hardware& hw = sv.hardware;
    json dd = {{"iops", hw.database_disk.iops}};
    if (hw.database_disk.capacity) dd["capacity"] = bytes(*hw.database_disk.capacity);
    j["hardware"] = {{"cores", hw.cores},
                     {"clock", q(hw.clock.value, "Hz")},
                     {"memory", bytes(hw.memory)},
                     {"nic", rate(hw.nic)},
                     {"database_disk", dd},
                     {"log_disk",
                      {{"throughput", rate(hw.log_disk.throughput)},
                       {"capacity", bytes(hw.log_disk.capacity)},
                       {"circular_logging", hw.log_disk.circular_logging}}}};
    if (sv.backup)
      j["backup"] = {{"at", clock_hhmm(sv.backup->at)},
                     {"throughput", rate(sv.backup->throughput)}};
    json dbs = json::array();
    for (const Database& db : sv.databases) {
      json d = {{"name", db.name}};
      if (db.mailboxes.from_inventory()) {
        json mb = {{"from", db.mailboxes.from}};
        if (db.mailboxes.from_database) mb["database"] = *db.mailboxes.from_database;
        mb["count"] = db.mailboxes.count;
        mb["profile"] = db.mailboxes.profile;
        d["mailboxes"] = mb;
      } else if (db.mailboxes.count > 0) {
        d["mailboxes"] = {{"count", db.mailboxes.count},
                          {"size", size_spec(db.mailboxes.size)},
                          {"items_per_mb", db.mailboxes.items_per_mb},
                          {"profile", db.mailboxes.profile}};
      }
      dbs.push_back(d);
    }
    j["databases"] = dbs;
    servers.push_back(j);
  }
  out["servers"] = servers;
  json rgc = json::array();
  for (const RoutingGroupConnector& c : s.connectors.routing_group) {
    rgc.push_back({{"between", {c.server_a, c.server_b}}, {"cost", c.cost}});
  }
  out["connectors"] = {{"routing_group", rgc}};
  if (!s.connectors.internet_via.empty())
    out["connectors"]["internet"] = {{"via", s.connectors.internet_via}};
  if (!s.workload.enabled) {
    out["workload"] = "none";
  } else {
    const Workload& w = s.workload;
    json profiles = json::array();
    for (const Profile& p : w.profiles) {
      json pj = {{"name", p.name},
                 {"sent_per_day", p.sent_per_day},
                 {"received_per_day", p.received_per_day},
                 {"message_size", bytes(p.message_size)}};
      if (p.database_iops_2003) pj["database_iops_2003"] = *p.database_iops_2003;
      if (p.database_iops_2007) pj["database_iops_2007"] = *p.database_iops_2007;
      if (p.cache_per_user_2007) pj["cache_per_user_2007"] = bytes(*p.cache_per_user_2007);
      if (p.log_files_per_day) pj["log_files_per_day"] = *p.log_files_per_day;
      profiles.push_back(pj);
    }
    out["workload"] = {
        {"day_shape", w.day_shape == DayShape::office_hours ? "office_hours" : "flat"},
        {"profiles", profiles},
        {"clients",
         {{"outlook", share(w.clients.outlook)},
          {"owa", share(w.clients.owa)},
          {"pop_imap", share(w.clients.pop_imap)}}},
        {"recipients",
         {{"same_database", share(w.recipients.same_database)},
          {"same_site", share(w.recipients.same_site)},
          {"other_site", share(w.recipients.other_site)},
          {"internet", share(w.recipients.internet)}}},
        {"legacy_web_access",
         w.legacy_web_access == LegacyWebAccess::front_end ? "front_end" : "client_access"}};
  }
  if (s.migration.present) {
    const Migration& m = s.migration;
    json mj;
    mj["mover"] = m.mover;
    mj["max_threads"] = m.max_threads;
    mj["scheduler"] = m.scheduler;
    if (m.order_seed) mj["order_seed"] = *m.order_seed;
    json t = json::object();
    if (m.throttles.per_source_database)
      t["per_source_database"] = *m.throttles.per_source_database;
    if (m.throttles.per_target_database)
      t["per_target_database"] = *m.throttles.per_target_database;
    if (m.throttles.per_source_server) t["per_source_server"] = *m.throttles.per_source_server;
    if (m.throttles.per_target_server) t["per_target_server"] = *m.throttles.per_target_server;
    mj["throttles"] = t;
    mj["bad_item_limit"] = m.bad_item_limit;
    json windows = json::array();
    for (const Window& w : m.windows) {
      if (w.weekly)
        windows.push_back(
            {{"from", weekly(w.from_minute_of_week)}, {"to", weekly(w.to_minute_of_week)}});
      else
        windows.push_back({{"from", instant(s.start, w.from)}, {"to", instant(s.start, w.to)}});
    }
    mj["windows"] = windows;
    mj["on_window_end"] = m.on_window_end == WindowEndPolicy::finish ? "finish" : "cancel";
    json batches = json::array();
    for (const Batch& b : m.batches) {
      json bj = {{"name", b.name}, {"from", b.from.text()}, {"to", b.to.text()}};
      switch (b.mailboxes.kind) {
        case BatchSelection::Kind::all:
          bj["mailboxes"] = "all";
          break;
        case BatchSelection::Kind::count:
          bj["mailboxes"] = b.mailboxes.count;
          break;
        case BatchSelection::Kind::share:
          bj["mailboxes"] = share(b.mailboxes.share);
          break;
      }
      if (b.not_before) bj["not_before"] = instant(s.start, *b.not_before);
      batches.push_back(bj);
    }
    mj["batches"] = batches;
    out["migration"] = mj;
  }
  out["simulation"] = {
      {"mail_flow", s.simulation.mail_flow == MailFlowMode::automatic     ? "auto"
                    : s.simulation.mail_flow == MailFlowMode::per_message ? "per_message"
                                                                          : "aggregate"},
      {"sample_interval", secs(s.simulation.sample_interval)},
      {"horizon", secs(s.simulation.horizon)}};
  json cal = {{"mode", s.calibration.mode == CalibrationMode::ideal ? "ideal" : "realistic"}};
  const CostModel cost = CostModel::from(s.calibration);
  for (const CalibrationConstant& c : calibration_constants()) {
    const double v = cost.get(c.name);
    if (!c.dimension) {
      cal[std::string(c.name)] = v;
    } else if (*c.dimension == units::Dimension::time) {
      cal[std::string(c.name)] = q(v, "s");
    } else {
      cal[std::string(c.name)] = q(v, "B");
    }
  }
  out["calibration"] = cal;
  json checks = json::array();
  for (const Check& c : s.checks) checks.push_back(c.expr);
  out["checks"] = checks;
  return out;
}

}  // namespace coexlab
