// The keys of the scenario format, per context: one table that the loader (unknown keys,
// "did you mean"), the `--set` path resolver and the schema test all read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace coexlab {

// A context is a generic dotted path with "[]" for list entries: "servers[].hardware".
// Returns nullptr for an unknown context. The calibration context's keys come from the
// calibration registry (models/calibration.hpp) plus `mode`.
const std::vector<std::string_view>* keys_of(std::string_view context);

// True when `context` + "." + key is a list of named (or indexed) entries.
bool is_list_key(std::string_view context, std::string_view key);

// The closest key to `wrong` in `candidates` (edit distance <= 2, or a prefix), or "".
std::string did_you_mean(std::string_view wrong, const std::vector<std::string_view>& candidates);

}  // namespace coexlab
