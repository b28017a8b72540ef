// coexlab validate FILE...: every error and warning of each file.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli.hpp"
#include "command.hpp"
#include "loader.hpp"
#include "rules.hpp"
#include "support.hpp"

namespace coexlab {

Command add_validate_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Parse scenarios and check the layout rules, the plan and the tools; print "
      "every error and warning (exit 1 on errors, 0 with warnings only)");
  cmd->add_option("FILE", *files, "scenario files")->required()->check(CLI::ExistingFile);
  return {cmd, [files] {
            int worst = kExitOk;
            for (const std::string& f : *files) {
              LoadResult r = load_and_check(f, {});
              print_diagnostics(r.diagnostics);
              if (r.diagnostics.has_errors()) {
                worst = kExitInvalid;
                std::cerr << fmt::format("{}: {} error(s)\n", f, r.diagnostics.error_count());
              } else {
                std::cout << fmt::format(
                    "{}: valid ({} warning(s))\n", f,
                    r.diagnostics.all().size() - size_t(r.diagnostics.error_count()));
              }
            }
            return worst;
          }};
}

}  // namespace coexlab
