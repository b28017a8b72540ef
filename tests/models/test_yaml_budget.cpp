// Input limits that protect the loader from hostile YAML (docs/limits.md): aliases counted on
// the parser's events (billion laughs, cycles), the text size, and the same bounds on a
// `--set` value. Findings of the fuzz targets (tests/fuzz) that are not whole scenarios.
#include <gtest/gtest.h>

#include <string>

#include "loader.hpp"
#include "test_support.hpp"
#include "yaml_budget.hpp"

using namespace coexlab;
using namespace coexlab::testing;

TEST(YamlBudget, CountsNodesAsAReaderSeesThemAliasesExpanded) {
  // map + key + seq + 3 items = 6; then key b and the alias, which counts as the 4 nodes of
  // the list it names: 11.
  EXPECT_FALSE(check_yaml_budget("a: &x [1, 2, 3]", 6).has_value());
  EXPECT_TRUE(check_yaml_budget("a: &x [1, 2, 3]", 5).has_value());
  EXPECT_FALSE(check_yaml_budget("a: &x [1, 2, 3]\nb: *x", 11).has_value());
  const auto e = check_yaml_budget("a: &x [1, 2, 3]\nb: *x", 10);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->line, 2);  // the alias that crossed the budget
  EXPECT_EQ(e->column, 4);
  EXPECT_NE(e->message.find("more than 10 nodes"), std::string::npos) << e->message;
}

TEST(YamlBudget, RefusesAnAliasInsideTheNodeItNames) {
  const auto e = check_yaml_budget("a: &x {b: [*x]}", 1000);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->line, 1);
  EXPECT_EQ(e->column, 12);
  EXPECT_NE(e->message.find("alias '*x' refers to a node that contains it"), std::string::npos)
      << e->message;
}

TEST(YamlBudget, LeavesSyntaxErrorsToTheParser) {
  EXPECT_FALSE(check_yaml_budget("a: [1, 2", 100).has_value());
  const LoadResult r = load_scenario_text("a: [1, 2", "t.yaml");
  EXPECT_TRUE(has_error(r.diagnostics, "YAML syntax:")) << dump(r.diagnostics);
}

TEST(YamlBudget, ARedefinedAnchorCountsItsLatestNode) {
  // *x names the second definition (one scalar), not the first (a 3-item list).
  EXPECT_FALSE(check_yaml_budget("a: &x [1, 2, 3]\nb: &x 4\nc: *x", 10).has_value());
}

TEST(LoaderLimits, TextLargerThanTheFileLimitIsRefusedBeforeParsing) {
  const std::string big(static_cast<size_t>(Limits::kMaxFileBytes) + 1, '#');
  const LoadResult r = load_scenario_text(big, "big.yaml");
  EXPECT_FALSE(r.scenario.has_value());
  const Diagnostic* d = find_error(r.diagnostics, "more than the limit of 16777216");
  ASSERT_NE(d, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(d->pos.line, 1);
}

TEST(LoaderLimits, ASetValueWithACyclicAliasIsAUsageError) {
  // Found by hand while writing fuzz_set_path: the old code recorded every node of the value
  // recursively and overflowed the stack on a cycle.
  LoadOptions o;
  o.overrides.push_back({"workload", "&a [*a]"});
  const LoadResult r = load_checked(kBaseScenario, o);
  EXPECT_NE(r.usage_error.find("--set workload: the value is refused: alias '*a'"),
            std::string::npos)
      << r.usage_error;
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(LoaderLimits, ASetValueIsBoundedToTenThousandNodes) {
  std::string list = "[";
  for (int i = 0; i < Limits::kMaxOverrideNodes; ++i) list += "1,";
  list += "1]";
  LoadOptions o;
  o.overrides.push_back({"checks", list});
  const LoadResult r = load_checked(kBaseScenario, o);
  EXPECT_NE(r.usage_error.find("more than 10000 nodes"), std::string::npos) << r.usage_error;
}
