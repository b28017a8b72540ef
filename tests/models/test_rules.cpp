// The semantic rules of SPEC §1: every layout rule L1-L11 and the management-tool rule, each
// with a scenario that passes and one that breaks it, the message it gives, and the
// coexistence connector that the rules create when none is declared.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "scheduler.hpp"
#include "test_support.hpp"

using namespace coexlab;
using namespace coexlab::testing;

namespace {

const std::string kBase = kBaseScenario;
const std::string kServersEnd = "      - name: DB07\n";  // the last line of `servers`

// The scenario after the rules; no errors expected.
Scenario expect_clean(const std::string& text) {
  LoadResult r = load_checked(text);
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(r.scenario.has_value());
  return r.scenario.value_or(Scenario{});
}

// Exactly one error, containing `part`.
Diagnostic expect_one_error(const std::string& text, const std::string& part) {
  LoadResult r = load_checked(text);
  const auto errs = errors(r.diagnostics);
  EXPECT_EQ(errs.size(), 1u) << dump(r.diagnostics);
  EXPECT_TRUE(has_error(r.diagnostics, part)) << dump(r.diagnostics) << "lacks: " << part;
  const Diagnostic* d = find_error(r.diagnostics, part);
  return d ? *d : Diagnostic{};
}

std::string add_servers(const std::string& text, const std::string& servers) {
  return replace_once(text, kServersEnd, kServersEnd + servers);
}

std::string add_site(const std::string& text, const std::string& site, bool linked = true) {
  std::string t = replace_once(text, "  - name: HQ\n", "  - name: HQ\n  - name: " + site + "\n");
  if (!linked) return t;
  const std::string link =
      "  - { between: [HQ, " + site + "], bandwidth: 10 Mbps, latency: 30 ms }\n";
  if (t.find("links:\n") != std::string::npos)
    return replace_once(t, "links:\n", "links:\n" + link);
  return replace_once(t, "servers:\n", "links:\n" + link + "servers:\n");
}

std::string set_roles(const std::string& text, const std::string& server_roles_line,
                      const std::string& roles) {
  return replace_once(text, server_roles_line, "    roles: [" + roles + "]");
}
const std::string kRoles03 = "    roles: [mailbox, bridgehead]";
const std::string kRoles07 = "    roles: [mailbox, hub_transport, client_access]";

// The base scenario with a perimeter site DMZ and an Edge in it.
std::string with_edge(const std::string& roles = "edge_transport",
                      const std::string& extra = "    subscribed_site: HQ\n") {
  return add_servers(add_site(kBase, "DMZ"), server_yaml("EDGE", "2007", "DMZ", roles, extra));
}

}  // namespace

TEST(Rules, BaseScenarioIsValidWithTwoWarnings) {
  LoadResult r = load_checked(kBase);
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_EQ(warnings(r.diagnostics).size(), 2u) << dump(r.diagnostics);
}

// ---- L1 -------------------------------------------------------------------------------------

TEST(RuleL1, AProperEdgePasses) {
  expect_clean(with_edge());
}

TEST(RuleL1, EdgeWithAnotherRole) {
  expect_one_error(with_edge("edge_transport, hub_transport"),
                   "server 'EDGE' (Exchange 2007) combines edge_transport with other roles (L1)");
}

TEST(RuleL1, EdgeWithoutSubscribedSite) {
  expect_one_error(with_edge("edge_transport", ""),
                   "server 'EDGE' (Exchange 2007) is an Edge Transport server without "
                   "'subscribed_site' (L1)");
}

TEST(RuleL1, SubscribedSiteOnANonEdge) {
  const Diagnostic d =
      expect_one_error(replace_once(kBase, "    site: HQ\n" + kRoles07,
                                    "    site: HQ\n    subscribed_site: HQ\n" + kRoles07),
                       "has 'subscribed_site' but is not an Edge Transport server (L1)");
  EXPECT_EQ(d.format().rfind("test.yaml:15:5: error: server 'EX07' (Exchange 2007)", 0), 0u)
      << d.format();
}

