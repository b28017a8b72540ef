// Mailbox generation (ids, order, sizes per distribution, determinism per seed), batch
// selection (all / N / share = ceil) and the order of the move queue.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mailboxes.hpp"
#include "test_support.hpp"

using namespace coexlab;
using namespace coexlab::testing;

namespace {

// A validated scenario (errors fail the test; the partial scenario is returned anyway).
Scenario scenario(const std::string& text) {
  LoadResult r = load_checked(text);
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(r.scenario.has_value()) << dump(r.diagnostics);
  return r.scenario.value_or(Scenario{});
}

// The base scenario with DB03's mailboxes replaced.
std::string with_mailboxes(const std::string& mailboxes) {
  return replace_once(kBaseScenario, "mailboxes: { count: 10, size: 300 MB }",
                      "mailboxes: " + mailboxes);
}

// The base scenario with a second 2003 database DB03B (2 mailboxes) and the given batches.
std::string with_batches(const std::string& batches) {
  std::string text = replace_once(kBaseScenario, "        mailboxes: { count: 10, size: 300 MB }\n",
                                  "        mailboxes: { count: 10, size: 300 MB }\n"
                                  "      - { name: DB03B, mailboxes: { count: 2, size: 1 GB } }\n");
  return replace_once(text, "    - { name: wave1, from: EX03/DB03, to: EX07/DB07 }\n", batches);
}

struct Stats {
  double mean = 0, stddev = 0, median = 0, min = 0, max = 0;
};

Stats stats_of(const std::vector<Mailbox>& boxes) {
  Stats s;
  std::vector<double> v;
  for (const Mailbox& m : boxes) v.push_back(m.size.value);
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / double(v.size());
  double sq = 0;
  for (double x : v) sq += (x - s.mean) * (x - s.mean);
  s.stddev = std::sqrt(sq / double(v.size() - 1));
  std::sort(v.begin(), v.end());
  s.median = v[v.size() / 2];
  s.min = v.front();
  s.max = v.back();
  return s;
}

std::vector<double> sizes(const std::vector<Mailbox>& boxes) {
  std::vector<double> v;
  for (const Mailbox& m : boxes) v.push_back(m.size.value);
  return v;
}

}  // namespace

TEST(MailboxIds, ServerDatabaseAndAtLeastFourDigits) {
  EXPECT_EQ(mailbox_id("EX03-BE1", "SG1-DB1", 1), "EX03-BE1/SG1-DB1/0001");
  EXPECT_EQ(mailbox_id("S", "D", 42), "S/D/0042");
  EXPECT_EQ(mailbox_id("S", "D", 9999), "S/D/9999");
  EXPECT_EQ(mailbox_id("S", "D", 12345), "S/D/12345");
  EXPECT_EQ(mailbox_id("S", "D", 1000000), "S/D/1000000");
}

TEST(MailboxGeneration, FileOrderServerDatabaseIndex) {
  std::string text = replace_once(kBaseScenario, "        mailboxes: { count: 10, size: 300 MB }\n",
                                  "        mailboxes: { count: 3, size: 300 MB }\n"
                                  "      - { name: DB03B, mailboxes: { count: 2, size: 1 GB } }\n");
  text = replace_once(text, "migration:\n",
                      server_yaml("EX03-2", "2003", "HQ", "mailbox") +
                          "    databases:\n      - { name: X, mailboxes: { count: 1, size: 1 MB,"
                          " profile: heavy } }\nmigration:\n");
  const Scenario s = scenario(text);
  const std::vector<Mailbox> all = generate_mailboxes(s);
  std::vector<std::string> ids;
  for (const Mailbox& m : all) ids.push_back(m.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"EX03/DB03/0001", "EX03/DB03/0002", "EX03/DB03/0003",
                                           "EX03/DB03B/0001", "EX03/DB03B/0002", "EX03-2/X/0001"}));
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[3].server, 0);
  EXPECT_EQ(all[3].database, 1);
  EXPECT_EQ(all[5].server, 2);  // EX07 (index 1) holds none
  EXPECT_EQ(all[5].database, 0);
  EXPECT_EQ(all[0].profile, "average");
  EXPECT_EQ(all[5].profile, "heavy");
  // One database alone gives the same mailboxes as its slice of the whole.
  const std::vector<Mailbox> db = generate_database_mailboxes(s, 0, 1);
  ASSERT_EQ(db.size(), 2u);
  EXPECT_EQ(db[1].id, "EX03/DB03B/0002");
  EXPECT_EQ(db[1].size, all[4].size);
}

