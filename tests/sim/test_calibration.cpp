// Realistic-mode calibration against the figures of shared/reference/exchange-facts.md.
// docs/calibration.md lists each figure, its source, the test and the simulated value.
#include <cmath>

#include <fmt/format.h>

#include "calibration.hpp"
#include "harness.hpp"

using namespace coexlab;
using coexlab::test::simulate_yaml;

namespace {

struct Lab {
  int mailboxes = 10;
  std::string size = "100 MB";
  double items_per_mb = 25;  // "average" mailboxes: 40 KB items
  int threads = 1;
  double wan_one_way_ms = -1;  // < 0: source and target share one LAN site
  std::string wan_bandwidth = "100 Mbps";
  std::string lan_latency = "0.2 ms";
  std::string calibration;  // extra calibration keys
};

// A 2003 back-end (SAN-class disk) and a 3-role 2007 box that is also the mover.
std::string lab(const Lab& l) {
  const bool wan = l.wan_one_way_ms >= 0;
  return fmt::format(
      R"(
scenario: calibration
start: 2007-06-01T20:00
sites:
  - {{ name: HQ, lan: {{ bandwidth: 1 Gbps, latency: {lan} }} }}
  {site2}
{links}
servers:
  - name: EX03
    version: 2003
    site: {src_site}
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: {{ iops: 1200 }}, log_disk: {{ throughput: 100 MB/s, capacity: 1 TB }} }}
    databases:
      - {{ name: DB, mailboxes: {{ count: {count}, size: {size}, items_per_mb: {ipm} }} }}
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: {{ iops: 2000 }}, log_disk: {{ throughput: 100 MB/s, capacity: 2 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration:
  mover: EX07
  max_threads: {threads}
  batches: [ {{ from: EX03/DB, to: EX07/DB }} ]
calibration:
  bad_item_rate: 0
{calibration}
)",
      fmt::arg("lan", l.lan_latency),
      fmt::arg("site2",
               wan ? fmt::format("- {{ name: Remote, lan: {{ bandwidth: 1 Gbps, latency: {} }} }}",
                                 l.lan_latency)
                   : ""),
      fmt::arg("links",
               wan ? fmt::format(
                         "links:\n  - {{ between: [Remote, HQ], bandwidth: {}, latency: {} ms }}",
                         l.wan_bandwidth, l.wan_one_way_ms)
                   : ""),
      fmt::arg("src_site", wan ? "Remote" : "HQ"), fmt::arg("count", l.mailboxes),
      fmt::arg("size", l.size), fmt::arg("ipm", l.items_per_mb), fmt::arg("threads", l.threads),
      fmt::arg("calibration", l.calibration));
}

double items_per_second(const test::Simulated& s) {
  double items = 0;
  for (const Mailbox& m : s.out.mailboxes) items += double(m.items);
  return items / *s.metrics().duration_s;
}

}  // namespace

// Priasoft: 8-15 items/s per mailbox on a LAN (range 1-35).
TEST(Calibration, OneLanThreadMoves8To15ItemsPerSecond) {
  const auto s = simulate_yaml(lab({}));
  ASSERT_TRUE(s.metrics().completed);
  const double rate = items_per_second(s);
  RecordProperty("items_per_second", fmt::format("{:.2f}", rate));
  EXPECT_GE(rate, 8.0);
  EXPECT_LE(rate, 15.0);
}

// Practitioner report: about 10 GB/h for an on-premises migration (four threads, LAN).
TEST(Calibration, FourLanThreadsMoveOnTheOrderOf10GBPerHour) {
  Lab l;
  l.mailboxes = 40;
  l.threads = 4;
  const auto s = simulate_yaml(lab(l));
  const auto m = s.metrics();
  ASSERT_TRUE(m.completed);
  const double gb_per_hour = m.bytes_moved / *m.duration_s * 3600 / 1e9;
  RecordProperty("gb_per_hour", fmt::format("{:.2f}", gb_per_hour));
  EXPECT_GE(gb_per_hour, 10.0 / 3);
  EXPECT_LE(gb_per_hour, 10.0 * 3);
}

// exchange-facts.md: RPC count x round-trip time is what makes moves over a WAN slow; a
// 100 ms round trip makes the same move several times slower than on a LAN.
TEST(Calibration, HundredMillisecondRoundTripIsSeveralTimesSlower) {
  Lab l;
  l.mailboxes = 4;
  l.wan_one_way_ms = 50;  // 100 ms round trip (LAN latencies set to 0 below)
  l.lan_latency = "0 ms";
  const auto wan = simulate_yaml(lab(l));
  // The LAN reference is computed from the model's own constants: same mailboxes, same
  // disks, a 0.4 ms round trip (SimGrid allows one simulation per process).
  const CostModel cost = CostModel::from(wan.scenario.calibration);
  const double items = double(wan.out.mailboxes.front().items) * 4;
  const double per_item_lan =
      cost.rpc_round_trips_per_item * (0.4e-3 + 2 * cost.rpc_server_time.value) +
      cost.item_server_time.value;
  const double lan_lower_bound = items * per_item_lan;  // bytes and disks only add to it
  const double ratio = *wan.metrics().duration_s / lan_lower_bound;
  RecordProperty("slowdown_vs_lan", fmt::format("{:.2f}", ratio));
  EXPECT_GE(ratio, 3.0);
}

