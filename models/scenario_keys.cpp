#include "scenario_keys.hpp"

#include <algorithm>
#include <map>

#include "calibration.hpp"

namespace coexlab {
namespace {

using Keys = std::vector<std::string_view>;

const std::map<std::string_view, Keys>& table() {
  static const std::map<std::string_view, Keys> t{
      {"",
       {"scenario", "description", "seed", "start", "sites", "links", "servers", "connectors",
        "workload", "migration", "operations", "costs", "simulation", "calibration", "checks",
        "acknowledge"}},
      {"sites[]", {"name", "lan", "utc_offset"}},
      {"sites[].lan", {"bandwidth", "latency"}},
      {"links[]", {"name", "between", "bandwidth", "latency", "cost"}},
      {"servers[]",
       {"name", "version", "site", "routing_group", "roles", "cluster", "subscribed_site",
        "hardware", "backup", "databases"}},
      {"servers[].hardware", {"cores", "clock", "memory", "nic", "database_disk", "log_disk"}},
      {"servers[].hardware.database_disk", {"iops", "capacity"}},
      {"servers[].hardware.log_disk", {"throughput", "capacity", "circular_logging"}},
      {"servers[].backup", {"at", "throughput"}},
      {"servers[].databases[]", {"name", "mailboxes"}},
      {"servers[].databases[].mailboxes",
       {"count", "size", "items_per_mb", "profile", "from", "database"}},
      {"servers[].databases[].mailboxes.size", {"distribution", "mean", "stddev", "min", "max"}},
      {"connectors", {"routing_group", "internet"}},
      {"connectors.routing_group[]", {"between", "cost"}},
      {"connectors.internet", {"via"}},
      {"workload", {"day_shape", "profiles", "clients", "recipients", "legacy_web_access"}},
      {"workload.profiles[]",
       {"name", "sent_per_day", "received_per_day", "message_size", "database_iops_2003",
        "database_iops_2007", "cache_per_user_2007", "log_files_per_day"}},
      {"workload.clients", {"outlook", "owa", "pop_imap"}},
      {"workload.recipients", {"same_database", "same_site", "other_site", "internet"}},
      {"migration",
       {"mover", "max_threads", "scheduler", "order_seed", "throttles", "bad_item_limit", "windows",
        "on_window_end", "batches"}},
      {"migration.throttles",
       {"per_source_database", "per_target_database", "per_source_server", "per_target_server"}},
      {"migration.windows[]", {"from", "to"}},
      {"migration.batches[]", {"name", "from", "to", "mailboxes", "not_before"}},
      {"operations[]", {"action", "tool", "database", "to"}},
      {"costs[]", {"path", "per_unit"}},
      {"simulation", {"mail_flow", "sample_interval", "horizon"}},
      {"checks[]", {}},
  };
  return t;
}

const Keys& calibration_keys() {
  static const Keys keys = [] {
    Keys k{"mode"};
    for (const CalibrationConstant& c : calibration_constants()) k.push_back(c.name);
    return k;
  }();
  return keys;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<std::string_view>* keys_of(std::string_view context) {
  if (context == "calibration") return &calibration_keys();
  const auto& t = table();
  auto it = t.find(context);
  return it == t.end() ? nullptr : &it->second;
}

bool is_list_key(std::string_view context, std::string_view key) {
  std::string list_context(context);
  if (!list_context.empty()) list_context += '.';
  list_context.append(key);
  list_context += "[]";
  return table().count(list_context) > 0;
}

std::string did_you_mean(std::string_view wrong, const std::vector<std::string_view>& candidates) {
  std::string best;
  size_t best_distance = 3;  // accept at most 2 edits
  for (std::string_view c : candidates) {
    // The distance is at least the difference in length: skip the quadratic work (a key of
    // megabytes must not cost seconds per candidate).
    if (wrong.size() > c.size() + 2 || c.size() > wrong.size() + 2) continue;
    const size_t d = edit_distance(wrong, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  if (best.empty() && wrong.size() >= 3) {
    for (std::string_view c : candidates) {
      if (c.substr(0, wrong.size()) == wrong) return std::string(c);
    }
  }
  return best;
}

}  // namespace coexlab