TEST(MailboxGeneration, FixedSizesAndItemCounts) {
  const auto all = generate_mailboxes(scenario(with_mailboxes("{ count: 10, size: 300 MB }")));
  ASSERT_EQ(all.size(), 10u);
  for (const Mailbox& m : all) {
    EXPECT_DOUBLE_EQ(m.size.value, 300e6);
    EXPECT_EQ(m.items, 7500);  // 300 MB x 25 items per MB
  }
  const auto ten =
      generate_mailboxes(scenario(with_mailboxes("{ count: 1, size: 2 GiB, items_per_mb: 10 }")));
  // 2 GiB = 2147.483648 MB, x 10 = 21474.8 -> 21475 items
  EXPECT_EQ(ten[0].items, 21475);
  EXPECT_DOUBLE_EQ(ten[0].size.value, 2147483648.0);
  // A tiny mailbox still has one item.
  const auto tiny = generate_mailboxes(scenario(with_mailboxes("{ count: 1, size: 10 KB }")));
  EXPECT_EQ(tiny[0].items, 1);
  // An empty database generates nothing.
  EXPECT_TRUE(generate_database_mailboxes(scenario(kBaseScenario), 1, 0).empty());
}

TEST(MailboxGeneration, UniformSizesStayInRange) {
  const auto all = generate_mailboxes(scenario(
      with_mailboxes("{ count: 20000, size: { distribution: uniform, min: 50 MB, max: 2 GB } }")));
  ASSERT_EQ(all.size(), 20000u);
  const Stats s = stats_of(all);
  EXPECT_GE(s.min, 50e6);
  EXPECT_LE(s.max, 2e9);
  // Mean (50 MB + 2 GB) / 2 = 1025 MB; standard error ~ 563 MB / sqrt(20000) = 4 MB.
  EXPECT_NEAR(s.mean, 1025e6, 0.02 * 1025e6);
  // Standard deviation (2 GB - 50 MB) / sqrt(12) = 562.9 MB.
  EXPECT_NEAR(s.stddev, 562.9e6, 0.03 * 562.9e6);
  // Sizes are whole bytes.
  for (const Mailbox& m : all) EXPECT_EQ(m.size.value, std::round(m.size.value));
}

TEST(MailboxGeneration, LognormalMatchesTheGivenMeanAndStddev) {
  const auto all = generate_mailboxes(scenario(with_mailboxes(
      "{ count: 100000, size: { distribution: lognormal, mean: 300 MB, stddev: 250 MB } }")));
  ASSERT_EQ(all.size(), 100000u);
  const Stats s = stats_of(all);
  // Mean and stddev are those of the sizes (not of their logarithm).
  EXPECT_NEAR(s.mean, 300e6, 0.02 * 300e6);
  EXPECT_NEAR(s.stddev, 250e6, 0.05 * 250e6);
  // Lognormal, not normal with those moments: all positive and the median is
  // mean / sqrt(1 + (stddev/mean)^2) = 300 / sqrt(1.6944) = 230.5 MB.
  EXPECT_GT(s.min, 0);
  EXPECT_NEAR(s.median, 230.5e6, 0.03 * 230.5e6);
}

