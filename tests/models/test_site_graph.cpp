// Routes between sites on small graphs checked by hand (least cost, ties, disconnected
// parts), and the servers a message crosses per SPEC §1 (RPC vs SMTP, coexistence
// connectors), including the London -> Dallas -> London hairpin.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "site_graph.hpp"

using namespace coexlab;

namespace {

struct L {
  std::string a, b;
  double cost;
  double latency_ms;
};

Scenario sites_and_links(const std::vector<std::string>& sites, const std::vector<L>& links) {
  Scenario s;
  for (const std::string& n : sites) s.sites.push_back(Site{n, Lan{}, Seconds{0}, SourcePos{}});
  for (const L& l : links) {
    Link link;
    link.name = l.a + "-" + l.b;
    link.site_a = l.a;
    link.site_b = l.b;
    link.bandwidth = BytesPerSecond{1e6};
    link.latency = Seconds{l.latency_ms / 1000};
    link.cost = l.cost;
    s.links.push_back(link);
  }
  return s;
}

void add_server(Scenario& s, const std::string& name, ExchangeVersion v, const std::string& site,
                std::vector<Role> roles, const std::string& routing_group = "") {
  Server sv;
  sv.name = name;
  sv.version = v;
  sv.site = site;
  sv.roles = std::move(roles);
  if (v == ExchangeVersion::v2003) sv.routing_group = routing_group.empty() ? site : routing_group;
  s.servers.push_back(std::move(sv));
}

void add_connector(Scenario& s, const std::string& a, const std::string& b, double cost = 10) {
  RoutingGroupConnector c;
  c.server_a = a;
  c.server_b = b;
  c.cost = cost;
  s.connectors.routing_group.push_back(c);
}

constexpr auto k2003 = ExchangeVersion::v2003;
constexpr auto k2007 = ExchangeVersion::v2007;

// A path as "FROM>TO/rpc" or "FROM>TO/smtp" items, for readable expectations.
std::vector<std::string> describe(const Scenario& s, const std::vector<MailHop>& hops) {
  std::vector<std::string> out;
  for (const MailHop& h : hops) {
    out.push_back(s.servers[size_t(h.from_server)].name + ">" +
                  s.servers[size_t(h.to_server)].name + (h.rpc ? "/rpc" : "/smtp"));
  }
  return out;
}

std::vector<std::string> mail(const Scenario& s, const std::string& from, const std::string& to) {
  const SiteGraph g(s);
  const MailRouter r(s, g);
  return describe(s, r.path(s.server_index(from), s.server_index(to)));
}

using Strings = std::vector<std::string>;
using Ints = std::vector<int>;

}  // namespace

// ---- routes between sites -------------------------------------------------------------------

TEST(SiteRoutes, CheapestPathThroughAMiddleSite) {
  // A -100- B -100- C, and a direct A -300- C: via B costs 200.
  const Scenario s = sites_and_links(
      {"A", "B", "C"}, {{"A", "B", 100, 10}, {"B", "C", 100, 20}, {"A", "C", 300, 5}});
  const SiteGraph g(s);
  const auto& r = g.route(0, 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->sites, (Ints{0, 1, 2}));
  EXPECT_EQ(r->links, (Ints{0, 1}));
  EXPECT_DOUBLE_EQ(r->cost, 200);
  EXPECT_NEAR(r->latency.value, 0.030, 1e-12);  // 10 ms + 20 ms, one way
  // And back, the same links in reverse.
  const auto& back = g.route(2, 0);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->sites, (Ints{2, 1, 0}));
  EXPECT_EQ(back->links, (Ints{1, 0}));
}

TEST(SiteRoutes, DirectLinkWhenCheaper) {
  const Scenario s = sites_and_links(
      {"A", "B", "C"}, {{"A", "B", 100, 10}, {"B", "C", 100, 20}, {"A", "C", 150, 5}});
  const SiteGraph g(s);
  const auto& r = g.route(0, 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->links, (Ints{2}));
  EXPECT_DOUBLE_EQ(r->cost, 150);
  EXPECT_NEAR(r->latency.value, 0.005, 1e-12);
}