// The Microsoft Learn RPC table (client latency 37-44 ms; we use 40 ms):
//   row 1: 202 MB, 3,297 items, 15,775 RPCs, 29 min 47 s -> RPC x RTT = 35 % of the time
//   row 2: 618 MB, 4,322 items, 12,196 RPCs, 1 h 55 min  ->  7 % (bandwidth-bound)
//   row 3: 249 MB, 12,779 items, 423,188 RPCs, 10 h 51 min -> 43 %
// The table's environment is not ours: its per-RPC service time and its bandwidth are
// unknown. Rows 1 and 3 fix both (two equations, the model's other constants at their
// defaults); the simulator must then reproduce the table's round-trip shares on rows 1 and
// 3, and its prediction for row 2 is reported (docs/calibration.md).
struct RpcRow {
  double megabytes, items, rpcs, seconds;
};
constexpr RpcRow kRow1{202, 3297, 15775, 29 * 60 + 47};
constexpr RpcRow kRow2{618, 4322, 12196, 115 * 60};
constexpr RpcRow kRow3{249, 12779, 423188, 10 * 3600 + 51 * 60};
constexpr double kRtt = 0.040;

struct TableEnvironment {
  double rpc_server_time;  // per RPC and leg
  double bandwidth;        // bytes/s of the WAN
};

TableEnvironment fit_rows_1_and_3() {
  const CostModel d = CostModel::from({});
  // T = N (RTT + 2 s) + I t_item + B / r: solve the 2x2 system in (2 s, 1/r).
  const auto rhs = [&](const RpcRow& r) {
    return r.seconds - r.rpcs * kRtt - r.items * d.item_server_time.value;
  };
  const double a11 = kRow1.rpcs, a12 = kRow1.megabytes * 1e6, b1 = rhs(kRow1);
  const double a21 = kRow3.rpcs, a22 = kRow3.megabytes * 1e6, b2 = rhs(kRow3);
  const double det = a11 * a22 - a12 * a21;
  const double two_s = (b1 * a22 - a12 * b2) / det;
  const double inv_r = (a11 * b2 - a21 * b1) / det;
  return {two_s / 2, 1 / inv_r};
}

double simulate_row(const RpcRow& row, const TableEnvironment& env) {
  Lab l;
  l.mailboxes = 1;
  l.size = fmt::format("{} MB", row.megabytes);
  l.items_per_mb = row.items / row.megabytes;
  l.wan_one_way_ms = kRtt / 2 * 1000;
  l.lan_latency = "0 ms";
  l.wan_bandwidth = fmt::format("{} B/s", env.bandwidth);
  l.calibration = fmt::format(
      "  rpc_round_trips_per_item: {}\n  rpc_server_time: {} s\n  database_ios_per_item: 0\n",
      row.rpcs / row.items, env.rpc_server_time);
  // The mover is the target: the target leg is local, so the table's client-side RPCs are
  // the source leg's, each one network round trip.
  const auto s = simulate_yaml(lab(l));
  EXPECT_EQ(s.out.mailboxes.front().items, std::llround(row.items));
  return *s.metrics().duration_s;
}

TEST(Calibration, RpcTableRow1RoundTripShareIsAboutAThird) {
  const TableEnvironment env = fit_rows_1_and_3();
  const double elapsed = simulate_row(kRow1, env);
  const double share = kRow1.rpcs * kRtt / elapsed;
  RecordProperty("round_trip_share", fmt::format("{:.3f}", share));
  RecordProperty("elapsed_s", fmt::format("{:.0f}", elapsed));
  EXPECT_NEAR(share, kRow1.rpcs * kRtt / kRow1.seconds, 0.02);
  EXPECT_NEAR(elapsed, kRow1.seconds, 0.03 * kRow1.seconds);
}

TEST(Calibration, RpcTableRow3RoundTripShareIsAboutHalf) {
  const TableEnvironment env = fit_rows_1_and_3();
  const double elapsed = simulate_row(kRow3, env);
  const double share = kRow3.rpcs * kRtt / elapsed;
  RecordProperty("round_trip_share", fmt::format("{:.3f}", share));
  EXPECT_NEAR(share, kRow3.rpcs * kRtt / kRow3.seconds, 0.02);
  EXPECT_GT(share, 0.38);
  EXPECT_LT(share, 0.55);
}

TEST(Calibration, RpcTableRow2IsBandwidthBound) {
  const TableEnvironment env = fit_rows_1_and_3();
  const double elapsed = simulate_row(kRow2, env);
  const double bytes_time = kRow2.megabytes * 1e6 / env.bandwidth;
  const double share = kRow2.rpcs * kRtt / elapsed;
  RecordProperty("elapsed_s", fmt::format("{:.0f}", elapsed));
  RecordProperty("round_trip_share", fmt::format("{:.3f}", share));
  RecordProperty("bytes_share", fmt::format("{:.3f}", bytes_time / elapsed));
  // The model's largest single component on row 2 is moving the bytes.
  EXPECT_GT(bytes_time, kRow2.rpcs * kRtt);
  EXPECT_LT(share, 0.30);
}
