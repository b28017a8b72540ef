// The scenario after defaults and overrides, echoed into summary.json (as desmod echoes its
// configuration). Same keys as the YAML; quantities as strings in base units that the
// loader reads back ("1250000 B/s", "0.03 s"), so the echo is itself a valid scenario.
#pragma once

#include <nlohmann/json.hpp>

#include "scenario.hpp"

namespace coexlab {

nlohmann::ordered_json resolved_scenario(const Scenario& s);

}  // namespace coexlab
