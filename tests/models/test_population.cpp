// The users' population (models/population.hpp): where they live, who is offline for a move,
// what each group asks per day, and where a recipient is drawn from.
#include "population.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "calibration.hpp"
#include "test_support.hpp"

namespace coexlab {
namespace {

// Two sites: HQ with a 2003 server of two databases (4 and 2 users) and a 2007 target,
// BR with a 2003 server of one database (3 users, profile `busy`).
std::string two_sites(const std::string& recipients) {
  const std::string hw =
      "    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: "
      "800 },\n                log_disk: { throughput: 60 MB/s, capacity: 100 GiB } }\n";
  return fmt::format(R"(scenario: population
start: 2007-06-04T09:00
sites: [ {{ name: HQ }}, {{ name: BR }} ]
links:
  - {{ between: [HQ, BR], bandwidth: 10 Mbps, latency: 5 ms }}
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
{hw}    databases:
      - {{ name: A, mailboxes: {{ count: 4, size: 10 MB }} }}
      - {{ name: B, mailboxes: {{ count: 2, size: 10 MB }} }}
  - name: EX03B
    version: 2003
    site: BR
    roles: [mailbox]
{hw}    databases:
      - {{ name: C, mailboxes: {{ count: 3, size: 10 MB, profile: busy }} }}
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
{hw}    databases:
      - name: N
workload:
  profiles:
    - {{ name: busy, sent_per_day: 100, received_per_day: 100, message_size: 50 KB }}
  recipients: {recipients}
migration:
  mover: EX07
  batches:
    - {{ name: w1, from: EX03/A, to: EX07/N }}
)",
                     fmt::arg("hw", hw), fmt::arg("recipients", recipients));
}

const char* const kMix =
    "{ same_database: 20 %, same_site: 50 %, other_site: 20 %, internet: 10 % }";

struct Fixture {
  explicit Fixture(const std::string& recipients = kMix)
      : loaded(testing::load_checked(two_sites(recipients))),
        s(*loaded.scenario),
        cost(CostModel::from(s.calibration)),
        mailboxes(generate_mailboxes(s)),
        users(s, cost, mailboxes) {}
  LoadResult loaded;
  const Scenario& s;
  CostModel cost;
  std::vector<Mailbox> mailboxes;
  UserPopulation users;
};

double users_on(const UserPopulation& p, int server) {
  double n = 0;
  for (const auto& [key, g] : p.groups()) n += key.first == server ? g.users : 0;
  return n;
}

TEST(Population, AddThenRemoveIsZero) {
  UserDemand d;
  d.sent = 30;
  d.internet_in = 10;
  d.message_size = Bytes{1000};
  d.client_bytes = Bytes{4000};
  Population p;
  p.add(d, +1);
  EXPECT_DOUBLE_EQ(p.users, 1);
  EXPECT_DOUBLE_EQ(p.sent_bytes, 30000);
  EXPECT_DOUBLE_EQ(p.in_bytes, 10000);
  // 30 of 40 messages are sent, but at most half of the client bytes go up.
  EXPECT_DOUBLE_EQ(p.client_bytes_sent, 2000);
  p.add(d, -1);
  EXPECT_DOUBLE_EQ(p.users, 0);
  EXPECT_DOUBLE_EQ(p.sent, 0);
  EXPECT_DOUBLE_EQ(p.client_bytes_sent, 0);
}

TEST(Population, MoveCountDropsEmptyServers) {
  ServerCounts where{{0, 1}, {1, 2}};
  move_count(where, 0, 1);
  EXPECT_EQ(where, (ServerCounts{{1, 3}}));
  move_count(where, 1, 2);
  EXPECT_EQ(where, (ServerCounts{{1, 2}, {2, 1}}));
}

TEST(Population, DrawServerInProportion) {
  const ServerCounts where{{3, 1}, {5, 3}};
  EXPECT_EQ(draw_server(where, 0.0), 3);
  EXPECT_EQ(draw_server(where, 0.24), 3);
  EXPECT_EQ(draw_server(where, 0.26), 5);
  EXPECT_EQ(draw_server(where, 0.999), 5);
  EXPECT_EQ(draw_server({}, 0.5), -1);
}

TEST(Population, OtherSitesWhereSubtractsOwn) {
  const ServerCounts all{{0, 6}, {1, 3}, {2, 1}};
  EXPECT_EQ(other_sites_where(all, {{0, 6}, {2, 1}}), (ServerCounts{{1, 3}}));
  // Nobody elsewhere: mail stays in the site.
  EXPECT_EQ(other_sites_where({{0, 2}}, {{0, 2}}), (ServerCounts{{0, 2}}));
}

TEST(Population, PlacesUsersByDatabaseAndSite) {
  Fixture f;
  ASSERT_EQ(f.mailboxes.size(), 9u);
  EXPECT_DOUBLE_EQ(users_on(f.users, 0), 6);
  EXPECT_DOUBLE_EQ(users_on(f.users, 1), 3);
  EXPECT_DOUBLE_EQ(users_on(f.users, 2), 0);
  // Global databases: EX03/A = 0, EX03/B = 1, EX03B/C = 2, EX07/N = 3.
  EXPECT_EQ(f.users.database_site(0), 0);
  EXPECT_EQ(f.users.database_site(2), 1);
  EXPECT_EQ(f.users.database_where(1), (ServerCounts{{0, 2}}));
  EXPECT_EQ(f.users.site_where(0), (ServerCounts{{0, 6}}));
  EXPECT_EQ(f.users.other_sites_where(0), (ServerCounts{{1, 3}}));
  EXPECT_EQ(f.users.user_sites()[8], 1);
  // The busy profile sends 100 a day each.
  EXPECT_DOUBLE_EQ(f.users.groups().at({1, 2}).sent, 300);
}

TEST(Population, MoveTakesUserOfflineThenRehomesIt) {
  Fixture f;
  const double before = f.users.groups().at({0, 0}).sent;
  f.users.move_started(0, 42.0);
  EXPECT_TRUE(f.users.moving(0));
  EXPECT_EQ(f.users.moving_list(), std::vector<int>{0});
  EXPECT_DOUBLE_EQ(f.users.move_start(0), 42.0);
  EXPECT_DOUBLE_EQ(users_on(f.users, 0), 5);
  EXPECT_LT(f.users.groups().at({0, 0}).sent, before);
  f.users.move_ended(0, 2);
  EXPECT_FALSE(f.users.moving(0));
  EXPECT_TRUE(f.users.moving_list().empty());
  EXPECT_EQ(f.users.home_server(0), 2);
  EXPECT_EQ(f.users.original_database(0), 0);
  EXPECT_DOUBLE_EQ(users_on(f.users, 2), 1);
  EXPECT_EQ(f.users.database_where(0), (ServerCounts{{0, 3}, {2, 1}}));
  EXPECT_EQ(f.users.site_where(0), (ServerCounts{{0, 5}, {2, 1}}));
  // A failed move leaves the user where it was.
  f.users.move_started(1, 50.0);
  f.users.move_ended(1, 0);
  EXPECT_EQ(f.users.database_where(0), (ServerCounts{{0, 3}, {2, 1}}));
  EXPECT_DOUBLE_EQ(users_on(f.users, 0), 5);
}

TEST(Population, RecipientSets) {
  Fixture f;
  using Kind = UserPopulation::RecipientSet::Kind;
  EXPECT_TRUE(f.users.in_set(0, {Kind::database, 0}));
  EXPECT_FALSE(f.users.in_set(4, {Kind::database, 0}));
  EXPECT_TRUE(f.users.in_set(4, {Kind::site, 0}));
  EXPECT_TRUE(f.users.in_set(8, {Kind::other_sites, 0}));
  EXPECT_EQ(f.users.other_sites_set(0).kind, Kind::other_sites);
}

TEST(Population, DrawRecipientFollowsTheMix) {
  Fixture f("{ same_database: 0 %, same_site: 0 %, other_site: 100 %, internet: 0 % }");
  RandomStream rng(7, "test");
  for (int i = 0; i < 50; ++i) {
    const auto r = f.users.draw_recipient(0, f.s.workload.recipients, rng);
    EXPECT_EQ(r.server, 1);  // BR's users live on EX03B
    EXPECT_EQ(r.moving, -1);
  }
  Fixture internet("{ same_database: 0 %, same_site: 0 %, other_site: 0 %, internet: 100 % }");
  EXPECT_EQ(internet.users.draw_recipient(0, internet.s.workload.recipients, rng).server, -1);
}

TEST(Population, DrawRecipientFindsUsersBeingMoved) {
  Fixture f("{ same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }");
  // Database B has two users; both are being moved: every recipient is one of them.
  f.users.move_started(4, 0);
  f.users.move_started(5, 0);
  RandomStream rng(3, "test");
  int seen4 = 0, seen5 = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = f.users.draw_recipient(1, f.s.workload.recipients, rng);
    ASSERT_TRUE(r.moving == 4 || r.moving == 5) << r.moving;
    EXPECT_EQ(r.server, 0);
    (r.moving == 4 ? seen4 : seen5) += 1;
  }
  EXPECT_GT(seen4, 0);
  EXPECT_GT(seen5, 0);
}

}  // namespace
}  // namespace coexlab