TEST(RuleL1, SubscribedSiteWithoutHubOrUnknownOrOwn) {
  // Its own perimeter site: not an AD site, and no hub there either.
  LoadResult own = load_checked(with_edge("edge_transport", "    subscribed_site: DMZ\n"));
  EXPECT_EQ(errors(own.diagnostics).size(), 2u) << dump(own.diagnostics);
  EXPECT_TRUE(has_error(own.diagnostics, "subscribes to its own site 'DMZ' (L1)"));
  EXPECT_TRUE(
      has_error(own.diagnostics, "subscribes to site 'DMZ', which has no 2007 hub_transport (L1)"));
  expect_one_error(add_site(with_edge("edge_transport", "    subscribed_site: Branch\n"), "Branch"),
                   "subscribes to site 'Branch', which has no 2007 hub_transport (L1)");
  expect_one_error(with_edge("edge_transport", "    subscribed_site: Nowhere\n"),
                   "server 'EDGE' subscribed_site names site 'Nowhere', which is not in 'sites'");
}

TEST(RuleL1, EdgeSharingASiteIsAWarning) {
  LoadResult r = load_checked(add_servers(
      kBase, server_yaml("EDGE", "2007", "HQ", "edge_transport", "    subscribed_site: HQ\n")));
  // Subscribing to its own site is the error; sharing it with other servers the warning.
  EXPECT_TRUE(has_error(r.diagnostics, "subscribes to its own site 'HQ' (L1)"))
      << dump(r.diagnostics);
  EXPECT_TRUE(has_warning(r.diagnostics, "Edge 'EDGE' shares site 'HQ' with server 'EX03' (L1)"))
      << dump(r.diagnostics);
}

// ---- L2 -------------------------------------------------------------------------------------

TEST(RuleL2, ClusteredMailboxOnlyServerPasses) {
  expect_clean(
      add_servers(kBase, server_yaml("CCR1", "2007", "HQ", "mailbox", "    cluster: ccr\n")));
}

TEST(RuleL2, ClusteredServerWithOtherRoles) {
  expect_one_error(replace_once(kBase, kRoles07, "    cluster: ccr\n" + kRoles07),
                   "server 'EX07' (Exchange 2007) is a clustered mailbox server (ccr) with other "
                   "roles (L2): a CCR/SCC cluster holds only mailbox");
}

TEST(RuleL2, UnifiedMessagingNeverOnACluster) {
  LoadResult r = load_checked(add_servers(
      kBase, server_yaml("UM1", "2007", "HQ", "mailbox, unified_messaging", "    cluster: scc\n")));
  EXPECT_TRUE(has_error(r.diagnostics,
                        "server 'UM1' (Exchange 2007) is clustered (scc) and has unified_messaging "
                        "(L2): Unified Messaging is never on a cluster"))
      << dump(r.diagnostics);
  EXPECT_EQ(errors(r.diagnostics).size(), 2u) << dump(r.diagnostics);  // and "other roles"
}

// ---- L3 -------------------------------------------------------------------------------------

TEST(RuleL3, HubAndClientAccessOnAnotherServerOfTheSitePass) {
  expect_clean(add_servers(set_roles(kBase, kRoles07, "mailbox"),
                           server_yaml("HT1", "2007", "HQ", "hub_transport, client_access")));
}

TEST(RuleL3, MailboxServerAlone) {
  const Diagnostic d = expect_one_error(set_roles(kBase, kRoles07, "mailbox"),
                                        "site 'HQ' has the 2007 mailbox server 'EX07' but no 2007 "
                                        "hub_transport or client_access (L3)");
  EXPECT_EQ(d.pos.line, 18);  // its roles
  EXPECT_EQ(d.pos.column, 12);
}

TEST(RuleL3, AHubInAnotherSiteDoesNotCount) {
  const std::string text =
      add_servers(add_site(set_roles(kBase, kRoles07, "mailbox, client_access"), "Branch"),
                  server_yaml("BR-HUB", "2007", "Branch", "hub_transport, client_access"));
  expect_one_error(text,
                   "site 'HQ' has the 2007 mailbox server 'EX07' but no 2007 hub_transport (L3)");
}

// ---- L4 -------------------------------------------------------------------------------------

TEST(RuleL4, UnifiedMessagingBesideAHubPasses) {
  expect_clean(add_servers(kBase, server_yaml("UM1", "2007", "HQ", "unified_messaging")));
}

TEST(RuleL4, UnifiedMessagingWithoutAHubInItsSite) {
  expect_one_error(
      add_servers(add_site(kBase, "Branch"),
                  server_yaml("UM1", "2007", "Branch", "unified_messaging")),
      "server 'UM1' has unified_messaging but site 'Branch' has no 2007 hub_transport (L4)");
}

// ---- L5 -------------------------------------------------------------------------------------

