// coexlab run FILE: simulate, print a summary, write the result files atomically.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "check_eval.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "report.hpp"
#include "results.hpp"
#include "simulate.hpp"
#include "support.hpp"
#include "trace.hpp"

namespace coexlab {
namespace {

struct RunOptions {
  std::string file;
  std::string out_dir;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::string log;
  bool quiet = false;
};

int run(const RunOptions& o) {
  std::optional<Scenario> scenario;
  if (auto code = load_for_command(o.file, o.sets, o.seed, scenario)) return *code;
  const Scenario& s = *scenario;
  sim::SimulationOptions sim_options;
  sim_options.log = o.log;
  const sim::SimulationOutput out = sim::simulate(s, sim_options);
  const RunData data{s, out.mailboxes, out.queue, out.recording};
  const std::string dir = o.out_dir.empty() ? "results/" + s.name : o.out_dir;
  nlohmann::ordered_json summary = summary_json(data, nlohmann::ordered_json::array());
  // The scenario's checks, against the summary they are about: written with it, exit 1 if any
  // fails.
  summary["checks"] = evaluate_checks(s.checks, summary);
  for (const auto& [name, content] :
       {std::pair<std::string, std::string>{"summary.json", summary.dump(2) + "\n"},
        {"moves.csv", moves_csv(data)},
        {"mailboxes.csv", mailboxes_csv(data)},
        {"utilisation.csv", utilisation_csv(data)},
        {"report.html", report_html(data)},
        {"trace.json", trace_json(data)}}) {
    if (std::string err = write_file_atomically(dir + "/" + name, content); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  if (!o.quiet) std::cout << human_summary(data, dir) << checks_summary(summary["checks"]);
  return all_passed(summary["checks"]) ? kExitOk : kExitInvalid;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd =
      app.add_subcommand("run",
                         "Simulate a scenario; print a summary; write summary.json, moves.csv, "
                         "mailboxes.csv, utilisation.csv, report.html and trace.json to the output "
                         "directory (the fields: docs/outputs.md)");
  cmd->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out_dir,
                  "output directory for summary.json, moves.csv, mailboxes.csv, utilisation.csv, "
                  "report.html and trace.json (default results/<scenario>)");
  cmd->add_option("--set", o->sets,
                  "override a key: PATH=VALUE, e.g. servers.EX07-HQ1.hardware.cores=8 (repeatable)")
      ->allow_extra_args(false);
  // A negative seed would wrap around to 2^64 - 1 in the unsigned option: refuse it here, as
  // bad usage (exit 2), before the conversion.
  cmd->add_option("--seed", o->seed, "override the scenario's seed (a whole number, 0 or more)")
      ->check(CLI::Validator(
          [](std::string& text) {
            const auto first = text.find_first_not_of(" \t");
            return first != std::string::npos && text[first] == '-'
                       ? std::string("the seed must be a whole number, 0 or more, not " + text)
                       : std::string();
          },
          "SEED>=0"));
  cmd->add_option("--log", o->log, "SimGrid log setting, e.g. root.thres:info (default: silent)");
  cmd->add_flag("--quiet", o->quiet, "print nothing on success");
  return {cmd, [o] { return run(*o); }};
}

}  // namespace coexlab
