// YAML -> Scenario: reads the file with positions, applies `--set` overrides, fills the
// defaults of SPEC §2 and reports every problem of the file in one pass (a YAML syntax
// error alone). Semantic rules across entities (L1-L11, references) are in rules.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

struct Override {
  std::string path;   // dotted, list entries by name: servers.EX07-HQ1.hardware.cores
  std::string value;  // parsed as YAML
};

struct LoadOptions {
  std::vector<Override> overrides;
  std::optional<std::uint64_t> seed;  // --seed, beats the file's seed
};

struct LoadResult {
  // Set whenever the YAML parsed, also when there are errors (then partial, for the rules to
  // report what else is wrong in the same pass): check diagnostics.has_errors().
  std::optional<Scenario> scenario;
  Diagnostics diagnostics;
  std::string usage_error;  // a bad --set path or value syntax (exit 2); diagnostics empty
};

// The seed, in the file (`seed:`) and on the command line (`--seed`) alike: decimal (leading
// zeros too: "010" is ten), in [0, 2^63 - 1]. nullopt with `error` set otherwise.
std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* error);

// Reads and loads a file. Never throws on user input.
LoadResult load_scenario_file(const std::string& path, const LoadOptions& options = {});
// Same from text; `label` names the source in messages.
LoadResult load_scenario_text(const std::string& text, const std::string& label,
                              const LoadOptions& options = {});

// Limits enforced before any allocation proportional to them (docs/limits.md).
struct Limits {
  static constexpr std::int64_t kMaxFileBytes = std::int64_t{16} * 1024 * 1024;
  static constexpr std::int64_t kMaxMailboxesPerDatabase = 1'000'000;
  static constexpr std::int64_t kMaxMailboxesTotal = 2'000'000;
  static constexpr int kMaxServers = 2'000;
  static constexpr int kMaxSites = 1'000;
  static constexpr int kMaxDatabasesPerServer = 200;
  static constexpr int kMaxThreads = 1'000;
  static constexpr int kFastThreads = 100;
  static constexpr std::int64_t kMaxOrderSeed =
      (std::int64_t{1} << 53) - 1;  // exact in JSON  // above it, a warning with the measured cost
  static constexpr double kMaxHorizonSeconds = 3650.0 * 86400;
  static constexpr double kMaxSamples = 2'000'000;  // horizon / sample_interval
  // samples x sampled resources: the values held in memory and the lines of utilisation.csv
  // (about 40 bytes each); checked by the rules, which know the resources.
  static constexpr double kMaxSampleValues = 10'000'000;
  static constexpr int kMaxYamlNodes = 2'000'000;   // after alias expansion
  static constexpr int kMaxOverrideNodes = 10'000;  // one --set value, aliases expanded
  // simulation.mail_flow: per_message: messages a run may simulate before its horizon (each
  // is an actor for its journey and a recorded latency; aggregate mode has no such cost).
  static constexpr double kMaxPerMessageMessages = 20'000'000;
};

}  // namespace coexlab
