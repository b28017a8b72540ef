// coexlab run FILE: simulate, print a summary, write the result files atomically.
#include <functional>
#include <iostream>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "bottleneck.hpp"
#include "check_eval.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "loader.hpp"
#include "log_spec.hpp"
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
  std::string seed;  // parsed by parse_seed, the parser of the file's `seed:`
  bool seed_given = false;
  std::string log;
  bool quiet = false;
  bool wide_utilisation = false;
  bool timing = false;
};

int run(const RunOptions& o) {
  set_quiet_warnings(o.quiet);
  std::optional<std::uint64_t> seed;
  if (auto code = check_run_options(o.seed_given, o.seed, o.log, seed)) return *code;
  std::optional<Scenario> scenario;
  ReportOptions report;
  if (auto code = load_for_command(o.file, o.sets, seed, scenario, &report.warnings)) return *code;
  const Scenario& s = *scenario;
  const std::string dir = o.out_dir.empty() ? "results/" + s.name : o.out_dir;
  // Before simulating: a run of minutes must not end in "cannot write".
  if (std::string err = check_output_dir(dir); !err.empty()) {
    std::cerr << "coexlab: " << (o.out_dir.empty() ? "output directory" : "--out") << ' ' << dir
              << ": " << err << '\n';
    return kExitUsage;
  }
  sim::SimulationOptions sim_options;
  sim_options.log = o.log;
  const sim::SimulationOutput out = sim::simulate(s, sim_options);
  // The bottleneck estimate, once for the summary, the report and the text.
  const RunData run_alone{s, out.mailboxes, out.queue, out.recording};
  const Bottleneck bottleneck = estimate_bottleneck(run_alone, migration_metrics(run_alone));
  const RunData data{s, out.mailboxes, out.queue, out.recording, &bottleneck};
  nlohmann::ordered_json summary = summary_json(data, nlohmann::ordered_json::array());
  // The scenario's checks, against the summary they are about: written with it, exit 1 if any
  // fails.
  summary["checks"] = evaluate_checks(s.checks, summary);
  const auto text = [](std::string content) {
    return [c = std::move(content)](const std::function<void(std::string_view)>& emit) { emit(c); };
  };
  // summary.json last: in a directory shared with other files it marks a complete set.
  std::vector<ResultFile> files{
      {"moves.csv", [&](const auto& emit) { write_moves_csv(data, emit); }},
      {"mailboxes.csv", text(mailboxes_csv(data))},
      {"utilisation.csv", [&](const auto& emit) { write_utilisation_csv(data, emit); }},
      {"report.html", text(report_html(data, report))},
      {"trace.json", text(trace_json(data))},
      {"summary.json", text(summary.dump(2) + "\n")},
  };
  if (o.wide_utilisation) {  // before summary.json, which marks a complete set
    files.insert(files.end() - 1, ResultFile{"utilisation_wide.csv", [&](const auto& emit) {
                                               write_utilisation_wide_csv(data, emit);
                                             }});
  }
  if (o.timing) {  // this machine's measurements: the one file a rerun does not reproduce
    nlohmann::ordered_json timing;
    timing["scheduler_cpu_s"] = out.scheduler_wall_s;
    files.insert(files.end() - 1, ResultFile{"timing.json", text(timing.dump(2) + "\n")});
  }
  if (std::string err = write_result_set(dir, files); !err.empty()) {
    std::cerr << "coexlab: " << err << '\n';
    return kExitInternal;
  }
  const bool passed = all_passed(summary["checks"]);
  if (!o.quiet) {
    std::cout << human_summary(data, dir) << checks_summary(summary["checks"]);
  } else if (!passed) {
    std::cerr << checks_summary(summary["checks"]);  // quiet only on success
  }
  return passed ? kExitOk : kExitInvalid;
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
  cmd->add_option("--seed", o->seed, "override the scenario's seed: decimal, 0 to 2^63 - 1")
      ->each([o](const std::string&) { o->seed_given = true; });
  cmd->add_option("--log", o->log, "SimGrid log setting, e.g. root.thres:info (default: silent)");
  cmd->add_flag("--quiet", o->quiet, "print nothing on success (warnings included)");
  cmd->add_flag("--wide-utilisation", o->wide_utilisation,
                "also write utilisation_wide.csv: one row per sample time, one column per "
                "resource (fits a spreadsheet's row limit on long runs)");
  cmd->add_flag("--timing", o->timing,
                "also write timing.json: the wall time the scheduler spent deciding "
                "(scheduler_cpu_s); not reproducible, so off by default");
  return {cmd, [o] { return run(*o); }};
}

}  // namespace coexlab
