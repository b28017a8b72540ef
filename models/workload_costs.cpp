#include "workload_costs.hpp"

#include <array>

namespace coexlab {
namespace {

struct Point {
  double messages;  // sent + received per day
  double value;
};

// Piecewise-linear through the table, extended by the end segments' slopes.
template <size_t N>
double interpolate(const std::array<Point, N>& t, double x) {
  size_t i = 1;
  while (i + 1 < N && x > t[i].messages) ++i;
  const Point& a = t[i - 1];
  const Point& b = t[i];
  const double v = a.value + (b.value - a.value) * (x - a.messages) / (b.messages - a.messages);
  return v < 0 ? 0 : v;
}

constexpr std::array<Point, 4> kIops2007{{{25, 0.11}, {50, 0.18}, {100, 0.32}, {150, 0.48}}};
constexpr std::array<Point, 4> kCacheMb2007{{{25, 2}, {50, 3.5}, {100, 5}, {150, 5}}};
constexpr std::array<Point, 4> kLogsPerDay{{{25, 6}, {50, 12}, {100, 24}, {150, 36}}};

}  // namespace

UserCost user_cost(const Profile& p, ExchangeVersion v) {
  const double messages = p.sent_per_day + p.received_per_day;
  UserCost c;
  const double logs =
      p.log_files_per_day ? *p.log_files_per_day : interpolate(kLogsPerDay, messages);
  c.log_bytes_per_day = Bytes{logs * 1e6};
  if (v == ExchangeVersion::v2003) {
    c.database_iops =
        p.database_iops_2003 ? *p.database_iops_2003 : messages / kMessagesPerIops2003;
    c.read_fraction = 0.70;
    c.cache = Bytes{0};  // a shared, capped cache: see kCache2003Bytes
  } else {
    c.database_iops =
        p.database_iops_2007 ? *p.database_iops_2007 : interpolate(kIops2007, messages);
    c.read_fraction = 0.50;
    const double cache_mb = interpolate(kCacheMb2007, messages);
    c.cache =
        p.cache_per_user_2007 ? *p.cache_per_user_2007 : Bytes{(cache_mb < 2 ? 2 : cache_mb) * 1e6};
  }
  return c;
}

}  // namespace coexlab
