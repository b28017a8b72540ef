// coexlab plan FILE: simulate as `run` does, then turn the simulated schedule into the wave
// plan an administrator runs (analysis/plan.hpp): plan.csv, waves.csv, plan.ps1.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "calendar.hpp"
#include "calibration.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "finish_chance.hpp"
#include "plan.hpp"
#include "simulate.hpp"
#include "support.hpp"
#include "units.hpp"

namespace coexlab {
namespace {

struct PlanCommandOptions {
  std::string file;
  std::string out_dir;
  std::string margin = "0 %";
  std::string calibration;  // fit.json of `calibrate`, or the directory it wrote
  std::vector<std::string> sets;
  std::string seed;  // parsed by parse_seed, the parser of the file's `seed:`
  bool seed_given = false;
  std::string log;
  bool quiet = false;
};

// "--margin 20 %": a share with its `%`, 0 % or more and below 100 %; else the reason.
std::string margin_error(const std::string& text, double* value) {
  const units::ParsedQuantity q = units::parse_quantity(text, units::Dimension::share);
  if (!q.ok()) return q.error;
  if (!(q.base_value >= 0 && q.base_value < 1))
    return fmt::format("'{}': the margin is a share from 0 % to below 100 %", text);
  if (value) *value = q.base_value;
  return "";
}

// --calibration: fit.json (or DIR/fit.json) read into `out`, checked against the scenario's
// constants: the interval holds for the fitted ones only. Returns "" or the usage error.
std::string read_calibration(const std::string& given, const Scenario& s, DurationInterval& out) {
  std::string path = given;
  if (std::filesystem::is_directory(path))
    path = (std::filesystem::path(path) / "fit.json").string();
  std::ifstream in(path);
  if (!in)
    return fmt::format("--calibration {}: cannot read it (expected calibrate's fit.json)", path);
  std::stringstream text;
  text << in.rdbuf();
  if (std::string err = read_duration_interval(text.str(), out); !err.empty())
    return fmt::format("--calibration {}: {}", path, err);
  const CostModel model = CostModel::from(s.calibration);
  for (const auto& [name, fitted] : out.fitted) {
    if (!find_calibration_constant(name))
      return fmt::format("--calibration {}: unknown constant '{}'", path, name);
    const double used = model.get(name);
    // calibration.yaml writes 6 significant digits.
    if (!(std::abs(used - fitted) <= 1e-5 * std::abs(fitted)))
      return fmt::format(
          "--calibration {}: the scenario has calibration.{} = {:g}, the fit {:g}: the interval "
          "is for the fitted constants, so paste calibration.yaml (beside fit.json) under the "
          "scenario's calibration: first, or --set calibration.{}=...",
          path, name, used, fitted, name);
  }
  return "";
}

std::string spare_text(double spare_s) {
  return spare_s >= 0 ? "spare " + units::format_duration(Seconds{spare_s})
                      : "OVERRUN " + units::format_duration(Seconds{-spare_s});
}

int run_plan(const PlanCommandOptions& o) {
  PlanOptions plan_options;
  if (std::string err = margin_error(o.margin, &plan_options.margin); !err.empty()) {
    std::cerr << "coexlab: --margin: " << err << '\n';  // checked by the option already
    return kExitUsage;
  }
  set_quiet_warnings(o.quiet);
  std::optional<std::uint64_t> seed;
  if (auto code = check_run_options(o.seed_given, o.seed, o.log, seed)) return *code;
  std::optional<Scenario> scenario;
  if (auto code = load_for_command(o.file, o.sets, seed, scenario)) return *code;
  const Scenario& s = *scenario;
  std::optional<DurationInterval> interval;
  if (!o.calibration.empty()) {
    interval.emplace();
    if (std::string err = read_calibration(o.calibration, s, *interval); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitUsage;
    }
  }
  sim::SimulationOptions sim_options;
  sim_options.log = o.log;
  const sim::SimulationOutput out = sim::simulate(s, sim_options);
  const RunData data{s, out.mailboxes, out.queue, out.recording};
  Plan plan = make_plan(data, plan_options);
  if (interval) {
    for (PlanWave& w : plan.waves)
      w.finish_chance = finish_chance(*interval, w.first_start, w.predicted_end, w.window.to.value);
  }
  const std::string dir = o.out_dir.empty() ? "results/" + s.name : o.out_dir;
  for (const auto& [name, content] :
       {std::pair<std::string, std::string>{"plan.csv", plan_csv(data, plan)},
        {"waves.csv", waves_csv(data, plan)},
        {"plan.ps1", plan_ps1(data, plan, plan_options)}}) {
    std::string path = dir;
    path += '/';
    path += name;
    if (std::string err = write_file_atomically(path, content); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  if (o.quiet) return kExitOk;
  std::cout << fmt::format(
      "{} (seed {}): {} mailboxes in {} wave(s), {} unplanned (margin {:g} %)\n", s.name, s.seed,
      plan.rows.size(), plan.waves.size(), plan.unplanned, plan_options.margin * 100);
  for (const PlanWave& w : plan.waves) {
    const CivilTime from = civil_at(s.start, w.window.from.value);
    const CivilTime to = civil_at(s.start, w.window.to.value);
    const CivilTime end = civil_at(s.start, w.predicted_end);
    std::cout << fmt::format(
        "  wave {:<3} {} to {}  {:>6} mailboxes  {:>10}  predicted end {}  {}{}\n", w.number,
        from.iso().substr(0, 16), to.iso().substr(0, 16), w.mailboxes,
        units::format_bytes(Bytes{w.bytes}), end.iso().substr(0, 16),
        spare_text(w.window.to.value - w.predicted_end),
        w.finish_chance ? fmt::format("  chance to finish {:.1f} %", *w.finish_chance * 100) : "");
  }
  if (plan.unplanned > 0)
    std::cout << fmt::format(
        "  unplanned {} mailboxes, {} (not started before the horizon{})\n", plan.unplanned,
        units::format_bytes(Bytes{plan.unplanned_bytes}),
        plan_options.margin > 0 ? ", or pushed past the last window by the margin" : "");
  size_t by_margin = 0;
  for (const PlannedMailbox& p : plan.rows) by_margin += p.wave && p.by_margin ? 1 : 0;
  if (by_margin > 0)
    std::cout << fmt::format(
        "  margin    {} mailboxes moved to a later wave (their times there are estimates: "
        "plan.csv predicted_by=margin)\n",
        by_margin);
  if (interval)
    std::cout << fmt::format(
        "  chance    from the calibrated {:g} % interval {} .. {} of the whole migration "
        "(waves.csv finish_chance; docs/outputs.md)\n",
        interval->level * 100, units::format_duration(Seconds{interval->low_s}),
        units::format_duration(Seconds{interval->high_s}));
  std::cout << fmt::format("  results   {}/ (plan.csv, waves.csv, plan.ps1)\n", dir);
  return kExitOk;
}

}  // namespace

Command add_plan_command(CLI::App& app) {
  auto o = std::make_shared<PlanCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Simulate a scenario and turn the simulated schedule into a wave plan: plan.csv (per "
      "mailbox: wave, window, predicted start and end), waves.csv (per wave) and plan.ps1 (an "
      "Exchange Management Shell script of Move-Mailbox blocks, one per wave and target "
      "database) in the output directory (docs/outputs.md)");
  cmd->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out_dir,
                  "output directory for plan.csv, waves.csv and plan.ps1 (default "
                  "results/<scenario>)");
  cmd->add_option("--margin", o->margin,
                  "share of each window to leave free, e.g. '20 %': a mailbox predicted to end "
                  "after window start + (1 - margin) x window length moves to the next wave "
                  "(default 0 %: the simulated waves)")
      ->check(
          CLI::Validator([](std::string& text) { return margin_error(text, nullptr); }, "SHARE"));
  cmd->add_option("--calibration", o->calibration,
                  "fit.json of `coexlab calibrate` (or the directory it wrote): waves.csv then "
                  "gives each wave's chance of finishing inside its window, from the fit's "
                  "interval (the scenario must carry the fitted constants)");
  cmd->add_option("--set", o->sets,
                  "override a key: PATH=VALUE, e.g. migration.max_threads=8 (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--seed", o->seed, "override the scenario's seed: decimal, 0 to 2^63 - 1")
      ->each([o](const std::string&) { o->seed_given = true; });
  cmd->add_option("--log", o->log, "SimGrid log setting, e.g. root.thres:info (default: silent)");
  cmd->add_flag("--quiet", o->quiet, "print nothing on success");
  return {cmd, [o] { return run_plan(*o); }};
}

}  // namespace coexlab