TEST(RuleL5, RolesOfTheOtherVersion) {
  expect_one_error(set_roles(kBase, kRoles03, "mailbox, bridgehead, hub_transport"),
                   "server 'EX03' (Exchange 2003) has the Exchange 2007 role 'hub_transport' (L5): "
                   "2007 roles run only on 2007 servers");
  expect_one_error(set_roles(kBase, kRoles07, "mailbox, hub_transport, client_access, front_end"),
                   "server 'EX07' (Exchange 2007) has the Exchange 2003 role 'front_end' (L5): in "
                   "2007 use client_access instead");
  expect_one_error(
      set_roles(kBase, kRoles07, "mailbox, hub_transport, client_access, bridgehead"),
      "has the Exchange 2003 role 'bridgehead' (L5): in 2007 use hub_transport instead");
  // `mailbox` is both versions' role.
  expect_clean(kBase);
}

// ---- L6 -------------------------------------------------------------------------------------

TEST(RuleL6, OneNameTwoVersionsIsAnInPlaceUpgrade) {
  const Diagnostic d =
      expect_one_error(add_servers(kBase, server_yaml("EX03", "2007", "HQ", "client_access")),
                       "server 'EX03' appears as Exchange 2003 and 2007: there is no in-place "
                       "upgrade (L6)");
  EXPECT_EQ(d.pos.line, 23);
  EXPECT_EQ(d.pos.column, 5);
}

TEST(RuleL6, SameVersionTwiceIsAPlainDuplicate) {
  LoadResult r =
      load_checked(add_servers(kBase, server_yaml("EX07", "2007", "HQ", "client_access")));
  EXPECT_TRUE(has_error(r.diagnostics, "duplicate server name 'EX07'")) << dump(r.diagnostics);
  EXPECT_FALSE(has_error(r.diagnostics, "(L6)"));
}

// ---- L7 -------------------------------------------------------------------------------------

TEST(RuleL7, ImplicitCoexistenceConnectorWithAWarning) {
  LoadResult r = load_checked(kBase);
  ASSERT_TRUE(r.scenario.has_value());
  const auto& rgc = r.scenario->connectors.routing_group;
  ASSERT_EQ(rgc.size(), 1u);
  EXPECT_TRUE(rgc[0].implicit);
  EXPECT_EQ(rgc[0].server_a, "EX03");
  EXPECT_EQ(rgc[0].server_b, "EX07");
  EXPECT_DOUBLE_EQ(rgc[0].cost, 10);
  const auto w = warnings(r.diagnostics);
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w[0].format(),
            "test.yaml:15:5: warning: no coexistence connector declared (L7): created one between "
            "2003 bridgehead 'EX03' and 2007 hub 'EX07', as Exchange setup does; declare it under "
            "connectors.routing_group to choose the pair [L7]");
  EXPECT_EQ(w[0].rule, "L7");
}

TEST(RuleL7, ImplicitConnectorTakesTheFirstBridgeheadAndTheFirstHub) {
  std::string text =
      replace_once(kBase, "  - name: EX03\n",
                   server_yaml("HUB0", "2007", "HQ", "hub_transport") + "  - name: EX03\n");
  text = add_servers(text, server_yaml("BH2", "2003", "HQ", "bridgehead"));
  LoadResult r = load_checked(text);
  ASSERT_TRUE(r.scenario.has_value()) << dump(r.diagnostics);
  const auto& rgc = r.scenario->connectors.routing_group;
  ASSERT_EQ(rgc.size(), 1u);
  EXPECT_EQ(rgc[0].server_a, "EX03");
  EXPECT_EQ(rgc[0].server_b, "HUB0");
  EXPECT_TRUE(has_warning(r.diagnostics, "between 2003 bridgehead 'EX03' and 2007 hub 'HUB0'"));
}

TEST(RuleL7, DeclaredConnectorNoWarning) {
  LoadResult r = load_checked(
      replace_once(kBase, "migration:\n",
                   "connectors:\n  routing_group:\n    - { between: [EX03, EX07] }\nmigration:\n"));
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_FALSE(has_warning(r.diagnostics, "no coexistence connector declared"));
  ASSERT_TRUE(r.scenario.has_value());
  ASSERT_EQ(r.scenario->connectors.routing_group.size(), 1u);
  EXPECT_FALSE(r.scenario->connectors.routing_group[0].implicit);
}

TEST(RuleL7, NoBridgeheadForTheCoexistenceConnector) {
  const Diagnostic d = expect_one_error(set_roles(kBase, kRoles03, "mailbox"),
                                        "no 2003 bridgehead for the coexistence connector (L7)");
  EXPECT_NE(d.message.find("add 'bridgehead' to the roles of a 2003 server such as 'EX03'"),
            std::string::npos);
}

