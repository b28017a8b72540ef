// Random scenarios for property tests: sites and WAN links, 2003 sources and 2007 targets with
// random disks and NICs, random mailbox populations, threads, throttles, windows (weekly or
// absolute, either policy) and not_before dates. Seeded: case N is the same scenario on every
// machine (RandomStream, our own distributions). Every generated scenario is valid.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "calendar.hpp"
#include "random.hpp"

namespace coexlab::test {

struct GeneratorOptions {
  bool ideal = true;  // calibration mode
  int max_sites = 3;
  int max_sources = 3;  // 2003 servers
  int max_targets = 2;  // 2007 servers (3 roles each)
  int max_mailboxes_per_database = 10;
  bool windows = true;  // otherwise always open
};

class ScenarioGenerator {
 public:
  ScenarioGenerator(std::uint64_t seed, GeneratorOptions options)
      : rng_(seed, "lower-bound-property"), o_(options) {}

  std::string yaml() {
    const int sites = pick(1, o_.max_sites);
    const int sources = pick(1, o_.max_sources);
    const int targets = pick(1, o_.max_targets);
    std::string out = fmt::format(
        "scenario: generated\nseed: {}\nstart: 2007-06-01T20:00\nsites:\n", pick(1, 1000));
    for (int i = 0; i < sites; ++i) {
      out += fmt::format("  - {{ name: S{}, lan: {{ bandwidth: {} Mbps, latency: {:.3f} ms }} }}\n",
                         i, choose({100, 1000, 10000}), rng_.uniform(0.05, 1.0));
    }
    out += "links:\n";
    if (sites == 1) out += "  []\n";
    for (int i = 1; i < sites; ++i) {  // a chain keeps every site connected
      out +=
          fmt::format("  - {{ between: [S{}, S{}], bandwidth: {:.1f} Mbps, latency: {:.1f} ms }}\n",
                      i - 1, i, rng_.uniform(2, 200), rng_.uniform(2, 60));
    }
    if (sites == 3 && rng_.bernoulli(0.5)) {
      out += fmt::format(
          "  - {{ between: [S0, S2], bandwidth: {:.1f} Mbps, latency: {:.1f} ms, cost: {} }}\n",
          rng_.uniform(2, 200), rng_.uniform(2, 60), choose({50, 150, 300}));
    }
    out += "servers:\n";
    std::vector<std::string> source_dbs, target_dbs;
    for (int i = 0; i < sources; ++i) {
      out += server("OLD" + std::to_string(i), 2003, pick(0, sites - 1));
      out += "    databases:\n";
      for (int d = 0, n = pick(1, 2); d < n; ++d) {
        out += fmt::format(
            "      - {{ name: DB{}, mailboxes: {{ count: {}, size: {}, items_per_mb: {} }} }}\n", d,
            pick(1, o_.max_mailboxes_per_database), size_spec(), choose({5, 25, 60}));
        source_dbs.push_back(fmt::format("OLD{}/DB{}", i, d));
      }
    }
    for (int i = 0; i < targets; ++i) {
      out += server("NEW" + std::to_string(i), 2007, pick(0, sites - 1));
      out += "    databases:\n";
      for (int d = 0, n = pick(1, 2); d < n; ++d) {
        out += fmt::format("      - {{ name: DB{} }}\n", d);
        target_dbs.push_back(fmt::format("NEW{}/DB{}", i, d));
      }
    }
    // A coexistence connector for every 2003 routing group (L7).
    out += "connectors:\n  routing_group:\n";
    for (int i = 0; i < sources; ++i) out += fmt::format("    - {{ between: [OLD{}, NEW0] }}\n", i);
    out += "workload: none\nmigration:\n";
    out += fmt::format("  mover: NEW{}\n  max_threads: {}\n  scheduler: {}\n", pick(0, targets - 1),
                       pick(1, 6), rng_.bernoulli(0.5) ? "fifo" : "largest_first");
    if (rng_.bernoulli(0.3)) {
      out += fmt::format("  throttles: {{ per_source_database: {}, per_target_server: {} }}\n",
                         pick(1, 3), pick(1, 4));
    }
    if (o_.windows && rng_.bernoulli(0.75)) out += windows();
    out += fmt::format("  on_window_end: {}\n", rng_.bernoulli(0.5) ? "finish" : "cancel");
    out += "  batches:\n";
    for (const std::string& from : source_dbs) {
      std::string extra;
      if (rng_.bernoulli(0.3))
        extra += fmt::format(", not_before: 2007-06-{:02}T{:02}:00", pick(1, 20), pick(0, 23));
      if (rng_.bernoulli(0.2)) extra += fmt::format(", mailboxes: {}", pick(1, 5));
      out += fmt::format("    - {{ from: {}, to: {}{} }}\n", from,
                         target_dbs[size_t(pick(0, int(target_dbs.size()) - 1))], extra);
    }
    out += "simulation: { horizon: 150 d, sample_interval: 1 h }\n";
    out += fmt::format("calibration: {{ mode: {} }}\n", o_.ideal ? "ideal" : "realistic");
    return out;
  }

