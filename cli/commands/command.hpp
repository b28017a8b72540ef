// One file per command: each defines `Command add_NAME_command(CLI::App& app)`, which adds
// its subcommand and options to `app` and returns how to run it once parsed. cli.cpp lists
// them. Shared chores (loading with --set, printing diagnostics) are in support.hpp.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace coexlab {

struct Command {
  CLI::App* app = nullptr;   // the subcommand
  std::function<int()> run;  // returns the exit code (cli.hpp)
};

Command add_validate_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_bench_command(CLI::App& app);
Command add_schema_command(CLI::App& app);
Command add_test_command(CLI::App& app);
Command add_whatif_command(CLI::App& app);
Command add_size_command(CLI::App& app);
Command add_bottlenecks_command(CLI::App& app);
Command add_calc_command(CLI::App& app);
Command add_plan_command(CLI::App& app);
Command add_calibrate_command(CLI::App& app);

}  // namespace coexlab