TEST(RuleL7, NoBridgeheadIsReportedBesideOtherErrors) {
  // One pass: an unrelated reference error must not hide the L7 error.
  std::string text = set_roles(kBase, kRoles03, "mailbox");
  text = add_servers(text, server_yaml("CAS2", "2007", "Nowhere", "client_access"));
  LoadResult r = load_checked(text);
  EXPECT_TRUE(has_error(r.diagnostics, "no 2003 bridgehead for the coexistence connector (L7)"))
      << dump(r.diagnostics);
  EXPECT_TRUE(has_error(r.diagnostics, "server 'CAS2' names site 'Nowhere'"))
      << dump(r.diagnostics);
  EXPECT_EQ(errors(r.diagnostics).size(), 2u) << dump(r.diagnostics);
}

namespace {

// A Branch site with a 2003 routing group of its own (bridgehead + mailboxes).
std::string with_branch_group(const std::string& connectors) {
  std::string text = add_servers(add_site(kBase, "Branch"),
                                 server_yaml("BR03", "2003", "Branch", "mailbox, bridgehead") +
                                     "    databases:\n      - { name: BRDB, mailboxes: { count: 5,"
                                     " size: 100 MB } }\n");
  return replace_once(text, "migration:\n", connectors + "migration:\n");
}

}  // namespace

TEST(RuleL7, IsolatedRoutingGroup) {
  const Diagnostic d = expect_one_error(with_branch_group(""),
                                        "2003 routing group 'Branch' has no path of routing group "
                                        "connectors to a coexistence connector (L7)");
  EXPECT_EQ(d.pos.line, 26);  // the BR03 entry
}

TEST(RuleL7, RoutingGroupReachingTheConnectorThrough2003Passes) {
  LoadResult r = load_checked(
      with_branch_group("connectors:\n  routing_group:\n    - { between: [BR03, EX03] }\n"));
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  // The 2003-2003 connector is not a coexistence connector: one is still created.
  EXPECT_TRUE(has_warning(r.diagnostics, "no coexistence connector declared (L7)"));
  EXPECT_FALSE(has_warning(r.diagnostics, "suppress link-state updates"));
}

TEST(RuleL7, SeveralGroupsAndConnectorsSuppressLinkState) {
  LoadResult r =
      load_checked(with_branch_group("connectors:\n  routing_group:\n    - { between: [EX03, EX07] "
                                     "}\n    - { between: [BR03, EX07] }\n"));
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(has_warning(r.diagnostics,
                          "2 2003 routing groups and 2 coexistence connectors (L7): suppress "
                          "link-state updates on the 2003 servers"))
      << dump(r.diagnostics);
}

TEST(RuleL7, ConnectorEndsMustBeBridgeheadsOrHubs) {
  expect_one_error(
      replace_once(kBase, "migration:\n",
                   "connectors:\n  routing_group:\n    - { between: [EX03, EX7] }\nmigration:\n"),
      "routing group connector names server 'EX7', which is not in 'servers' (did "
      "you mean 'EX07'?)");
  expect_one_error(
      add_servers(
          replace_once(
              kBase, "migration:\n",
              "connectors:\n  routing_group:\n    - { between: [EX03, BE2] }\nmigration:\n"),
          server_yaml("BE2", "2003", "HQ", "bridgehead")),
      "routing group connector EX03 <-> BE2 joins two servers of routing group 'HQ'");
}

// ---- L8 -------------------------------------------------------------------------------------

TEST(RuleL8, SiteWithServersButNoLink) {
  const Diagnostic d = expect_one_error(
      add_servers(add_site(kBase, "Branch", false),
                  server_yaml("BR-CAS", "2007", "Branch", "client_access")),
      "site 'Branch' has servers but no path of links to site 'HQ' (L8): add a link, e.g. { "
      "between: [HQ, Branch], bandwidth: 10 Mbps, latency: 30 ms }");
  EXPECT_EQ(d.pos.line, 5);  // the Branch entry of `sites`
}

TEST(RuleL8, LinkedOrEmptySitesPass) {
  expect_clean(add_servers(add_site(kBase, "Branch"),
                           server_yaml("BR-CAS", "2007", "Branch", "client_access")));
  // A site without servers needs no link.
  expect_clean(add_site(kBase, "Spare", false));
}

// ---- L9 -------------------------------------------------------------------------------------

