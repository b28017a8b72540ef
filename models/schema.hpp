// The JSON Schema of the scenario format (`coexlab schema`), for editors' YAML plug-ins.
// Kept in step with scenario_keys.cpp by a test.
#pragma once

#include <nlohmann/json.hpp>

namespace coexlab {

nlohmann::json scenario_json_schema();

}  // namespace coexlab
