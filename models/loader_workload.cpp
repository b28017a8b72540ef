// The users' workload: profiles, client and recipient mixes, legacy web access.
#include "loader_impl.hpp"

#include <cmath>

#include <fmt/format.h>

namespace coexlab {

using units::Dimension;

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

}  // namespace coexlab
