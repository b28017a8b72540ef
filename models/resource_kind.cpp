#include "resource_kind.hpp"

#include <utility>

namespace coexlab {
namespace {

constexpr std::array<std::pair<ResourceKind, std::string_view>, 9> kNames{{
    {ResourceKind::cpu, "cpu"},
    {ResourceKind::database_disk, "database_disk"},
    {ResourceKind::log_disk, "log_disk"},
    {ResourceKind::nic, "nic"},
    {ResourceKind::log_space, "log_space"},
    {ResourceKind::database_space, "database_space"},
    {ResourceKind::hub_queue_disk, "hub_queue_disk"},
    {ResourceKind::lan, "lan"},
    {ResourceKind::link, "link"},
}};

}  // namespace

std::string_view to_string(ResourceKind k) {
  for (const auto& [kind, name] : kNames) {
    if (kind == k) return name;
  }
  return "unknown";
}

std::optional<ResourceKind> parse_resource_kind(std::string_view text) {
  for (const auto& [kind, name] : kNames) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

}  // namespace coexlab
