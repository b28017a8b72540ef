// Reading summary.json back (SPEC §4): the fields the commands compare across runs, typed.
// The writer is summary_json (results.hpp); both name the fields through summary_key, so a
// renamed field is renamed for the readers too. The sweeps read their children's summaries
// with it (cli/commands: whatif, size, bottlenecks, bench, calc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "resource_kind.hpp"

namespace coexlab {

namespace summary_key {
inline constexpr const char* migration = "migration";
inline constexpr const char* duration_s = "duration_s";
inline constexpr const char* lower_bound_s = "lower_bound_s";
inline constexpr const char* completed = "completed";
inline constexpr const char* mailboxes_moved = "mailboxes_moved";
inline constexpr const char* bottleneck = "bottleneck";
inline constexpr const char* resource = "resource";
inline constexpr const char* resources = "resources";
inline constexpr const char* id = "id";
inline constexpr const char* kind = "kind";
inline constexpr const char* mean_utilisation = "mean_utilisation";
inline constexpr const char* peak_utilisation = "peak_utilisation";
inline constexpr const char* busy_during_moves = "busy_during_moves";
}  // namespace summary_key

struct SummaryResource {
  std::string id;
  std::optional<ResourceKind> kind;  // nullopt: a kind this build does not know
  std::optional<double> mean_utilisation;
  std::optional<double> peak_utilisation;
  std::optional<double> busy_during_moves;
};

struct RunSummary {
  // migration.*: nullopt where the summary has null (no move ran) or lacks the field.
  std::optional<double> duration_s;
  std::optional<double> lower_bound_s;
  std::optional<bool> completed;
  std::optional<std::int64_t> mailboxes_moved;
  std::optional<std::string> bottleneck;  // bottleneck.resource
  std::vector<SummaryResource> resources;

  // Pointers into `resources`: not callable on a temporary (read_summary(j).resource(id)
  // would dangle at the end of the statement).
  const SummaryResource* resource(std::string_view id) const&;
  const SummaryResource* resource(std::string_view id) const&& = delete;
  // The rate resource (not space) with the highest peak utilisation; nullptr when none.
  const SummaryResource* busiest() const&;
  const SummaryResource* busiest() const&& = delete;
};

// Any JSON: a missing or mistyped field is left unset (a crashed child has no summary).
RunSummary read_summary(const nlohmann::json& summary);

// A field as a JSON value for a row: the number (or bool, text), or null when unset.
template <class T>
nlohmann::ordered_json json_or_null(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

}  // namespace coexlab
