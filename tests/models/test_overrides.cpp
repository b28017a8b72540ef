// `--set` / `--vary` paths: splitting values, PATH=VALUE, list entries by name (links by
// their default A-B name), by index, and the document left intact around the change.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "loader.hpp"
#include "overrides.hpp"

using namespace coexlab;

namespace {

using Strings = std::vector<std::string>;

const char* const kDoc = R"(scenario: s
sites:
  - name: HQ
  - name: Branch
links:
  - { between: [HQ, Branch], bandwidth: 10 Mbps, latency: 30 ms }
  - { name: backup-line, between: [Branch, HQ], bandwidth: 2 Mbps, latency: 40 ms }
servers:
  - name: EX03
    hardware: { cores: 4 }
    databases:
      - { name: DB03, mailboxes: { count: 10 } }
  - name: EX07
    hardware: { cores: 8 }
connectors:
  routing_group:
    - { between: [EX03, EX07], cost: 10 }
migration:
  mover: EX07
)";

// Applies one override to a fresh copy of kDoc; returns the error ("" on success).
std::string set(YAML::Node& doc, const std::string& path, const std::string& value,
                std::vector<OverrideNode>* nodes = nullptr) {
  std::vector<OverrideNode> local;
  return apply_override(doc, Override{path, value}, nodes ? *nodes : local);
}

}  // namespace

TEST(SplitVaryValues, CommasOutsideBracketsAndQuotes) {
  EXPECT_EQ(split_vary_values("1,2,3"), (Strings{"1", "2", "3"}));
  EXPECT_EQ(split_vary_values("10 Mbps,20 Mbps"), (Strings{"10 Mbps", "20 Mbps"}));
  // SPEC §3's own example.
  EXPECT_EQ(split_vary_values("[mailbox,hub_transport],[mailbox]"),
            (Strings{"[mailbox,hub_transport]", "[mailbox]"}));
  EXPECT_EQ(split_vary_values("{ iops: 800, capacity: 1 TB },{ iops: 1600 }"),
            (Strings{"{ iops: 800, capacity: 1 TB }", "{ iops: 1600 }"}));
  EXPECT_EQ(split_vary_values("[[a,b],[c]],d"), (Strings{"[[a,b],[c]]", "d"}));
  EXPECT_EQ(split_vary_values("'a,b',c"), (Strings{"'a,b'", "c"}));
  EXPECT_EQ(split_vary_values("\"x,y\""), (Strings{"\"x,y\""}));
  // A quote of the other kind inside quotes does not end them.
  EXPECT_EQ(split_vary_values("\"it's,fine\",2"), (Strings{"\"it's,fine\"", "2"}));
}

TEST(SplitVaryValues, EdgeCases) {
  EXPECT_EQ(split_vary_values("8"), (Strings{"8"}));
  EXPECT_EQ(split_vary_values(""), (Strings{""}));
  EXPECT_EQ(split_vary_values("a,,b"), (Strings{"a", "", "b"}));
  EXPECT_EQ(split_vary_values("a,"), (Strings{"a", ""}));
  // A stray closing bracket never makes the depth negative.
  EXPECT_EQ(split_vary_values("],a"), (Strings{"]", "a"}));
}

TEST(SplitAssignment, PathAndValue) {
  std::string path, value, error;
  ASSERT_TRUE(split_assignment("servers.EX07-HQ1.hardware.cores=8", &path, &value, &error));
  EXPECT_EQ(path, "servers.EX07-HQ1.hardware.cores");
  EXPECT_EQ(value, "8");
  ASSERT_TRUE(split_assignment("links.HQ-Branch.bandwidth=20 Mbps", &path, &value, &error));
  EXPECT_EQ(value, "20 Mbps");
  // Only the first '=' splits: checks may contain more.
  ASSERT_TRUE(split_assignment("checks.0=a == b", &path, &value, &error));
  EXPECT_EQ(path, "checks.0");
  EXPECT_EQ(value, "a == b");
  // Issue 16: an empty value loaded as null and silently meant the default; '""' is the empty
  // string.
  EXPECT_FALSE(split_assignment("description=", &path, &value, &error));
  EXPECT_EQ(error,
            "'description=' has no value after '=': give PATH=VALUE, e.g. "
            "migration.max_threads=8");
  EXPECT_FALSE(split_assignment("migration.max_threads= ", &path, &value, &error));
  ASSERT_TRUE(split_assignment("description=\"\"", &path, &value, &error));
  EXPECT_EQ(value, "\"\"");
  EXPECT_FALSE(split_assignment("migration.max_threads", &path, &value, &error));
  EXPECT_EQ(error, "'migration.max_threads' is not PATH=VALUE, e.g. migration.max_threads=8");
  EXPECT_FALSE(split_assignment("=8", &path, &value, &error));
}