TEST(SiteRoutes, EqualCostFewerHopsWins) {
  // Via B costs 200, direct costs 200: the direct link has fewer hops.
  const Scenario s = sites_and_links(
      {"A", "B", "C"}, {{"A", "B", 100, 10}, {"B", "C", 100, 10}, {"A", "C", 200, 90}});
  const SiteGraph g(s);
  EXPECT_EQ(g.route(0, 2)->links, (Ints{2}));
  EXPECT_EQ(g.route(2, 0)->links, (Ints{2}));
  EXPECT_DOUBLE_EQ(g.route(0, 2)->cost, 200);
}

TEST(SiteRoutes, EqualCostEqualHopsTakesTheLowerLinkIndices) {
  // A square: A-B-D and A-C-D both cost 200 in two hops; the route over the links listed
  // first wins, whichever order the sites come in, and the way back is the same route.
  const Scenario bc = sites_and_links(
      {"A", "B", "C", "D"},
      {{"A", "B", 100, 1}, {"B", "D", 100, 1}, {"A", "C", 100, 1}, {"C", "D", 100, 1}});
  const SiteGraph g1(bc);
  ASSERT_TRUE(g1.route(0, 3).has_value());
  EXPECT_EQ(g1.route(0, 3)->sites, (Ints{0, 1, 3}));
  EXPECT_EQ(g1.route(0, 3)->links, (Ints{0, 1}));
  EXPECT_EQ(g1.route(3, 0)->links, (Ints{1, 0}));
  EXPECT_DOUBLE_EQ(g1.route(0, 3)->cost, 200);
  const Scenario cb = sites_and_links(
      {"A", "B", "C", "D"},
      {{"A", "C", 100, 1}, {"C", "D", 100, 1}, {"A", "B", 100, 1}, {"B", "D", 100, 1}});
  const SiteGraph g2(cb);
  EXPECT_EQ(g2.route(0, 3)->sites, (Ints{0, 2, 3}));
  EXPECT_EQ(g2.route(0, 3)->links, (Ints{0, 1}));
  EXPECT_EQ(g2.route(3, 0)->links, (Ints{1, 0}));
}

TEST(SiteRoutes, ParallelLinksTakeTheCheapestThenTheFirst) {
  const Scenario cheap = sites_and_links({"A", "B"}, {{"A", "B", 100, 1}, {"B", "A", 50, 2}});
  EXPECT_EQ(SiteGraph(cheap).route(0, 1)->links, (Ints{1}));
  EXPECT_DOUBLE_EQ(SiteGraph(cheap).route(0, 1)->cost, 50);
  const Scenario tie = sites_and_links({"A", "B"}, {{"A", "B", 100, 1}, {"A", "B", 100, 2}});
  EXPECT_EQ(SiteGraph(tie).route(0, 1)->links, (Ints{0}));
  EXPECT_EQ(SiteGraph(tie).route(1, 0)->links, (Ints{0}));
}

TEST(SiteRoutes, ToItself) {
  const Scenario s = sites_and_links({"A", "B"}, {{"A", "B", 100, 1}});
  const SiteGraph g(s);
  const auto& r = g.route(1, 1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->sites, (Ints{1}));
  EXPECT_TRUE(r->links.empty());
  EXPECT_DOUBLE_EQ(r->cost, 0);
  EXPECT_DOUBLE_EQ(r->latency.value, 0);
}

TEST(SiteRoutes, DisconnectedComponents) {
  const Scenario s =
      sites_and_links({"A", "B", "C", "D", "E"}, {{"A", "B", 100, 1}, {"D", "E", 100, 1}});
  const SiteGraph g(s);
  EXPECT_TRUE(g.route(0, 1).has_value());
  EXPECT_FALSE(g.route(0, 2).has_value());
  EXPECT_FALSE(g.route(0, 4).has_value());
  EXPECT_FALSE(g.route(4, 1).has_value());
  EXPECT_TRUE(g.route(4, 3).has_value());
  EXPECT_EQ(g.components(), (std::vector<Ints>{{0, 1}, {2}, {3, 4}}));
  EXPECT_EQ(SiteGraph(sites_and_links({"A"}, {})).components(), (std::vector<Ints>{{0}}));
  EXPECT_EQ(SiteGraph(sites_and_links({"A", "B"}, {{"A", "B", 1, 1}})).components(),
            (std::vector<Ints>{{0, 1}}));
}