namespace {

std::string with_second_database(const std::string& batches) {
  std::string text = replace_once(kBase, "        mailboxes: { count: 10, size: 300 MB }\n",
                                  "        mailboxes: { count: 10, size: 300 MB }\n"
                                  "      - { name: DB03B, mailboxes: { count: 4, size: 1 GB } }\n");
  return replace_once(text, "    - { name: wave1, from: EX03/DB03, to: EX07/DB07 }\n", batches);
}

}  // namespace

TEST(RuleL9, TargetsAre2007Databases) {
  const Diagnostic d = expect_one_error(
      with_second_database("    - { name: w, from: EX03/DB03, to: EX03/DB03B }\n"),
      "batch 'w' moves to 'EX03/DB03B', an Exchange 2003 database (L9): targets are 2007 mailbox "
      "databases");
  EXPECT_EQ(d.pos.line, 27);
  EXPECT_EQ(d.pos.column, 39);  // the `to` value
}

TEST(RuleL9, SourcesMayBe2007Databases) {
  expect_clean(replace_once(
      replace_once(kBase, kServersEnd,
                   kServersEnd + "      - { name: DB07B, mailboxes: { count: 3, size: 1 GB } }\n"),
      "    - { name: wave1, from: EX03/DB03, to: EX07/DB07 }\n",
      "    - { name: wave1, from: EX03/DB03, to: EX07/DB07 }\n"
      "    - { name: rebalance, from: EX07/DB07B, to: EX07/DB07 }\n"));
}

TEST(RuleL9, AMailboxInAtMostOneBatch) {
  expect_one_error(
      with_second_database("    - { name: a, from: EX03/DB03, to: EX07/DB07, mailboxes: 3 }\n"
                           "    - { name: b, from: EX03/DB03, to: EX07/DB07, mailboxes: 40 % }\n"),
      "batch 'b' and batch 'a' both take mailbox EX03/DB03/0001 (L9)");
  expect_clean(
      with_second_database("    - { name: a, from: EX03/DB03, to: EX07/DB07 }\n"
                           "    - { name: b, from: EX03/DB03B, to: EX07/DB07 }\n"));
}

TEST(RuleL9, OntoItselfAndMissingDatabases) {
  LoadResult r =
      load_checked(with_second_database("    - { name: w, from: EX07/DB07, to: EX07/DB07 }\n"));
  EXPECT_TRUE(has_error(r.diagnostics, "batch 'w' moves 'EX07/DB07' onto itself"))
      << dump(r.diagnostics);
  expect_one_error(with_second_database("    - { name: w, from: EX03/DB3, to: EX07/DB07 }\n"),
                   "batch 'w' from names database 'DB3' on server 'EX03', which has no such "
                   "database (did you mean 'DB03'?)");
}

TEST(RuleL9, EmptySelectionIsAWarning) {
  LoadResult r = load_checked(replace_once(kBase, "count: 10,", "count: 0,"));
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(
      has_warning(r.diagnostics, "batch 'wave1' selects no mailbox: database 'EX03/DB03' holds 0"));
}

// Issue 16: `mailboxes: 5000` from a database of 10 silently took the 10.
TEST(RuleL9, ACountAboveTheDatabaseIsAPositionedWarning) {
  LoadResult r =
      load_checked(replace_once(kBase, "to: EX07/DB07 }", "to: EX07/DB07, mailboxes: 5000 }"));
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  ASSERT_TRUE(has_warning(r.diagnostics,
                          "batch 'wave1' asks for 5000 mailboxes, but database "
                          "'EX03/DB03' holds only 10: it takes those 10"))
      << dump(r.diagnostics);
  for (const Diagnostic& d : warnings(r.diagnostics)) {
    if (contains(d.message, "asks for")) {
      EXPECT_EQ(d.format().rfind("test.yaml:26:65: ", 0), 0u) << d.format();
    }
  }
  // Exactly the database's count: no warning.
  EXPECT_FALSE(has_warning(
      load_checked(replace_once(kBase, "to: EX07/DB07 }", "to: EX07/DB07, mailboxes: 10 }"))
          .diagnostics,
      "asks for"));
}

// Issue 16: [HQ, Branch] and [Branch, HQ] with two bandwidths were both accepted.
TEST(UniqueNames, OneLinkPerPairOfSitesWhicheverWayRound) {
  const std::string two_sites = add_site(kBase, "Branch");
  const std::string both = replace_once(
      two_sites, "latency: 30 ms }\n",
      "latency: 30 ms }\n  - { between: [Branch, HQ], bandwidth: 2 Mbps, latency: 30 ms }\n");
  const Diagnostic d = expect_one_error(
      both, "link 'Branch-HQ' joins sites 'Branch' and 'HQ', like link 'HQ-Branch'");
  EXPECT_GT(d.pos.line, 0);
}