TEST(ApplyOverride, ListEntriesByName) {
  YAML::Node doc = YAML::Load(kDoc);
  std::vector<OverrideNode> nodes;
  ASSERT_EQ(set(doc, "servers.EX07.hardware.cores", "16", &nodes), "");
  EXPECT_EQ(doc["servers"][1]["hardware"]["cores"].as<int>(), 16);
  EXPECT_EQ(doc["servers"][0]["hardware"]["cores"].as<int>(), 4);
  ASSERT_EQ(set(doc, "servers.EX03.databases.DB03.mailboxes.count", "20"), "");
  EXPECT_EQ(doc["servers"][0]["databases"][0]["mailboxes"]["count"].as<int>(), 20);
  // The value's nodes are recorded with the label their messages will carry.
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].label, "--set servers.EX07.hardware.cores");
  EXPECT_TRUE(nodes[0].node.is(doc["servers"][1]["hardware"]["cores"]));
}

TEST(ApplyOverride, LinksAndConnectorsByDefaultName) {
  YAML::Node doc = YAML::Load(kDoc);
  ASSERT_EQ(set(doc, "links.HQ-Branch.bandwidth", "20 Mbps"), "");
  EXPECT_EQ(doc["links"][0]["bandwidth"].as<std::string>(), "20 Mbps");
  EXPECT_EQ(doc["links"][1]["bandwidth"].as<std::string>(), "2 Mbps");
  // An explicit name replaces the default one: Branch-HQ does not address backup-line.
  ASSERT_EQ(set(doc, "links.backup-line.latency", "80 ms"), "");
  EXPECT_EQ(doc["links"][1]["latency"].as<std::string>(), "80 ms");
  const std::string err = set(doc, "links.Branch-HQ.latency", "80 ms");
  EXPECT_NE(err.find("no entry 'Branch-HQ' in 'links'"), std::string::npos) << err;
  // Connectors have no name key: "A-B" from between.
  ASSERT_EQ(set(doc, "connectors.routing_group.EX03-EX07.cost", "50"), "");
  EXPECT_EQ(doc["connectors"]["routing_group"][0]["cost"].as<int>(), 50);
}

TEST(ApplyOverride, EntriesByIndexAndWholeEntries) {
  YAML::Node doc = YAML::Load(kDoc);
  ASSERT_EQ(set(doc, "servers.1.hardware.cores", "2"), "");
  EXPECT_EQ(doc["servers"][1]["hardware"]["cores"].as<int>(), 2);
  const std::string err = set(doc, "servers.7.hardware.cores", "2");
  EXPECT_NE(err.find("no entry '7' in 'servers'"), std::string::npos) << err;
  // PATH ending at an entry replaces the entry.
  ASSERT_EQ(set(doc, "sites.Branch", "{ name: Branch, utc_offset: 2 h }"), "");
  ASSERT_EQ(doc["sites"].size(), 2u);
  EXPECT_EQ(doc["sites"][1]["utc_offset"].as<std::string>(), "2 h");
  EXPECT_EQ(doc["sites"][0]["name"].as<std::string>(), "HQ");
}