TEST(SiteRoutes, LinkToAnUnknownSiteIsIgnored) {
  // Reported by the rules; the graph leaves it out and keeps link indices aligned.
  const Scenario s = sites_and_links({"A", "B"}, {{"A", "Nowhere", 1, 1}, {"A", "B", 100, 7}});
  const SiteGraph g(s);
  ASSERT_TRUE(g.route(0, 1).has_value());
  EXPECT_EQ(g.route(0, 1)->links, (Ints{1}));
  EXPECT_NEAR(g.route(0, 1)->latency.value, 0.007, 1e-12);
}

// ---- message paths (SPEC §1) ----------------------------------------------------------------

TEST(MailPaths, Exchange2003SameServerIsLocalDelivery) {
  Scenario s = sites_and_links({"HQ"}, {});
  add_server(s, "BE", k2003, "HQ", {Role::mailbox, Role::bridgehead});
  EXPECT_TRUE(mail(s, "BE", "BE").empty());
}

TEST(MailPaths, Exchange2003SameRoutingGroupIsOneSmtpHop) {
  Scenario s = sites_and_links({"HQ"}, {});
  add_server(s, "BE1", k2003, "HQ", {Role::mailbox});
  add_server(s, "BE2", k2003, "HQ", {Role::mailbox, Role::bridgehead});
  EXPECT_EQ(mail(s, "BE1", "BE2"), (Strings{"BE1>BE2/smtp"}));
}

TEST(MailPaths, Exchange2003AcrossRoutingGroupsThroughBridgeheads) {
  Scenario s = sites_and_links({"HQ", "BR"}, {{"HQ", "BR", 100, 30}});
  add_server(s, "HQ-BE", k2003, "HQ", {Role::mailbox});
  add_server(s, "HQ-BH", k2003, "HQ", {Role::bridgehead});
  add_server(s, "BR-BH", k2003, "BR", {Role::bridgehead});
  add_server(s, "BR-BE", k2003, "BR", {Role::mailbox});
  add_connector(s, "HQ-BH", "BR-BH");
  EXPECT_EQ(mail(s, "HQ-BE", "BR-BE"),
            (Strings{"HQ-BE>HQ-BH/smtp", "HQ-BH>BR-BH/smtp", "BR-BH>BR-BE/smtp"}));
  EXPECT_EQ(mail(s, "BR-BE", "HQ-BE"),
            (Strings{"BR-BE>BR-BH/smtp", "BR-BH>HQ-BH/smtp", "HQ-BH>HQ-BE/smtp"}));
  // Without the connector the groups cannot exchange mail.
  s.connectors.routing_group.clear();
  EXPECT_TRUE(mail(s, "HQ-BE", "BR-BE").empty());
}

TEST(MailPaths, Exchange2007SameServerGoesThroughAHubOverRpc) {
  Scenario s = sites_and_links({"HQ"}, {});
  add_server(s, "MBX", k2007, "HQ", {Role::mailbox});
  add_server(s, "HUB", k2007, "HQ", {Role::hub_transport, Role::client_access});
  EXPECT_EQ(mail(s, "MBX", "MBX"), (Strings{"MBX>HUB/rpc", "HUB>MBX/rpc"}));
}

TEST(MailPaths, Exchange2007ThreeRoleBoxStillUsesItsStoreDriver) {
  Scenario s = sites_and_links({"HQ"}, {});
  add_server(s, "EX07", k2007, "HQ", {Role::mailbox, Role::hub_transport, Role::client_access});
  EXPECT_EQ(mail(s, "EX07", "EX07"), (Strings{"EX07>EX07/rpc", "EX07>EX07/rpc"}));
}

TEST(MailPaths, Exchange2007AcrossSitesHubToHub) {
  Scenario s = sites_and_links({"HQ", "BR"}, {{"HQ", "BR", 100, 30}});
  add_server(s, "HQ-MBX", k2007, "HQ", {Role::mailbox});
  add_server(s, "HQ-HUB", k2007, "HQ", {Role::hub_transport, Role::client_access});
  add_server(s, "BR-ALL", k2007, "BR", {Role::mailbox, Role::hub_transport, Role::client_access});
  EXPECT_EQ(mail(s, "HQ-MBX", "BR-ALL"),
            (Strings{"HQ-MBX>HQ-HUB/rpc", "HQ-HUB>BR-ALL/smtp", "BR-ALL>BR-ALL/rpc"}));
  EXPECT_EQ(mail(s, "BR-ALL", "HQ-MBX"),
            (Strings{"BR-ALL>BR-ALL/rpc", "BR-ALL>HQ-HUB/smtp", "HQ-HUB>HQ-MBX/rpc"}));
  const SiteGraph g(s);
  const MailRouter r(s, g);
  EXPECT_EQ(r.hub_in_site(0), 1);
  EXPECT_EQ(r.hub_in_site(1), 2);
}