// ---- L10 ------------------------------------------------------------------------------------

TEST(RuleL10, MoverOn2003) {
  const Diagnostic d = expect_one_error(replace_once(kBase, "mover: EX07", "mover: EX03"), "(L10)");
  EXPECT_EQ(d.format(),
            "test.yaml:24:10: error: migration mover 'EX03' is an Exchange 2003 server (L10): 2003 "
            "tools cannot move mailboxes to 2007; run Move-Mailbox from a 2007 server [L10]");
}

TEST(RuleL10, MoverOnAnEdge) {
  expect_one_error(replace_once(with_edge(), "mover: EX07", "mover: EDGE"),
                   "migration mover 'EDGE' is an Edge Transport server (L10)");
}

TEST(RuleL10, AnyOther2007ServerMayMove) {
  expect_clean(replace_once(add_servers(kBase, server_yaml("CAS2", "2007", "HQ", "client_access")),
                            "mover: EX07", "mover: CAS2"));
}

// ---- L11 ------------------------------------------------------------------------------------

TEST(RuleL11, EveryMailboxMovedSuggestsDecommissioning) {
  LoadResult r = load_checked(kBase);
  const auto w = warnings(r.diagnostics);
  ASSERT_EQ(w.size(), 2u) << dump(r.diagnostics);
  EXPECT_EQ(w[1].format(),
            "test.yaml:24:3: warning: the plan moves every 2003 mailbox but keeps EX03 (L11): "
            "once public folders, free/busy and the offline address book are moved to 2007, "
            "decommission the 2003 servers [L11]");
  EXPECT_EQ(w[1].rule, "L11");
}

TEST(RuleL11, MailboxesLeftOn2003) {
  LoadResult r =
      load_checked(replace_once(kBase, "to: EX07/DB07 }", "to: EX07/DB07, mailboxes: 4 }"));
  EXPECT_TRUE(has_warning(r.diagnostics,
                          "6 of 10 mailboxes stay on Exchange 2003 after the last batch (L11)"))
      << dump(r.diagnostics);
  EXPECT_FALSE(has_warning(r.diagnostics, "decommission"));
}

TEST(RuleL11, NoBatchesNoHint) {
  LoadResult r = load_checked(replace_once(
      kBase, "  batches:\n    - { name: wave1, from: EX03/DB03, to: EX07/DB07 }\n", ""));
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_FALSE(has_warning(r.diagnostics, "(L11)")) << dump(r.diagnostics);
}

// ---- management tools -----------------------------------------------------------------------

namespace {

std::string with_operation(const std::string& op) {
  return kBase + "operations:\n  - " + op + "\n";
}

}  // namespace

TEST(ToolRule, ToolsThatMayDoIt) {
  expect_clean(with_operation("{ action: create_mailbox, tool: aduc_2003, database: EX03/DB03 }"));
  expect_clean(with_operation("{ action: modify_mailbox, tool: esm_2003, database: EX03/DB03 }"));
  expect_clean(with_operation("{ action: modify_mailbox, tool: emc, database: EX03/DB03 }"));
  expect_clean(with_operation("{ action: remove_mailbox, tool: ems, database: EX03/DB03 }"));
  expect_clean(with_operation("{ action: create_mailbox, tool: ems, database: EX07/DB07 }"));
  expect_clean(
      with_operation("{ action: move_mailbox, tool: ems, database: EX03/DB03, to: EX07/DB07 }"));
}

TEST(ToolRule, Tools2003CannotManage2007Mailboxes) {
  const Diagnostic d = expect_one_error(
      with_operation("{ action: modify_mailbox, tool: esm_2003, database: EX07/DB07 }"),
      "operation modify_mailbox with esm_2003 on 'EX07/DB07': Exchange 2003 tools cannot manage "
      "2007 mailboxes; use emc or ems");
  EXPECT_EQ(d.pos.line, 28);
  EXPECT_EQ(d.pos.column, 5);
  expect_one_error(
      with_operation("{ action: create_mailbox, tool: aduc_2003, database: EX07/DB07 }"),
      "with aduc_2003 on 'EX07/DB07': Exchange 2003 tools cannot manage 2007 mailboxes");
}

