#include "move_cost.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "random.hpp"
#include "site_graph.hpp"

namespace coexlab {

Bytes page_size(const CostModel& cost, const Server& server) {
  return server.is_2003() ? cost.page_size_2003 : cost.page_size_2007;
}

ChunkPlan::ChunkPlan(const CostModel& cost, Bytes size, std::int64_t items)
    : size_(size.value), items_(items) {
  const double chunk =
      cost.move_chunk_size.value > 0 ? cost.move_chunk_size.value : std::max(size_, 1.0);
  chunks_ = static_cast<std::int64_t>(std::max(1.0, std::ceil(size_ / chunk)));
}

ChunkPlan::Part ChunkPlan::before_item(std::int64_t c, std::int64_t item) const {
  const std::int64_t chunk_items = items(c);
  const std::int64_t read = item - first_item(c);
  const double fraction = double(read) / double(std::max<std::int64_t>(chunk_items, 1));
  return {std::floor(bytes(c) * fraction), read};
}

std::int64_t ChunkPlan::items_read_before_failure(Bytes copied) const {
  double before = 0;
  for (std::int64_t c = 0; c < chunks_; ++c) {
    const double chunk_bytes = bytes(c);
    const double chunk_items = double(items(c));
    if (copied.value < before + chunk_bytes || c + 1 >= chunks_) {
      const double in_chunk = std::max(0.0, copied.value - before);
      const double partial =
          chunk_bytes > 0 ? std::floor(in_chunk * chunk_items / chunk_bytes) - 1 : 0;
      return first_item(c) + static_cast<std::int64_t>(std::clamp(partial, 0.0, chunk_items));
    }
    before += chunk_bytes;
  }
  return 0;
}

Seconds per_item_time(const CostModel& cost, Seconds rtt_sum) {
  return Seconds{cost.rpc_round_trips_per_item * (rtt_sum.value + 2 * cost.rpc_server_time.value) +
                 cost.item_server_time.value};
}

namespace {
double delay_spread(const CostModel& cost, std::int64_t items) {
  if (cost.item_time_cv <= 0 || items <= 0) return 0;
  return std::min(0.5, std::sqrt(3.0) * cost.item_time_cv / std::sqrt(double(items)));
}
}  // namespace

std::vector<double> chunk_delay_factors(const CostModel& cost, const ChunkPlan& plan,
                                        RandomStream& rng) {
  std::vector<double> f;
  if (cost.item_time_cv <= 0) return f;
  double items = 0, weighted = 0;
  for (std::int64_t c = 0; c < plan.count(); ++c) {
    f.push_back(1 + delay_spread(cost, plan.items(c)) * (2 * rng.uniform() - 1));
    items += double(plan.items(c));
    weighted += double(plan.items(c)) * f.back();
  }
  if (weighted > 0) {
    for (double& x : f) x *= items / weighted;
  }
  return f;
}

std::vector<double> attempt_delay_factors(const CostModel& cost, const ChunkPlan& plan,
                                          std::uint64_t seed, const std::string& mailbox_id,
                                          int attempt) {
  if (cost.item_time_cv <= 0) return {};
  RandomStream rng(seed, "rpc-delay/" + mailbox_id + "/" + std::to_string(attempt));
  return chunk_delay_factors(cost, plan, rng);
}

double chunk_rpc_delay(std::int64_t items, Seconds per_item, const std::vector<double>& factors,
                       std::int64_t c) {
  return double(items) * per_item.value * (factors.empty() ? 1.0 : factors[size_t(c)]);
}

double min_chunk_delay_factor(const CostModel& cost, const ChunkPlan& plan) {
  double a = 0;
  for (std::int64_t c = 0; c < plan.count(); ++c)
    a = std::max(a, delay_spread(cost, plan.items(c)));
  return (1 - a) / (1 + a);
}

double window_cap_bytes_per_s(const CostModel& cost, Seconds rtt_max) {
  return cost.tcp_window.value > 0 && rtt_max.value > 0 ? cost.tcp_window.value / rtt_max.value
                                                        : std::numeric_limits<double>::infinity();
}

double chunk_cycles(const CostModel& cost, double bytes, std::int64_t items) {
  return double(items) * cost.move_cpu_cycles_per_item + bytes * cost.move_cpu_cycles_per_byte;
}

double chunk_page_io_bytes(const CostModel& cost, std::int64_t items, Bytes page) {
  return double(items) * cost.database_ios_per_item * page.value;
}

BadItems draw_bad_items(const CostModel& cost, std::uint64_t seed, const Mailbox& m,
                        int bad_item_limit) {
  BadItems out;
  if (cost.bad_item_rate <= 0) return out;
  const double p = std::min(cost.bad_item_rate, 1.0);
  RandomStream rng(seed, "bad-items/" + m.id);
  std::int64_t pos = -1;
  while (true) {
    // Gap to the next bad item: geometric on {1, 2, ...}.
    const double gap =
        p >= 1.0 ? 1.0 : std::floor(std::log(rng.uniform_open0()) / std::log1p(-p)) + 1;
    if (gap > double(m.items)) break;
    pos += static_cast<std::int64_t>(gap);
    if (pos >= m.items) break;
    ++out.count;
    if (out.count > bad_item_limit) {
      out.fail_item = pos;
      break;
    }
  }
  return out;
}

NetworkLeg network_leg(const Scenario& s, const SiteGraph& graph, int from, int to) {
  NetworkLeg leg;
  if (from == to) return leg;
  using Kind = NetworkHop::Kind;
  const Server& a = s.servers[static_cast<size_t>(from)];
  const Server& b = s.servers[static_cast<size_t>(to)];
  const int site_a = s.site_index(a.site);
  const int site_b = s.site_index(b.site);
  leg.hops.push_back({Kind::nic, from, true});
  leg.hops.push_back({Kind::lan, site_a, true});
  leg.latency = s.sites[static_cast<size_t>(site_a)].lan.latency;
  if (site_a != site_b) {
    const auto& route = graph.route(site_a, site_b);
    if (!route) throw std::invalid_argument("no route between sites " + a.site + " and " + b.site);
    for (size_t k = 0; k < route->links.size(); ++k) {
      const int link = route->links[k];
      const Link& l = s.links[static_cast<size_t>(link)];
      const bool forward = l.site_a == s.sites[static_cast<size_t>(route->sites[k])].name;
      leg.hops.push_back({Kind::wan, link, forward});
    }
    leg.latency += route->latency;
    leg.hops.push_back({Kind::lan, site_b, false});
    leg.latency += s.sites[static_cast<size_t>(site_b)].lan.latency;
  }
  leg.hops.push_back({Kind::nic, to, false});
  return leg;
}

}  // namespace coexlab