namespace {

// HQ: a 2003 back-end and bridgehead, a 2007 mailbox server and hub; a coexistence connector
// between the bridgehead and the hub. Branch: one 2007 three-role box.
Scenario coexistence() {
  Scenario s = sites_and_links({"HQ", "BR"}, {{"HQ", "BR", 100, 30}});
  add_server(s, "BE", k2003, "HQ", {Role::mailbox});
  add_server(s, "BH", k2003, "HQ", {Role::bridgehead});
  add_server(s, "MBX07", k2007, "HQ", {Role::mailbox});
  add_server(s, "HUB07", k2007, "HQ", {Role::hub_transport, Role::client_access});
  add_server(s, "BR07", k2007, "BR", {Role::mailbox, Role::hub_transport, Role::client_access});
  add_connector(s, "BH", "HUB07");
  return s;
}

}  // namespace

TEST(MailPaths, From2003To2007ThroughTheCoexistenceConnector) {
  const Scenario s = coexistence();
  EXPECT_EQ(mail(s, "BE", "MBX07"), (Strings{"BE>BH/smtp", "BH>HUB07/smtp", "HUB07>MBX07/rpc"}));
  // To another site: on from the connector's hub to a hub of the recipient's site.
  EXPECT_EQ(mail(s, "BE", "BR07"),
            (Strings{"BE>BH/smtp", "BH>HUB07/smtp", "HUB07>BR07/smtp", "BR07>BR07/rpc"}));
}

TEST(MailPaths, From2007To2003ThroughTheCoexistenceConnector) {
  const Scenario s = coexistence();
  EXPECT_EQ(mail(s, "MBX07", "BE"), (Strings{"MBX07>HUB07/rpc", "HUB07>BH/smtp", "BH>BE/smtp"}));
  EXPECT_EQ(mail(s, "BR07", "BE"),
            (Strings{"BR07>BR07/rpc", "BR07>HUB07/smtp", "HUB07>BH/smtp", "BH>BE/smtp"}));
}

TEST(MailPaths, NoCoexistenceConnectorNoPathBetweenVersions) {
  Scenario s = coexistence();
  s.connectors.routing_group.clear();
  EXPECT_TRUE(mail(s, "BE", "MBX07").empty());
  EXPECT_TRUE(mail(s, "MBX07", "BE").empty());
  // Within a version mail still flows.
  EXPECT_EQ(mail(s, "MBX07", "BR07").size(), 3u);
}

TEST(MailPaths, SitesOfAPath) {
  const Scenario s = coexistence();
  const SiteGraph g(s);
  const MailRouter r(s, g);
  const auto hops = r.path(s.server_index("BR07"), s.server_index("BE"));
  EXPECT_EQ(r.sites_of(hops), (Ints{1, 0}));  // BR, then HQ: no repeats in a row
  EXPECT_TRUE(r.sites_of({}).empty());
  EXPECT_EQ(r.bridgehead_of_group("HQ"), 1);
  EXPECT_EQ(r.bridgehead_of_group("BR"), -1);
}

namespace {

// London and Dallas each hold a 2003 and a 2007 server; the only coexistence connector is
// in Dallas, London's routing group reaches it through a 2003 connector to Dallas.
Scenario london_dallas() {
  Scenario s = sites_and_links({"London", "Dallas"}, {{"London", "Dallas", 100, 60}});
  add_server(s, "LON03", k2003, "London", {Role::mailbox, Role::bridgehead});
  add_server(s, "LON07", k2007, "London",
             {Role::mailbox, Role::hub_transport, Role::client_access});
  add_server(s, "DAL03", k2003, "Dallas", {Role::mailbox, Role::bridgehead});
  add_server(s, "DAL07", k2007, "Dallas",
             {Role::mailbox, Role::hub_transport, Role::client_access});
  add_connector(s, "LON03", "DAL03");
  add_connector(s, "DAL03", "DAL07");
  return s;
}

}  // namespace