TEST(ToolRule, Tools2007CannotCreate2003Mailboxes) {
  expect_one_error(with_operation("{ action: create_mailbox, tool: emc, database: EX03/DB03 }"),
                   "operation create_mailbox with emc on 'EX03/DB03': Exchange 2007 tools manage "
                   "2003 mailboxes but cannot create them; use aduc_2003");
  expect_one_error(with_operation("{ action: create_mailbox, tool: ems, database: EX03/DB03 }"),
                   "with ems on 'EX03/DB03': Exchange 2007 tools manage 2003 mailboxes but cannot "
                   "create them");
}

TEST(ToolRule, Tools2003CannotMoveTo2007) {
  expect_one_error(
      with_operation(
          "{ action: move_mailbox, tool: esm_2003, database: EX03/DB03, to: EX07/DB07 }"),
      "operation move_mailbox with esm_2003 to 'EX07/DB07': 2003 tools cannot move "
      "mailboxes to 2007");
}

// ---- other checks ---------------------------------------------------------------------------

TEST(OtherRules, UnknownScheduler) {
  const Diagnostic d = expect_one_error(
      replace_once(kBase, "  mover: EX07\n", "  mover: EX07\n  scheduler: largest-first\n"),
      "unknown scheduler 'largest-first'; known: fifo, largest_first");
  EXPECT_EQ(d.pos.line, 25);
  EXPECT_EQ(d.pos.column, 14);
  // The list names every registered scheduler, then the closest one.
  for (std::string_view name : scheduler_names()) {
    EXPECT_NE(d.message.find(std::string(name)), std::string::npos) << name;
  }
  EXPECT_TRUE(d.message.ends_with("(did you mean 'largest_first'?)")) << d.message;
}

TEST(OtherRules, InternetConnectorAndLegacyWebAccess) {
  expect_clean(kBase + "connectors:\n  internet: { via: EX07 }\n");
  expect_clean(kBase + "connectors:\n  internet: { via: EX03 }\n");  // a 2003 bridgehead
  expect_one_error(add_servers(kBase, server_yaml("CAS2", "2007", "HQ", "client_access")) +
                       "connectors:\n  internet: { via: CAS2 }\n",
                   "connectors.internet via 'CAS2': internet mail enters through an Edge, a 2007 "
                   "hub_transport or a 2003 bridgehead");
  expect_one_error(
      kBase + "workload:\n  legacy_web_access: front_end\n",
      "workload legacy_web_access is front_end, but there is no 2003 front_end server");
}

TEST(OtherRules, DatabasesOnlyOnMailboxServers) {
  expect_one_error(set_roles(kBase, kRoles07, "hub_transport, client_access"),
                   "server 'EX07' has databases but not the mailbox role");
}

TEST(OtherRules, UnknownProfileAndCustomProfile) {
  const std::string heavy_user =
      replace_once(kBase, "size: 300 MB }", "size: 300 MB, profile: sales }");
  expect_one_error(heavy_user,
                   "database 'EX03/DB03' uses profile 'sales', which is neither built in");
  expect_clean(
      heavy_user +
      "workload:\n  profiles:\n    - { name: sales, sent_per_day: 30, received_per_day: 120 }\n");
  expect_clean(replace_once(kBase, "size: 300 MB }", "size: 300 MB, profile: very_heavy }"));
  // No users, no profiles needed: `--set workload=none` drops the custom ones.
  expect_clean(heavy_user + "workload: none\n");
}

TEST(OtherRules, HairpinIsAWarning) {
  const std::string text =
      R"(scenario: hairpin
start: 2007-06-01T20:00
sites:
  - name: London
  - name: Dallas
links:
  - { between: [London, Dallas], bandwidth: 10 Mbps, latency: 60 ms }
servers:
)" + server_yaml("LON03", "2003", "London", "mailbox, bridgehead") +
      "    databases: [{ name: L3, mailboxes: { count: 5, size: 1 GB } }]\n" +
      server_yaml("LON07", "2007", "London", "mailbox, hub_transport, client_access") +
      server_yaml("DAL03", "2003", "Dallas", "mailbox, bridgehead") +
      server_yaml("DAL07", "2007", "Dallas", "mailbox, hub_transport, client_access") +
      "migration: { mover: LON07, batches: [] }\n"
      "connectors:\n  routing_group:\n"
      "    - { between: [LON03, DAL03] }\n    - { between: [DAL03, DAL07] }\n";
  LoadResult r = load_checked(text);
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(has_warning(r.diagnostics,
                          "mail between 2003 server 'LON03' and 2007 server 'LON07', both in site "
                          "'London', travels London -> Dallas -> London through a distant "
                          "coexistence connector (hairpin)"))
      << dump(r.diagnostics);
  // A local coexistence connector ends the detour.
  LoadResult fixed = load_checked(text + "    - { between: [LON03, LON07] }\n");
  EXPECT_FALSE(fixed.diagnostics.has_errors()) << dump(fixed.diagnostics);
  EXPECT_FALSE(has_warning(fixed.diagnostics, "(hairpin)")) << dump(fixed.diagnostics);
}

