#include "cli.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "atomic_file.hpp"
#include "coexlab/version.hpp"
#include "loader.hpp"
#include "overrides.hpp"
#include "results.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "simulate.hpp"

namespace coexlab {
namespace {

void print_diagnostics(const Diagnostics& d) {
  for (const Diagnostic& x : d.sorted()) std::cerr << x.format() << '\n';
}

int cmd_validate(const std::vector<std::string>& files) {
  int worst = kExitOk;
  for (const std::string& f : files) {
    LoadResult r = load_and_check(f, {});
    if (!r.usage_error.empty()) {
      std::cerr << "coexlab: " << r.usage_error << '\n';
      return kExitUsage;
    }
    print_diagnostics(r.diagnostics);
    if (r.diagnostics.has_errors()) {
      worst = kExitInvalid;
      std::cerr << fmt::format("{}: {} error(s)\n", f, r.diagnostics.error_count());
    } else {
      std::cout << fmt::format("{}: valid ({} warning(s))\n", f,
                               r.diagnostics.all().size() - size_t(r.diagnostics.error_count()));
    }
  }
  return worst;
}

struct RunOptions {
  std::string file;
  std::string out_dir;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::string log;
  bool quiet = false;
};

// Loads and checks a scenario with command-line overrides. Returns an exit code, or
// nullopt with `scenario` set when the scenario is valid.
std::optional<int> load_for_command(const std::string& file, const std::vector<std::string>& sets,
                                    std::optional<std::uint64_t> seed, std::optional<Scenario>& scenario) {
  LoadOptions options;
  options.seed = seed;
  for (const std::string& text : sets) {
    Override o;
    std::string error;
    if (!split_assignment(text, &o.path, &o.value, &error)) {
      std::cerr << "coexlab: --set " << error << '\n';
      return kExitUsage;
    }
    options.overrides.push_back(o);
  }
  LoadResult r = load_and_check(file, options);
  if (!r.usage_error.empty()) {
    std::cerr << "coexlab: " << r.usage_error << '\n';
    return kExitUsage;
  }
  print_diagnostics(r.diagnostics);
  if (r.diagnostics.has_errors()) return kExitInvalid;
  scenario = std::move(r.scenario);
  return std::nullopt;
}

int cmd_run(const RunOptions& o) {
  std::optional<Scenario> scenario;
  if (auto code = load_for_command(o.file, o.sets, o.seed, scenario)) return *code;
  const Scenario& s = *scenario;
  sim::SimulationOptions sim_options;
  sim_options.log = o.log;
  const sim::SimulationOutput out = sim::simulate(s, sim_options);
  const RunData run{s, out.mailboxes, out.queue, out.recording};
  const std::string dir = o.out_dir.empty() ? "results/" + s.name : o.out_dir;
  const nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& [name, content] :
       {std::pair<std::string, std::string>{"summary.json", summary_json(run, checks).dump(2) + "\n"},
        {"moves.csv", moves_csv(run)},
        {"utilisation.csv", utilisation_csv(run)}}) {
    if (std::string err = write_file_atomically(dir + "/" + name, content); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  if (!o.quiet) std::cout << human_summary(run, dir);
  return kExitOk;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"coexlab: a virtual coexistence lab for Exchange 2003 -> 2007 migrations"};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(1);

  std::vector<std::string> validate_files;
  CLI::App* validate = app.add_subcommand(
      "validate", "Parse scenarios and check the layout rules, the plan and the tools; print "
                  "every error and warning (exit 1 on errors, 0 with warnings only)");
  validate->add_option("FILE", validate_files, "scenario files")->required()->check(CLI::ExistingFile);

  RunOptions run_options;
  CLI::App* run = app.add_subcommand(
      "run", "Simulate a scenario; print a summary; write summary.json, moves.csv and "
             "utilisation.csv to the output directory");
  run->add_option("FILE", run_options.file, "scenario file")->required()->check(CLI::ExistingFile);
  run->add_option("--out", run_options.out_dir, "output directory (default results/<scenario>)");
  run->add_option("--set", run_options.sets,
                  "override a key: PATH=VALUE, e.g. servers.EX07-HQ1.hardware.cores=8 (repeatable)")
      ->allow_extra_args(false);
  run->add_option("--seed", run_options.seed, "override the scenario's seed");
  run->add_option("--log", run_options.log, "SimGrid log setting, e.g. root.thres:info (default: silent)");
  run->add_flag("--quiet", run_options.quiet, "print nothing on success");

  CLI::App* schema = app.add_subcommand(
      "schema", "Print the JSON Schema of the scenario format (for an editor's YAML plug-in)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (validate->parsed()) return cmd_validate(validate_files);
    if (run->parsed()) return cmd_run(run_options);
    if (schema->parsed()) {
      std::cout << scenario_json_schema().dump(2) << '\n';
      return kExitOk;
    }
  } catch (const std::exception& e) {
    std::cerr << "coexlab: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  return kExitUsage;
}

}  // namespace coexlab