TEST(ApplyOverride, CreatesAbsentSectionsAndKeys) {
  YAML::Node doc = YAML::Load(kDoc);
  ASSERT_EQ(set(doc, "simulation.horizon", "10 d"), "");
  EXPECT_EQ(doc["simulation"]["horizon"].as<std::string>(), "10 d");
  ASSERT_EQ(set(doc, "migration.throttles.per_source_server", "3"), "");
  EXPECT_EQ(doc["migration"]["throttles"]["per_source_server"].as<int>(), 3);
  EXPECT_EQ(doc["migration"]["mover"].as<std::string>(), "EX07");
  ASSERT_EQ(set(doc, "calibration.item_server_time", "10 ms"), "");
  EXPECT_EQ(doc["calibration"]["item_server_time"].as<std::string>(), "10 ms");
}

TEST(ApplyOverride, LeavesTheRestOfTheDocumentIntact) {
  // Regression: walking the path once assigned (YAML::Node::operator=) where it meant to
  // rebind, which replaced the document's root by the entry it walked into.
  YAML::Node doc = YAML::Load(kDoc);
  const std::string before = YAML::Dump(YAML::Load(kDoc));
  ASSERT_EQ(set(doc, "servers.EX07.hardware.cores", "8"), "");  // the value it already has
  ASSERT_EQ(set(doc, "links.HQ-Branch.bandwidth", "10 Mbps"), "");
  ASSERT_EQ(set(doc, "migration.mover", "EX07"), "");
  EXPECT_EQ(YAML::Dump(doc), before);
}

TEST(ApplyOverride, BadPathsNameTheProblem) {
  YAML::Node doc = YAML::Load(kDoc);
  EXPECT_EQ(set(doc, "servers.EX7.hardware.cores", "8"),
            "--set path 'servers.EX7.hardware.cores': no entry 'EX7' in 'servers' (did you mean "
            "'EX07'?)");
  EXPECT_EQ(set(doc, "servers.EX07.hardwar.cores", "8"),
            "--set path 'servers.EX07.hardwar.cores': 'hardwar' is not a key under 'servers[]' "
            "(did you mean 'hardware'?)");
  EXPECT_EQ(set(doc, "nonsense", "1"),
            "--set path 'nonsense': 'nonsense' is not a key of a scenario");
  EXPECT_EQ(set(doc, "operations.0.tool", "emc"),
            "--set path 'operations.0.tool': the scenario has no list 'operations'");
  const std::string deep = set(doc, "servers.EX07.hardware.cores.more", "1");
  EXPECT_NE(deep.find("'more' is not a key under 'servers[].hardware.cores'"), std::string::npos)
      << deep;
  EXPECT_EQ(set(doc, "migration.max_threads", "[1, 2"),
            "--set migration.max_threads: the value '[1, 2' is not valid YAML: end of sequence "
            "flow not found");
  // None of the failures touched the document.
  EXPECT_EQ(YAML::Dump(doc), YAML::Dump(YAML::Load(kDoc)));
}

TEST(CheckOverridePath, ValidatesWithoutChangingTheDocument) {
  const YAML::Node doc = YAML::Load(kDoc);
  const std::string before = YAML::Dump(doc);
  EXPECT_EQ(check_override_path(doc, "servers.EX07.hardware.cores"), "");
  EXPECT_EQ(check_override_path(doc, "links.HQ-Branch.bandwidth"), "");
  // Into an absent optional section: fine, and nothing is created.
  EXPECT_EQ(check_override_path(doc, "simulation.horizon"), "");
  EXPECT_EQ(check_override_path(doc, "servers.EX03.backup.throughput"), "");
  EXPECT_NE(check_override_path(doc, "servers.EX08.hardware.cores").find("no entry 'EX08'"),
            std::string::npos);
  EXPECT_NE(check_override_path(doc, "migration.movers").find("did you mean 'mover'?"),
            std::string::npos);
  // Checking twice (two `costs` entries) sees the same document both times.
  EXPECT_EQ(check_override_path(doc, "servers.EX03.hardware.cores"), "");
  EXPECT_EQ(check_override_path(doc, "servers.EX07.hardware.cores"), "");
  EXPECT_EQ(YAML::Dump(doc), before);
}