TEST(OtherRules, LoadAndCheckDropsTheScenarioOnErrors) {
  const std::string path =
      ::testing::TempDir() + "coexlab_rules_test_" + std::to_string(getpid()) + ".yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    const std::string text = replace_once(kBase, "mover: EX07", "mover: EX03");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  LoadResult r = load_and_check(path, {});
  EXPECT_FALSE(r.scenario.has_value());
  ASSERT_EQ(errors(r.diagnostics).size(), 1u) << dump(r.diagnostics);
  EXPECT_EQ(
      errors(r.diagnostics)[0].format().rfind(path + ":24:10: error: migration mover 'EX03'", 0),
      0u);
  std::remove(path.c_str());
}

// ---- acknowledge ------------------------------------------------------------------------------

TEST(Acknowledge, IntendedWarningsAreNotPrinted) {
  LoadResult r = load_checked(kBase + "acknowledge: [L7, L11]\n");
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(warnings(r.diagnostics).empty()) << dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics.acknowledged_count(), 2);
}

TEST(Acknowledge, OnlyTheNamedRulesAreLeftOut) {
  LoadResult r = load_checked(kBase + "acknowledge: [L11]\n");
  const auto w = warnings(r.diagnostics);
  ASSERT_EQ(w.size(), 1u) << dump(r.diagnostics);
  EXPECT_EQ(w[0].rule, "L7");
  EXPECT_EQ(r.diagnostics.acknowledged_count(), 1);
}

TEST(Acknowledge, UnknownIdIsAnErrorWithASuggestion) {
  const Diagnostic d = expect_one_error(kBase + "acknowledge: [L7, hairpn]\n",
                                        "acknowledge 'hairpn' is not one of: L1, L7, L11, hairpin");
  EXPECT_NE(d.message.find("(did you mean 'hairpin'?)"), std::string::npos) << d.message;
  EXPECT_EQ(d.pos.line, 27);
  EXPECT_EQ(d.pos.column, 19);
}

TEST(Acknowledge, AnErrorOnlyRuleCannotBeAcknowledged) {
  // L2 is never a warning: acknowledging it would hide nothing, so it is refused.
  expect_one_error(kBase + "acknowledge: [L2]\n", "acknowledge 'L2' is not one of:");
}

TEST(Acknowledge, ErrorsAreNeverHidden) {
  // L7 without a bridgehead is an error: acknowledging L7 leaves it.
  const std::string text = replace_once(kBase, "roles: [mailbox, bridgehead]", "roles: [mailbox]") +
                           "acknowledge: [L7]\n";
  LoadResult r = load_checked(text);
  ASSERT_TRUE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_EQ(errors(r.diagnostics).front().rule, "L7");
}

TEST(RuleIds, EveryRuleDiagnosticCarriesItsId) {
  // An error of L5 and the hint of L11: the id is a field, and ends the text form.
  LoadResult r = load_checked(replace_once(kBase, "roles: [mailbox, bridgehead]",
                                           "roles: [mailbox, bridgehead, hub_transport]"));
  const Diagnostic* d = find_error(r.diagnostics, "(L5)");
  ASSERT_NE(d, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(d->rule, "L5");
  EXPECT_EQ(d->format().substr(d->format().size() - 5), " [L5]");
  // A diagnostic of no rule (a reference) has none.
  LoadResult ref = load_checked(replace_once(kBase, "mover: EX07", "mover: EX08"));
  ASSERT_FALSE(errors(ref.diagnostics).empty());
  EXPECT_EQ(errors(ref.diagnostics).front().rule, "");
}

TEST(RuleIds, AcknowledgeableRulesMatchTheWarningsTheRulesGive) {
  // Each id of acknowledgeable_rules() is unique and none is an error-only rule.
  const auto& ids = acknowledgeable_rules();
  std::set<std::string_view> seen(ids.begin(), ids.end());
  EXPECT_EQ(seen.size(), ids.size());
  for (const char* error_only : {"L2", "L3", "L4", "L5", "L6", "L8", "L9", "L10", "tools"})
    EXPECT_EQ(seen.count(error_only), 0u) << error_only;
}
