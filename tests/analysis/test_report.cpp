// report.html and its SVG helper over hand-made recordings: the Gantt geometry of a tiny known
// timeline, downsampling, HTML escaping, no network reference, and a bounded size for a large
// run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loader.hpp"
#include "mailboxes.hpp"
#include "report.hpp"

namespace coexlab {
namespace {

// One site, a 2003 server with `count` mailboxes, a 2007 target; `threads` mover threads; one
// weekly window from the start (Friday 20:00) to Monday 06:00, i.e. [0, 58 h).
std::string scenario_yaml(int count, int threads) {
  return R"(scenario: report-test
start: 2007-06-01T20:00
sites:
  - name: HQ
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 800 },
                log_disk: { throughput: 60 MB/s, capacity: 100 GiB } }
    databases:
      - name: DB03
        mailboxes: { count: )" +
         std::to_string(count) + R"(, size: 300 MB }
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 1500 },
                log_disk: { throughput: 100 MB/s, capacity: 200 GiB } }
    databases:
      - name: DB07
migration:
  mover: EX07
  max_threads: )" +
         std::to_string(threads) + R"(
  windows:
    - { from: Fri 20:00, to: Mon 06:00 }
  batches:
    - { name: wave1, from: EX03/DB03, to: EX07/DB07 }
)";
}

// A scenario, its mailboxes and queue, and a recording the test fills in.
struct Fixture {
  Scenario scenario;
  std::vector<Mailbox> mailboxes;
  std::vector<MoveRequest> queue;
  Recording rec;

  Fixture(int count, int threads) {
    LoadResult r = load_scenario_text(scenario_yaml(count, threads), "report-test.yaml");
    EXPECT_FALSE(r.diagnostics.has_errors());
    scenario = *r.scenario;
    mailboxes = generate_mailboxes(scenario);
    queue = build_move_queue(scenario, mailboxes);
  }
  RunData run() const { return RunData{scenario, mailboxes, queue, rec}; }
  void attempt(int q, int thread, double start, double end, MoveState state) {
    MoveAttempt a;
    a.queue_index = q;
    a.mailbox = queue[size_t(q)].mailbox;
    a.start = Seconds{start};
    a.end = Seconds{end};
    a.thread = thread;
    a.state = state;
    a.bytes_copied = state == MoveState::moved ? mailboxes[size_t(a.mailbox)].size : Bytes{0};
    rec.attempts.push_back(a);
  }
};

constexpr double kHour = 3600;

// ---- svg helpers ----

TEST(Svg, NumbersAreCompactAndDeterministic) {
  EXPECT_EQ(svg::num(12.5), "12.5");
  EXPECT_EQ(svg::num(3.0), "3");
  EXPECT_EQ(svg::num(81.2), "81.2");
  EXPECT_EQ(svg::num(1.005), "1");  // two decimals at most
  EXPECT_EQ(svg::num(-0.001), "0");
}

TEST(Svg, LinearScaleMapsDomainOntoRange) {
  const svg::LinearScale x{0, 100, 70, 1190};
  EXPECT_DOUBLE_EQ(x(0), 70);
  EXPECT_DOUBLE_EQ(x(50), 630);
  EXPECT_DOUBLE_EQ(x(100), 1190);
  const svg::LinearScale y{0, 1, 140, 8};  // pointing up
  EXPECT_DOUBLE_EQ(y(1), 8);
  EXPECT_DOUBLE_EQ(y(0.5), 74);
}

TEST(Svg, TimeTicksUseRoundStepsAndDayHourLabels) {
  const auto ticks = svg::time_ticks(0, 100 * kHour, 14);  // 100 h: 12 h steps (9 ticks)
  ASSERT_EQ(ticks.size(), 9u);
  EXPECT_EQ(ticks[0].label, "+0");
  EXPECT_EQ(ticks[1].label, "+12 h");
  EXPECT_EQ(ticks[2].label, "+1 d");
  EXPECT_EQ(ticks[3].label, "+1 d 12 h");
  EXPECT_DOUBLE_EQ(ticks[8].t, 96 * kHour);
  EXPECT_LE(svg::time_ticks(0, 365 * 86400.0, 14).size(), 14u);
  EXPECT_EQ(svg::offset_label(45 * 60), "+45 min");
  EXPECT_EQ(svg::offset_label(90 * 60), "+1 h 30 min");
}

