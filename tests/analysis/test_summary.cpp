// The summary.json reader (analysis/summary.hpp) against the writer's field names, and the
// resource kinds' text forms (models/resource_kind.hpp), which are output names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "resource_kind.hpp"
#include "summary.hpp"

using namespace coexlab;

TEST(ResourceKind, TextFormsRoundTrip) {
  for (ResourceKind k : {ResourceKind::cpu, ResourceKind::database_disk, ResourceKind::log_disk,
                         ResourceKind::nic, ResourceKind::log_space, ResourceKind::database_space,
                         ResourceKind::hub_queue_disk, ResourceKind::lan, ResourceKind::link}) {
    const auto back = parse_resource_kind(to_string(k));
    ASSERT_TRUE(back.has_value()) << to_string(k);
    EXPECT_EQ(*back, k);
  }
  EXPECT_EQ(to_string(ResourceKind::log_space), "log_space");
  EXPECT_EQ(to_string(ResourceKind::hub_queue_disk), "hub_queue_disk");
  EXPECT_FALSE(parse_resource_kind("Log_Space").has_value());
  EXPECT_TRUE(is_space(ResourceKind::database_space));
  EXPECT_FALSE(is_space(ResourceKind::log_disk));
}

TEST(SummaryReader, ReadsTheFieldsTheCommandsCompare) {
  const auto j = nlohmann::json::parse(R"({
    "migration": {"duration_s": 3600.5, "lower_bound_s": 1800.0, "completed": true,
                  "mailboxes_moved": 42},
    "bottleneck": {"resource": "link/HQ-Branch", "reason": "busiest"},
    "resources": [
      {"id": "EX07/cpu", "kind": "cpu", "mean_utilisation": 0.2, "peak_utilisation": 0.5,
       "busy_during_moves": 0.3},
      {"id": "EX07/log_space", "kind": "log_space", "mean_utilisation": 0.9,
       "peak_utilisation": 0.99, "busy_during_moves": null},
      {"id": "link/HQ-Branch", "kind": "link", "mean_utilisation": 0.6,
       "peak_utilisation": 0.97, "busy_during_moves": 0.95}
    ]})");
  const RunSummary s = read_summary(j);
  EXPECT_EQ(s.duration_s, 3600.5);
  EXPECT_EQ(s.lower_bound_s, 1800.0);
  EXPECT_EQ(s.completed, true);
  EXPECT_EQ(s.mailboxes_moved, 42);
  EXPECT_EQ(s.bottleneck, "link/HQ-Branch");
  ASSERT_EQ(s.resources.size(), 3u);
  ASSERT_NE(s.resource("EX07/cpu"), nullptr);
  EXPECT_EQ(s.resource("EX07/cpu")->busy_during_moves, 0.3);
  EXPECT_EQ(s.resource("EX07/log_space")->busy_during_moves, std::nullopt);
  EXPECT_EQ(s.resource("EX07/nic"), nullptr);
  // Space is never the busiest, however full: the link is.
  ASSERT_NE(s.busiest(), nullptr);
  EXPECT_EQ(s.busiest()->id, "link/HQ-Branch");
  EXPECT_EQ(json_or_null(s.duration_s).dump(), "3600.5");
}

TEST(SummaryReader, NullsAndAMissingSummaryLeaveFieldsUnset) {
  // A run where no move started: duration and bound null, no bottleneck.
  const auto j = nlohmann::json::parse(R"({
    "migration": {"duration_s": null, "lower_bound_s": null, "completed": false},
    "bottleneck": null, "resources": []})");
  const RunSummary s = read_summary(j);
  EXPECT_FALSE(s.duration_s.has_value());
  EXPECT_FALSE(s.lower_bound_s.has_value());
  EXPECT_EQ(s.completed, false);
  EXPECT_FALSE(s.bottleneck.has_value());
  EXPECT_EQ(s.busiest(), nullptr);
  EXPECT_EQ(json_or_null(s.duration_s).dump(), "null");
  // A crashed child writes no summary at all.
  const RunSummary none = read_summary(nlohmann::json());
  EXPECT_FALSE(none.completed.has_value());
  EXPECT_TRUE(none.resources.empty());
}