TEST(Hairpins, LondonMailTravelsToDallasAndBack) {
  const Scenario s = london_dallas();
  EXPECT_EQ(mail(s, "LON03", "LON07"), (Strings{"LON03>DAL03/smtp", "DAL03>DAL07/smtp",
                                                "DAL07>LON07/smtp", "LON07>LON07/rpc"}));
  const SiteGraph g(s);
  const MailRouter r(s, g);
  const auto pins = find_hairpins(s, g, r);
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].site, 0);
  EXPECT_EQ(pins[0].path_sites, (Ints{0, 1, 0}));
  EXPECT_EQ(pins[0].server_2003, 0);
  EXPECT_EQ(pins[0].server_2007, 1);
}

TEST(Hairpins, ALocalCoexistenceConnectorRemovesIt) {
  Scenario s = london_dallas();
  add_connector(s, "LON03", "LON07");
  EXPECT_EQ(mail(s, "LON03", "LON07"), (Strings{"LON03>LON07/smtp", "LON07>LON07/rpc"}));
  const SiteGraph g(s);
  const MailRouter r(s, g);
  EXPECT_TRUE(find_hairpins(s, g, r).empty());
}

TEST(Hairpins, ConnectorCostsDecideTheRoute) {
  // A local connector that costs more than the detour (10 + 10 < 50) does not help.
  Scenario s = london_dallas();
  add_connector(s, "LON03", "LON07", 50);
  const SiteGraph g(s);
  const MailRouter r(s, g);
  EXPECT_EQ(find_hairpins(s, g, r).size(), 1u);
}

// ---- scale ----------------------------------------------------------------------------------

TEST(SiteGraphScale, AThousandSitesInAChain) {
  // At the limit of sites. Routes are computed per source on demand: a graph of n sites in a
  // chain used to materialise every pair's path up front, O(n^3) memory and O(n^4) time.
  std::vector<std::string> names;
  std::vector<L> links;
  for (int i = 0; i < 1000; ++i) names.push_back("S" + std::to_string(i));
  for (int i = 0; i + 1 < 1000; ++i)
    links.push_back({names[size_t(i)], names[size_t(i + 1)], 10, 1});
  const Scenario s = sites_and_links(names, links);
  const SiteGraph g(s);
  EXPECT_EQ(g.components().size(), 1u);
  const auto& r = g.route(0, 999);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->links.size(), 999u);
  EXPECT_DOUBLE_EQ(r->cost, 9990);
  EXPECT_NEAR(r->latency.value, 0.999, 1e-9);
  EXPECT_EQ(g.route(999, 0)->links.front(), 998);
  // The reference handed out earlier is still the same route after other rows were filled.
  for (int from = 1; from < 1000; from += 111) EXPECT_TRUE(g.route(from, 0).has_value());
  EXPECT_EQ(r->links.size(), 999u);
}

TEST(SiteGraphScale, AThousandRoutingGroupsInAStar) {
  // One coexistence connector per site and one 2003 routing group per site: every message
  // path is a Dijkstra on the group graph, for each of the rules' checks.
  std::vector<std::string> names;
  std::vector<L> links;
  for (int i = 0; i < 1000; ++i) names.push_back("S" + std::to_string(i));
  for (int i = 1; i < 1000; ++i) links.push_back({"S0", names[size_t(i)], 100, 1});
  Scenario s = sites_and_links(names, links);
  for (int i = 0; i < 1000; ++i) {
    const std::string n = std::to_string(i);
    add_server(s, "A" + n, k2003, names[size_t(i)], {Role::mailbox, Role::bridgehead});
    add_server(s, "B" + n, k2007, names[size_t(i)],
               {Role::mailbox, Role::hub_transport, Role::client_access});
    add_connector(s, "A" + n, "B" + n);
  }
  const SiteGraph g(s);
  const MailRouter r(s, g);
  EXPECT_TRUE(find_hairpins(s, g, r).empty());
  EXPECT_EQ(mail(s, "A500", "B500"), (Strings{"A500>B500/smtp", "B500>B500/rpc"}));
  EXPECT_EQ(mail(s, "B7", "A900"), (Strings{"B7>B7/rpc", "B7>B900/smtp", "B900>A900/smtp"}));
}