TEST(MailboxGeneration, DeterministicPerSeedAndPerDatabase) {
  const std::string text = with_batches("    - { name: w, from: EX03/DB03B, to: EX07/DB07 }\n");
  const std::string logn = replace_once(
      text, "mailboxes: { count: 10, size: 300 MB }",
      "mailboxes: { count: 50, size: { distribution: lognormal, mean: 300 MB, stddev: 250 MB } }");
  const std::string seeded = replace_once(logn, "start:", "seed: 7\nstart:");
  const auto a = sizes(generate_mailboxes(scenario(seeded)));
  const auto b = sizes(generate_mailboxes(scenario(seeded)));
  EXPECT_EQ(a, b);  // bit for bit
  // Another seed, other sizes.
  const auto c =
      sizes(generate_mailboxes(scenario(replace_once(logn, "start:", "seed: 8\nstart:"))));
  ASSERT_EQ(c.size(), a.size());
  EXPECT_NE(a, c);
  // --seed beats the file and gives the same as the file's seed.
  LoadOptions o;
  o.seed = 7;
  LoadResult r = load_scenario_text(logn, "test.yaml", o);
  ASSERT_TRUE(r.scenario.has_value());
  EXPECT_EQ(sizes(generate_mailboxes(*r.scenario)), a);
  // Each database draws from its own stream: changing DB03B leaves DB03 alone.
  const auto d = sizes(generate_mailboxes(scenario(
      replace_once(seeded, "{ count: 2, size: 1 GB }",
                   "{ count: 7, size: { distribution: uniform, min: 1 MB, max: 2 MB } }"))));
  ASSERT_EQ(d.size(), 57u);
  EXPECT_EQ(std::vector<double>(d.begin(), d.begin() + 50),
            std::vector<double>(a.begin(), a.begin() + 50));
}

TEST(BatchSelection, AllCountAndShareRoundUp) {
  BatchSelection all;
  EXPECT_EQ(batch_take(all, 1200), 1200);
  EXPECT_EQ(batch_take(all, 0), 0);
  BatchSelection n{BatchSelection::Kind::count, 5, Fraction{1}};
  EXPECT_EQ(batch_take(n, 10), 5);
  EXPECT_EQ(batch_take(n, 3), 3);  // never more than the database holds
  const auto share = [](double f, std::int64_t count) {
    return batch_take(BatchSelection{BatchSelection::Kind::share, 0, Fraction{f}}, count);
  };
  EXPECT_EQ(share(0.4, 10), 4);  // 0.4 x 10 = 4.000000000000001 in doubles: still 4
  EXPECT_EQ(share(0.4, 11), 5);  // ceil(4.4)
  EXPECT_EQ(share(0.4, 1200), 480);
  EXPECT_EQ(share(0.01, 1), 1);  // ceil(0.01)
  EXPECT_EQ(share(0.3, 10), 3);  // 0.3 x 10 = 3.0000000000000004
  EXPECT_EQ(share(0.7, 10), 7);  // 0.7 x 10 = 7.000000000000001
  EXPECT_EQ(share(1.0 / 3, 3), 1);
  EXPECT_EQ(share(1.0, 7), 7);
  EXPECT_EQ(share(0.4, 0), 0);
}

TEST(MoveQueue, BatchesInFileOrderMailboxesInGenerationOrder) {
  // DB03B's batch comes first in the file: the queue follows the batches, not generation.
  const Scenario s = scenario(with_batches(
      "    - { name: first, from: EX03/DB03B, to: EX07/DB07, not_before: 2007-06-02T20:00 }\n"
      "    - { name: second, from: EX03/DB03, to: EX07/DB07, mailboxes: 40 % }\n"));
  const auto boxes = generate_mailboxes(s);
  const auto queue = build_move_queue(s, boxes);
  std::vector<std::string> ids;
  for (const MoveRequest& r : queue) ids.push_back(boxes[size_t(r.mailbox)].id);
  // 40 % of 10 is the first 4.
  EXPECT_EQ(ids, (std::vector<std::string>{"EX03/DB03B/0001", "EX03/DB03B/0002", "EX03/DB03/0001",
                                           "EX03/DB03/0002", "EX03/DB03/0003", "EX03/DB03/0004"}));
  ASSERT_EQ(queue.size(), 6u);
  for (size_t i = 0; i < queue.size(); ++i) EXPECT_EQ(queue[i].queue_index, int(i));
  EXPECT_EQ(queue[0].batch, 0);
  EXPECT_EQ(queue[2].batch, 1);
  EXPECT_EQ(queue[0].source_server, 0);
  EXPECT_EQ(queue[0].source_database, 1);
  EXPECT_EQ(queue[2].source_database, 0);
  EXPECT_EQ(queue[0].target_server, 1);
  EXPECT_EQ(queue[0].target_database, 0);
  EXPECT_DOUBLE_EQ(queue[0].not_before.value, 86400);  // a day after the start
  EXPECT_DOUBLE_EQ(queue[2].not_before.value, 0);
}