TEST(Svg, EscapesEveryHtmlSpecialCharacter) {
  EXPECT_EQ(svg::escape(R"(<a href="x">&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(svg::rect(1, 2, 3, 4, "#fff", "", "a<b"),
            R"(<rect x="1" y="2" width="3" height="4" fill="#fff"><title>a&lt;b</title></rect>)");
}

// The JUnit XML of `coexlab test` uses the same escaper: a control character XML 1.0 forbids
// would make the file unreadable, so it becomes a space; tab and newlines stay.
TEST(Svg, EscapeIsXmlSafe) {
  EXPECT_EQ(svg::escape(std::string("a\x01"
                                    "b\x1f\tc\nd\re")),
            "a b \tc\nd\re");
  EXPECT_EQ(svg::escape("it's"), "it&#39;s");
}

// ---- Gantt geometry ----

// Two threads, three attempts, a 100 h axis over the default frame (x 70 → 1190: 1120 units
// for 360,000 s, i.e. 11.2 units per hour).
TEST(ReportGantt, BarsOfAKnownTimelineHaveExactGeometryAndStateColours) {
  Fixture f(10, 2);
  f.attempt(0, 1, 0, 10 * kHour, MoveState::moved);
  f.attempt(1, 2, 1 * kHour, 2 * kHour, MoveState::failed);
  f.attempt(2, 1, 10 * kHour, 20 * kHour, MoveState::cancelled);
  const auto windows =
      expand_windows(f.scenario.migration.windows, f.scenario.start, Seconds{100 * kHour});
  const GanttGeometry g = gantt_geometry(f.rec, 2, windows, 100 * kHour);

  EXPECT_EQ(g.threads, 2);
  EXPECT_DOUBLE_EQ(g.row_height, 16);
  ASSERT_EQ(g.bars.size(), 3u);
  EXPECT_EQ(g.bars[0].thread, 1);
  EXPECT_NEAR(g.bars[0].x, 70, 1e-9);
  EXPECT_NEAR(g.bars[0].width, 112, 1e-9);
  EXPECT_EQ(g.bars[0].state, MoveState::moved);
  EXPECT_EQ(g.bars[1].thread, 2);
  EXPECT_NEAR(g.bars[1].x, 81.2, 1e-9);
  EXPECT_NEAR(g.bars[1].width, 11.2, 1e-9);
  EXPECT_EQ(g.bars[2].thread, 1);
  EXPECT_NEAR(g.bars[2].x, 182, 1e-9);
  EXPECT_NEAR(g.bars[2].width, 112, 1e-9);
  EXPECT_EQ(g.bars[2].attempt, 2);
  // The window Fri 20:00 → Mon 06:00 is [0, 58 h); the next one starts after the axis ends.
  ASSERT_EQ(g.windows.size(), 1u);
  EXPECT_NEAR(g.windows[0].first, 70, 1e-9);
  EXPECT_NEAR(g.windows[0].second, 58 * 11.2, 1e-9);

  // The same bars in the page, with their state colours (y: top 8 + row × 16 + 16 × 0.15).
  f.rec.end_time = Seconds{100 * kHour};
  const std::string html = report_html(f.run());
  EXPECT_NE(html.find(R"(<rect x="70" y="10.4" width="112" height="11.2" fill="#2e7d32">)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<rect x="81.2" y="26.4" width="11.2" height="11.2" fill="#c62828">)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<rect x="182" y="10.4" width="112" height="11.2" fill="#ef6c00">)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<rect x="70" y="8" width="649.6" height="32" fill="#dcebf9"/>)"),
            std::string::npos);
  EXPECT_NE(
      html.find("<title>EX03/DB03/0001 (attempt 1): moved, Fri 2007-06-01 20:00 → Sat 2007-06-02 "
                "06:00</title>"),
      std::string::npos);
}

TEST(ReportGantt, AttemptsNarrowerThanAPixelMergeIntoPerPixelRuns) {
  Fixture f(20, 1);
  // Ten 100-s attempts from t = 200,000 s: 0.31 units each, x from 692.2 to 695.3; the sixth
  // fails. Columns 622 (moved), 623-624 (the failure wins where it shares a pixel), 625.
  for (int i = 0; i < 10; ++i) {
    f.attempt(i, 1, 200000 + 100 * i, 200100 + 100 * i,
              i == 5 ? MoveState::failed : MoveState::moved);
  }
  const GanttGeometry g = gantt_geometry(f.rec, 1, {}, 100 * kHour);
  ASSERT_EQ(g.bars.size(), 3u);
  EXPECT_DOUBLE_EQ(g.bars[0].x, 692);
  EXPECT_DOUBLE_EQ(g.bars[0].width, 1);
  EXPECT_EQ(g.bars[0].state, MoveState::moved);
  EXPECT_DOUBLE_EQ(g.bars[1].x, 693);
  EXPECT_DOUBLE_EQ(g.bars[1].width, 2);
  EXPECT_EQ(g.bars[1].state, MoveState::failed);
  EXPECT_DOUBLE_EQ(g.bars[2].x, 695);
  EXPECT_DOUBLE_EQ(g.bars[2].width, 1);
  EXPECT_EQ(g.bars[2].state, MoveState::moved);
  for (const GanttBar& b : g.bars) EXPECT_EQ(b.attempt, -1);
}

TEST(ReportSeries, DownsamplesToAtMostTheGivenPointsWithMeanAndMax) {
  std::vector<double> times, values;
  for (int i = 1; i <= 2500; ++i) {
    times.push_back(60.0 * i);
    values.push_back(i % 3 == 0 ? 0.9 : 0.0);
  }
  const auto pts = downsample(times, values, 1000);
  ASSERT_EQ(pts.size(), 834u);     // buckets of 3
  EXPECT_DOUBLE_EQ(pts[0].t, 90);  // the middle of [0, 180 s]
  EXPECT_NEAR(pts[0].mean, 0.3, 1e-12);
  EXPECT_DOUBLE_EQ(pts[0].max, 0.9);
  EXPECT_DOUBLE_EQ(pts.back().t, (2499 * 60.0 + 2500 * 60.0) / 2);  // the last bucket holds one
  EXPECT_EQ(downsample(times, values, 5000).size(), 2500u);
}

// ---- The page ----

TEST(ReportHtml, EscapesScenarioStringsAndReferencesNoNetwork) {
  Fixture f(10, 2);
  f.scenario.name = "<script>alert('x')</script>&co";
  f.mailboxes[size_t(f.queue[0].mailbox)].id = "EX03/DB03/<b>0001</b>";
  f.attempt(0, 1, 0, 10 * kHour, MoveState::moved);
  SimEvent bad;
  bad.time = Seconds{kHour};
  bad.kind = EventKind::failure;
  bad.cause = EventCause::bad_items;
  bad.mailbox = "EX03/DB03/\"0002\" <bad item> & more";
  bad.bad_items = 3;
  bad.bad_item_limit = 2;
  f.rec.events.push_back(bad);
  f.rec.end_time = Seconds{20 * kHour};
  const std::string html = report_html(f.run());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>0001"), std::string::npos);
  EXPECT_EQ(html.find("<bad item>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;co"), std::string::npos);
  EXPECT_NE(html.find("EX03/DB03/&lt;b&gt;0001&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("EX03/DB03/&quot;0002&quot; &lt;bad item&gt; &amp; more: 3 unreadable items "
                      "exceed bad_item_limit 2"),
            std::string::npos);
  // Self-contained: no URL, no external resource of any kind.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(ReportHtml, SaysWhetherTheMigrationCompletedAndShowsNoMadeUpMailFlow) {
  Fixture f(2, 1);
  f.attempt(0, 1, 0, kHour, MoveState::moved);
  f.rec.end_time = Seconds{2 * kHour};
  const std::string partial = report_html(f.run());
  // The banner counts as the table below it does: moved, failed, not moved.
  EXPECT_NE(partial.find("NOT COMPLETED: 1 of 2 mailboxes moved, 0 failed, 1 not moved"),
            std::string::npos);
  EXPECT_NE(partial.find("No mail flow simulated"), std::string::npos);
  // Without `bottlenecks`' rows, the ranking is the in-run estimate's, and says so.
  EXPECT_EQ(partial.find("From <code>coexlab bottlenecks</code>"), std::string::npos);

  f.attempt(1, 1, kHour, 2 * kHour, MoveState::moved);
  const std::string complete = report_html(f.run());
  EXPECT_EQ(complete.find("NOT COMPLETED"), std::string::npos);
  EXPECT_NE(complete.find("COMPLETED: every mailbox moved"), std::string::npos);
  EXPECT_NE(complete.find("<b>2 h 00 min</b>"), std::string::npos);  // the duration
}

TEST(ReportHtml, ShowsMailLatencyPerPathAndTheHubQueues) {
  Fixture f(2, 1);
  f.attempt(0, 1, 0, kHour, MoveState::moved);
  f.rec.mail.simulated = true;
  f.rec.mail.mode = "per_message";
  // Weighted percentiles: 3 messages at 20 ms, 1 at 2 s on another path.
  f.rec.mail.mail = {
      {"2003->2003", 10, 0.020, 1}, {"2003->2003", 20, 0.020, 2}, {"2003<->2007", 30, 2.0, 1}};
  f.rec.mail.hubs = {{"EX07", 1, 0.5, 0.75, 0.25, 3}};
  const std::string html = report_html(f.run());
  EXPECT_EQ(html.find("No mail flow simulated"), std::string::npos);
  EXPECT_NE(html.find("4 messages delivered, simulated message by message"), std::string::npos);
  // path, messages, mean, p50, p95, max
  EXPECT_NE(html.find("<td>2003-&gt;2003</td><td class=\"n\">3</td><td class=\"n\">20 ms</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>all</td><td class=\"n\">4</td><td class=\"n\">515 ms</td><td "
                      "class=\"n\">20 ms</td><td class=\"n\">2.0 s</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>EX07</td><td class=\"n\">1</td><td class=\"n\">500 ms</td><td "
                      "class=\"n\">750 ms</td><td class=\"n\">0.25</td><td "
                      "class=\"n\">3.00</td>"),
            std::string::npos);
}

TEST(ReportHtml, RanksBottlenecksByGainWhenGiven) {
  Fixture f(2, 1);
  f.attempt(0, 1, 0, kHour, MoveState::moved);
  ReportOptions options;
  options.bottleneck_rows =
      std::vector<std::map<std::string, std::string>>{{{"factor", "EX03/cpu"},
                                                       {"change", "twice the clock"},
                                                       {"status", "ok"},
                                                       {"gain_s", "60"},
                                                       {"gain_fraction", "0.01"},
                                                       {"duration_s", "5940"}},
                                                      {{"factor", "EX03/<database_disk>"},
                                                       {"change", "twice the IOPS"},
                                                       {"status", "ok"},
                                                       {"gain_s", "1800"},
                                                       {"gain_fraction", "0.3"},
                                                       {"duration_s", "4200"}}};
  const std::string html = report_html(f.run(), options);
  const size_t ranking = html.find("Bottleneck ranking");
  ASSERT_NE(ranking, std::string::npos);
  const size_t disk = html.find("EX03/&lt;database_disk&gt;", ranking);
  const size_t cpu = html.find("EX03/cpu", ranking);
  ASSERT_NE(disk, std::string::npos);
  ASSERT_NE(cpu, std::string::npos);
  EXPECT_LT(disk, cpu);
}

TEST(ReportHtml, SaysWhichRankingItShowsAndTakesTheSimulatedOneInPlace) {
  Fixture f(2, 1);
  f.attempt(0, 1, 0, kHour, MoveState::moved);
  const std::string estimated = report_html(f.run());
  EXPECT_NE(estimated.find("<h2>Bottleneck ranking (estimated)</h2>"), std::string::npos);
  EXPECT_EQ(estimated.find("(simulated)"), std::string::npos);
  const std::string simulated = with_simulated_ranking(estimated, {{{"factor", "EX03/cpu"},
                                                                    {"change", "twice the clock"},
                                                                    {"status", "ok"},
                                                                    {"gain_s", "60"},
                                                                    {"gain_fraction", "0.01"},
                                                                    {"duration_s", "5940"}}});
  EXPECT_NE(simulated.find("<h2>Bottleneck ranking (simulated)</h2>"), std::string::npos);
  EXPECT_EQ(simulated.find("(estimated)"), std::string::npos);
  EXPECT_NE(simulated.find("<td>EX03/cpu</td><td>twice the clock</td>"), std::string::npos);
  // The rest of the page is untouched: everything before the section, and the tail after it.
  const size_t cut = estimated.find("<h2>Bottleneck ranking");
  EXPECT_EQ(simulated.substr(0, cut), estimated.substr(0, cut));
  const std::string tail = estimated.substr(estimated.find("<!-- /coexlab:ranking -->"));
  EXPECT_EQ(simulated.substr(simulated.size() - tail.size()), tail);
  EXPECT_EQ(with_simulated_ranking("<html>no ranking</html>", {}), "");
}

// A field-case-sized run: 50,000 attempts on 16 threads over about 30 days (~13 min each:
// under a pixel), a failure every 50th, six busy resources sampled every 5 min, one growing
// log space with dismounts, 1,000 failure events. The Gantt holds at most one element per
// pixel per row, every series at most 1,000 points and the tables are capped, so the page is
// bounded by the frame, not by the attempts: under 1 MB (about 370 kB here).
TEST(ReportHtml, FiftyThousandAttemptsGiveABoundedPage) {
  Fixture f(50000, 16);
  std::uint64_t lcg = 12345;
  const auto next = [&] {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(lcg >> 33) / double(1ULL << 31);
  };
  std::vector<double> clock(17, 0);
  for (int q = 0; q < 50000; ++q) {
    const int thread = 1 + q % 16;
    const double length = 200 + 1200 * next();
    const MoveState state = q % 50 == 7    ? MoveState::failed
                            : q % 211 == 3 ? MoveState::cancelled
                                           : MoveState::moved;
    f.attempt(q, thread, clock[size_t(thread)], clock[size_t(thread)] + length, state);
    clock[size_t(thread)] += length + 30;
  }
  const double end = *std::max_element(clock.begin(), clock.end());
  f.rec.end_time = Seconds{end};
  for (double t = 300; t <= end; t += 300) f.rec.sample_times.push_back(t);
  for (int r = 0; r < 6; ++r) {
    ResourceSeries s{
        "EX03/res" + std::to_string(r), ResourceKind::database_disk, "IOPS", 800.0, {}};
    for (size_t i = 0; i < f.rec.sample_times.size(); ++i) s.samples.push_back(0.3 + 0.6 * next());
    f.rec.resources.push_back(s);
  }
  ResourceSeries log{"EX07/log_space", ResourceKind::log_space, "B", 200e9, {}};
  for (size_t i = 0; i < f.rec.sample_times.size(); ++i)
    log.samples.push_back(double(i % 288) / 288);
  f.rec.resources.push_back(log);
  for (int i = 0; i < 1000; ++i) {
    SimEvent e;
    e.time = Seconds{double(i) * 100};
    if (i % 100 == 0) {
      e.kind = EventKind::dismount;
      e.cause = EventCause::log_disk_full;
      e.server = "EX07";
      e.resource = "EX07/log_space";
      e.used = e.capacity = Bytes{200e9};
    } else {
      e.kind = EventKind::failure;
      e.cause = EventCause::bad_items;
      e.mailbox = "EX03/DB03/mailbox";
      e.bad_items = 1;
    }
    f.rec.events.push_back(e);
  }
  ASSERT_EQ(f.rec.attempts.size(), 50000u);
  const std::string html = report_html(f.run());
  EXPECT_LT(html.size(), 1'000'000u)
      << "report.html of 50,000 attempts: " << html.size() << " bytes";
  EXPECT_NE(html.find("… and 800 more events"), std::string::npos);
  EXPECT_EQ(html.find("<title>EX03/DB03/"), std::string::npos);  // tooltips only for small runs
  // Every series chart: at most 1,000 points per polyline.
  for (size_t p = html.find("<polyline"); p != std::string::npos;
       p = html.find("<polyline", p + 1)) {
    const size_t e = html.find("/>", p);
    const auto points = std::count(html.begin() + long(p), html.begin() + long(e), ',');
    EXPECT_LE(points, 1000);
  }
}

}  // namespace
}  // namespace coexlab
