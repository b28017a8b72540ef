#include "mail_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "workload_costs.hpp"

namespace coexlab {
namespace {

// Share of a working day's load in each local hour (sums to 1): quiet nights (5.5 % in the
// eleven hours from 20:00 to 07:00), a morning peak, a lunch dip, a second peak after lunch,
// tailing off in the evening. A model choice (unverified), in the shape of the usual "busy
// hour at 2 to 3 times the average": the busiest hour carries 11 %, 2.6 times the mean hour.
constexpr std::array<double, 24> kOfficeHourShare{
    0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005,  // 00:00-06:59
    0.030, 0.080, 0.110, 0.110, 0.100, 0.055, 0.090,  // 07:00-13:59
    0.100, 0.100, 0.080, 0.050, 0.025, 0.015,         // 14:00-19:59
    0.005, 0.005, 0.005, 0.005};                      // 20:00-23:59
constexpr double kWeekendFactor = 0.10;

}  // namespace

double day_shape_factor(DayShape shape, double local_second_of_week) {
  if (shape == DayShape::flat) return 1.0;
  constexpr double kWeek = 7 * 86400.0;
  double t = std::fmod(local_second_of_week, kWeek);
  if (t < 0) t += kWeek;
  const int day = static_cast<int>(t / 86400.0);  // 0 = Monday
  const int hour = std::min(23, static_cast<int>((t - day * 86400.0) / 3600.0));
  const double factor = kOfficeHourShare[static_cast<size_t>(hour)] * 24.0;
  return day >= 5 ? factor * kWeekendFactor : factor;
}

UserDemand user_demand(const Profile& p, ExchangeVersion v, const RecipientMix& mix,
                       const CostModel& cost) {
  const UserCost c = user_cost(p, v);
  UserDemand d;
  d.sent = p.sent_per_day;
  d.internet_in = std::max(0.0, p.received_per_day - p.sent_per_day * (1.0 - mix.internet.value));
  d.message_size = p.message_size;
  d.database_iops = c.database_iops;
  d.read_fraction = c.read_fraction;
  d.cache = c.cache;
  d.log_bytes = c.log_bytes_per_day;
  const double messages = p.sent_per_day + p.received_per_day;
  d.client_operations = cost.client_operations_per_message * messages;
  d.client_bytes = Bytes{cost.client_bytes_per_message_byte * messages * p.message_size.value};
  return d;
}

double cache_read_factor(const Server& server, Bytes users_cache) {
  if (server.is_2007()) {
    const double available =
        std::min(server.hardware.memory.value, kMaxUsefulMemory2007Bytes) - kBaseMemory2007Bytes;
    if (users_cache.value <= 0) return 1.0;
    if (available <= 0) return 4.0;  // no cache to speak of: capped, as reads cannot grow forever
    return std::clamp(std::sqrt(users_cache.value / available), 1.0, 4.0);
  }
  constexpr double kSystemBytes = 1e9;
  const double available = std::min(kCache2003Bytes, server.hardware.memory.value - kSystemBytes);
  if (available <= 0) return 4.0;
  return std::clamp(std::sqrt(kCache2003Bytes / available), 1.0, 4.0);
}

std::string_view to_string(PathClass c) {
  switch (c) {
    case PathClass::legacy:
      return "2003->2003";
    case PathClass::cross_version:
      return "2003<->2007";
    case PathClass::modern_same_site:
      return "2007->2007 same site";
    case PathClass::modern_cross_site:
      return "2007->2007 cross-site";
    case PathClass::internet:
      return "internet";
  }
  return "?";
}

PathClass classify_path(ExchangeVersion from, ExchangeVersion to, int from_site, int to_site,
                        bool internet) {
  if (internet) return PathClass::internet;
  if (from == ExchangeVersion::v2003 && to == ExchangeVersion::v2003) return PathClass::legacy;
  if (from != to) return PathClass::cross_version;
  return from_site == to_site ? PathClass::modern_same_site : PathClass::modern_cross_site;
}

double mmc_mean_wait(double lambda, double service, int servers) {
  if (lambda <= 0 || service <= 0) return 0;
  const double c = std::max(1, servers);
  const double a = lambda * service;  // offered load in Erlangs
  if (a >= c) return std::numeric_limits<double>::infinity();
  // Erlang B by its recurrence (stable for large c), then Erlang C from it.
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = a * b / (k + a * b);
  const double rho = a / c;
  const double erlang_c = b / (1.0 - rho * (1.0 - b));
  return erlang_c * service / (c - a);
}

int internet_connector(const Scenario& s) {
  if (!s.connectors.internet_via.empty()) return s.server_index(s.connectors.internet_via);
  for (size_t i = 0; i < s.servers.size(); ++i)
    if (s.servers[i].has(Role::edge_transport)) return int(i);
  for (size_t i = 0; i < s.servers.size(); ++i)
    if (s.servers[i].is_2003() && s.servers[i].has(Role::bridgehead)) return int(i);
  for (size_t i = 0; i < s.servers.size(); ++i)
    if (s.servers[i].is_2007() && s.servers[i].has(Role::hub_transport)) return int(i);
  return -1;
}

}  // namespace coexlab
