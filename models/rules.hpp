// Semantic checks of a loaded scenario (SPEC §1): unique names, references, layout rules
// L1-L11, the management-tool rule, windows and limits. Fills what Exchange setup would
// (the implicit coexistence connector of L7). Every problem is reported in one pass.
#pragma once

#include <string_view>
#include <vector>

#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

// Every rule, then the scenario's `acknowledge`: its warnings are dropped from `d` (an unknown
// id, or one that never warns, is an error with a suggestion).
void check_rules(Scenario& s, Diagnostics& d);

// The ids of the rules that can warn, which `acknowledge` takes (docs/format.md).
const std::vector<std::string_view>& acknowledgeable_rules();

// Load + rules: what `coexlab validate` and every other command do first.
struct LoadResult;
struct LoadOptions;
LoadResult load_and_check(const std::string& path, const LoadOptions& options);

}  // namespace coexlab