 private:
  int pick(int lo, int hi) { return lo + int(rng_.uniform() * (hi - lo + 1)); }
  int choose(std::initializer_list<int> v) { return *(v.begin() + pick(0, int(v.size()) - 1)); }

  std::string size_spec() {
    switch (pick(0, 2)) {
      case 0:
        return fmt::format("{} MB", pick(10, 2000));
      case 1:
        return fmt::format("{{ distribution: uniform, min: {} MB, max: {} MB }}", pick(5, 100),
                           pick(200, 3000));
      default:
        return fmt::format("{{ distribution: lognormal, mean: {} MB, stddev: {} MB }}",
                           pick(50, 800), pick(20, 600));
    }
  }

  std::string server(const std::string& name, int version, int site) {
    const std::string roles =
        version == 2003 ? "[mailbox, bridgehead]" : "[mailbox, hub_transport, client_access]";
    return fmt::format(
        "  - name: {}\n    version: {}\n    site: S{}\n    roles: {}\n"
        "    hardware: {{ cores: {}, clock: 3 GHz, memory: 8 GiB, nic: {} Mbps,\n"
        "                database_disk: {{ iops: {} }},\n"
        "                log_disk: {{ throughput: {} MB/s, capacity: 100 TB }} }}\n",
        name, version, site, roles, choose({1, 2, 8}), choose({100, 1000, 10000}),
        choose({50, 200, 800, 3000, 20000}), choose({5, 30, 100, 1000}));
  }

  // Non-overlapping windows: one long weekend-style window, up to three windows on distinct
  // days, or absolute windows one after the other.
  std::string windows() {
    static const char* const kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    std::string out = "  windows:\n";
    switch (pick(0, 2)) {
      case 0: {
        const int from_day = pick(0, 6), from_hour = pick(0, 23), hours = pick(6, 100);
        const int to = (from_day * 24 + from_hour + hours) % (7 * 24);
        out += fmt::format("    - {{ from: {} {:02}:00, to: {} {:02}:00 }}\n", kDays[from_day],
                           from_hour, kDays[to / 24], to % 24);
        break;
      }
      case 1: {
        std::vector<int> days{0, 1, 2, 3, 4, 5, 6};
        for (int i = 6; i > 0; --i) std::swap(days[size_t(i)], days[size_t(pick(0, i))]);
        days.resize(size_t(pick(1, 3)));
        std::sort(days.begin(), days.end());
        for (int d : days) {
          const int from = pick(0, 22), to = pick(from + 1, 23);
          out += fmt::format("    - {{ from: {} {:02}:00, to: {} {:02}:00 }}\n", kDays[d], from,
                             kDays[d], to);
        }
        break;
      }
      default: {
        double hour = pick(0, 48);  // hours after 2007-06-01T00:00
        for (int i = 0, n = pick(2, 6); i < n; ++i) {
          const double from = hour, to = from + pick(6, 120);
          out += fmt::format("    - {{ from: {}, to: {} }}\n", absolute(from), absolute(to));
          hour = to + pick(1, 96);
        }
      }
    }
    return out;
  }

  static std::string absolute(double hours_after_june_1) {
    const CivilTime june_1{2007, 6, 1, 0, 0, 0};
    return civil_from_epoch(june_1.epoch_seconds() + std::int64_t(hours_after_june_1) * 3600).iso();
  }

  RandomStream rng_;
  GeneratorOptions o_;
};

}  // namespace coexlab::test
