// The kinds of resource a run samples (SPEC §4: summary.json resources[].kind, the ids of
// utilisation.csv and of `resource(...)` checks). Their text forms are output names: they are
// written from to_string alone.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace coexlab {

enum class ResourceKind {
  cpu,
  database_disk,
  log_disk,
  nic,
  log_space,
  database_space,
  hub_queue_disk,
  lan,
  link,
};

std::string_view to_string(ResourceKind k);
std::optional<ResourceKind> parse_resource_kind(std::string_view text);

// Space is a level (bytes held against a capacity), not a rate: it is never "busy" and
// never the busiest resource.
constexpr bool is_space(ResourceKind k) {
  return k == ResourceKind::log_space || k == ResourceKind::database_space;
}

// Every server has these, in this order ("SERVER/KIND"); a 2007 hub adds hub_queue_disk.
inline constexpr std::array<ResourceKind, 6> kServerResourceKinds{
    ResourceKind::cpu, ResourceKind::database_disk, ResourceKind::log_disk,
    ResourceKind::nic, ResourceKind::log_space,     ResourceKind::database_space};

}  // namespace coexlab