TEST(MoveQueue, CountsAndAllFromSeveralDatabases) {
  const Scenario s = scenario(
      with_batches("    - { name: a, from: EX03/DB03, to: EX07/DB07, mailboxes: 3 }\n"
                   "    - { name: b, from: EX03/DB03B, to: EX07/DB07, mailboxes: all }\n"));
  const auto boxes = generate_mailboxes(s);
  const auto queue = build_move_queue(s, boxes);
  ASSERT_EQ(queue.size(), 5u);
  EXPECT_EQ(boxes[size_t(queue[2].mailbox)].id, "EX03/DB03/0003");
  EXPECT_EQ(boxes[size_t(queue[3].mailbox)].id, "EX03/DB03B/0001");
  EXPECT_EQ(boxes[size_t(queue[4].mailbox)].id, "EX03/DB03B/0002");
}

// migration.order_seed: one uniformly random order of the whole queue, drawn from the order
// seed alone; the requests themselves (batch, databases, not_before) are unchanged.
TEST(MoveQueue, AnOrderSeedShufflesTheWholeQueueReproducibly) {
  const std::string batches =
      "    - { name: first, from: EX03/DB03B, to: EX07/DB07, not_before: 2007-06-02T20:00 }\n"
      "    - { name: second, from: EX03/DB03, to: EX07/DB07 }\n";
  const Scenario plain = scenario(with_batches(batches));
  const auto boxes = generate_mailboxes(plain);
  const auto written = build_move_queue(plain, boxes);
  const auto shuffled = [&](int seed) {
    Scenario s = plain;
    s.migration.order_seed = seed;
    return build_move_queue(s, boxes);
  };
  const auto a = shuffled(7), again = shuffled(7), other = shuffled(8);
  ASSERT_EQ(a.size(), written.size());
  std::vector<int> order_a, order_again, order_other;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].queue_index, int(i));  // ties break on the new order
    order_a.push_back(a[i].mailbox);
    order_again.push_back(again[i].mailbox);
    order_other.push_back(other[i].mailbox);
    // The request is the one the batches made for that mailbox.
    const auto same_it = std::find_if(written.begin(), written.end(), [&](const MoveRequest& r) {
      return r.mailbox == a[i].mailbox;
    });
    ASSERT_NE(same_it, written.end());
    const MoveRequest& same = *same_it;
    EXPECT_EQ(a[i].batch, same.batch);
    EXPECT_EQ(a[i].source_database, same.source_database);
    EXPECT_EQ(a[i].not_before.value, same.not_before.value);
  }
  EXPECT_EQ(order_a, order_again);
  EXPECT_NE(order_a, order_other);
  std::vector<int> sorted = order_a, identity;
  std::sort(sorted.begin(), sorted.end());
  for (const MoveRequest& r : written) identity.push_back(r.mailbox);
  std::sort(identity.begin(), identity.end());
  EXPECT_EQ(sorted, identity);  // a permutation
  // The scenario's own seed plays no part.
  Scenario reseeded = plain;
  reseeded.seed += 1;
  reseeded.migration.order_seed = 7;
  std::vector<int> order_reseeded;
  for (const MoveRequest& r : build_move_queue(reseeded, boxes))
    order_reseeded.push_back(r.mailbox);
  EXPECT_EQ(order_reseeded, order_a);
}
