#include "cli.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include "atomic_file.hpp"
#include "coexlab/version.hpp"
#include "commands/command.hpp"

namespace coexlab {

int run_cli(int argc, char** argv) {
  // SIGINT / SIGTERM: no result file is half written (the handler removes the temporary file
  // or staging directory of a write in progress), and the exit code says which signal (SPEC
  // §3: 130 / 143). simulate() installs it again once SimGrid's engine exists.
  install_interrupt_handlers();
  CLI::App app{"coexlab: a virtual coexistence lab for Exchange 2003 -> 2007 migrations"};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(1);

  // Every command, in the order `--help` lists them.
  const std::vector<Command> commands{
      add_validate_command(app),    add_run_command(app),    add_plan_command(app),
      add_test_command(app),        add_bench_command(app),  add_whatif_command(app),
      add_bottlenecks_command(app), add_size_command(app),   add_calc_command(app),
      add_calibrate_command(app),   add_schema_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    for (const Command& c : commands) {
      if (c.app->parsed()) return c.run();
    }
  } catch (const std::exception& e) {
    std::cerr << "coexlab: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  return kExitUsage;
}

}  // namespace coexlab
