// Semantic checks of a loaded scenario (SPEC §1): unique names, references, layout rules
// L1-L11, the management-tool rule, windows and limits. Fills what Exchange setup would
// (the implicit coexistence connector of L7). Every problem is reported in one pass.
#pragma once

#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

void check_rules(Scenario& s, Diagnostics& d);

// Load + rules: what `coexlab validate` and every other command do first.
struct LoadResult;
struct LoadOptions;
LoadResult load_and_check(const std::string& path, const LoadOptions& options);

}  // namespace coexlab
