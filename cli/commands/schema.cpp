// coexlab schema: the JSON Schema of the scenario format.
#include <iostream>

#include "cli.hpp"
#include "command.hpp"
#include "schema.hpp"

namespace coexlab {

Command add_schema_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "schema", "Print the JSON Schema of the scenario format (for an editor's YAML plug-in)");
  return {cmd, [] {
            std::cout << scenario_json_schema().dump(2) << '\n';
            return int(kExitOk);
          }};
}

}  // namespace coexlab
