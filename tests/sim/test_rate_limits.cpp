// Per-flow rate limits (SimGrid 3.32 ignores Comm::set_rate on host-to-host flows, so a cap is
// a FATPIPE link on the flow's channel): the TCP window caps each move's stream on its own,
// and a backup reads at its throughput. Ideal mode; expected times from the figures here.
#include <fmt/format.h>

#include "harness.hpp"
#include "two_site.hpp"

using namespace coexlab;
using coexlab::test::expect_exact;
using coexlab::test::simulate_yaml;

namespace {

// OLD (2003, site A) to NEW (2007, site B, the mover) over one link; `backup` goes under NEW.
std::string scenario(const std::string& mailboxes, const std::string& link, int threads,
                     const std::string& log_capacity, const std::string& backup,
                     const std::string& calibration) {
  coexlab::testing::TwoSite t;
  t.name = "limits";
  t.link = "bandwidth: " + link + ", latency: 30 ms";
  t.databases = "[ { name: DB, mailboxes: " + mailboxes + " } ]";
  t.new_log_capacity = log_capacity;
  t.new_backup = backup;
  t.migration =
      fmt::format("  max_threads: {}\n  batches: [ {{ from: OLD/DB, to: NEW/DB }} ]", threads);
  t.calibration = calibration;
  return t.yaml();
}

constexpr double kRoute = 0.5e-3 + 30e-3 + 0.5e-3;  // one way; the mover is the target

}  // namespace

TEST(RateLimits, TcpWindowCapsEachMoveOnItsOwn) {
  // 64 KiB per 62 ms round trip = 1.057 MB/s per stream; the 10 Gbps link binds nothing. Two
  // moves at once each get the whole cap: a shared cap would double their time.
  const auto s = simulate_yaml(scenario("{ count: 2, size: 100 MB }", "10 Gbps", 2, "10 TB", "",
                                        "{ mode: ideal, tcp_window: 64 KiB }"));
  ASSERT_EQ(s.out.recording.attempts.size(), 2u);
  const double cap = 65536 / (2 * kRoute);
  for (size_t i = 0; i < 2; ++i)
    expect_exact(s.attempt(i).end.value, kRoute + 100e6 / cap, "each move at the cap");
}

TEST(RateLimits, BackupReadsAtItsThroughput) {
  // Three 1 GB moves fill NEW's 1.5 GB of logs after 1.5 GB: the databases dismount until
  // the 02:00 backup (6 h after the start) has read NEW's 1.5 GB at 100 MB/s, i.e. 15 s.
  const auto s =
      simulate_yaml(scenario("{ count: 3, size: 1 GB }", "10 Mbps", 1, "1.5 GB",
                             "backup: { at: \"02:00\", throughput: 100 MB/s }", "{ mode: ideal }"));
  const auto& events = s.out.recording.events;
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].kind, EventKind::dismount);
  EXPECT_EQ(events[1].kind, EventKind::remount);
  expect_exact(events[1].time.value, 6 * 3600.0 + 1.5e9 / 100e6, "remount after the backup's read");
}
