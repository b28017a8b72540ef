// coexlab calibrate FILE --pilot PILOT.csv: fits the cost model's move constants to the pilot's
// measured move durations (SPEC §5.4). The pilot is simulated as it ran (models/pilot.hpp),
// each candidate set of constants in its own `coexlab run` child through the sweep runner
// (analysis/sweep.hpp; --jobs N at once), by GSL's least squares (analysis/calibrate.hpp);
// then the whole scenario with the fitted constants. docs/calibrate.md tells the story.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "calibrate.hpp"
#include "calibration.hpp"
#include "cli.hpp"
#include "coexlab/version.hpp"
#include "command.hpp"
#include "csv.hpp"
#include "inventory.hpp"
#include "loader.hpp"
#include "mailboxes.hpp"
#include "overrides.hpp"
#include "pilot.hpp"
#include "rules.hpp"
#include "support.hpp"
#include "sweep.hpp"
#include "sweep_support.hpp"
#include "units.hpp"

namespace coexlab {
namespace {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

struct CalibrateOptions {
  std::string file;
  std::string pilot;
  std::string out_dir;
  std::vector<std::string> fit;
  std::vector<std::string> sets;
  int jobs = 1;
  double timeout_s = 0;
  double level = 0.9;
  bool mpi = false;  // acted on by main() (os/mpi_sweep.hpp): the candidates go to the ranks
};

// A constant's value as `--set` and calibration.yaml write it: SI with its unit, enough
// digits to read back the same double.
std::string set_value(const CalibrationConstant& c, double v) {
  if (c.dimension == units::Dimension::time) return fmt::format("{:.17g} s", v);
  if (c.dimension == units::Dimension::size) return fmt::format("{:.17g} B", v);
  return fmt::format("{:.17g}", v);
}

// What calibration.yaml writes and the fitted runs use: 6 significant digits in the unit a
// person writes (ms below a second), so that pasting it reproduces the fitted run.
std::string yaml_value(const CalibrationConstant& c, double v) {
  if (c.dimension == units::Dimension::time && v < 1) return fmt::format("{:.6g} ms", v * 1e3);
  if (c.dimension == units::Dimension::time) return fmt::format("{:.6g} s", v);
  if (c.dimension == units::Dimension::size) return fmt::format("{:.6g} B", v);
  return fmt::format("{:.6g}", v);
}

// For people: milliseconds for times below a second, 4 significant digits.
std::string shown_value(const CalibrationConstant& c, double v) {
  if (c.dimension == units::Dimension::time && v < 1) return fmt::format("{:.4g} ms", v * 1e3);
  if (c.dimension == units::Dimension::time) return fmt::format("{:.4g} s", v);
  if (c.dimension == units::Dimension::size) return units::format_bytes(Bytes{v});
  return fmt::format("{:.4g}", v);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Seconds each pilot mailbox took in one child's moves.csv (its moved attempt); -1: none.
std::vector<double> durations_from_moves_csv(const std::string& text,
                                             const std::vector<std::string>& ids) {
  std::vector<double> out(ids.size(), -1);
  CsvLimits limits;
  limits.max_records = std::int64_t{1} << 40;
  const CsvReadResult csv = read_csv_text(text, "moves.csv", limits);
  if (csv.error || csv.records.empty()) return out;
  int c_mailbox = -1, c_start = -1, c_end = -1, c_state = -1;
  const auto& header = csv.records.front().fields;
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string& h = header[c].text;
    if (h == "mailbox") c_mailbox = int(c);
    if (h == "start_s") c_start = int(c);
    if (h == "end_s") c_end = int(c);
    if (h == "state") c_state = int(c);
  }
  if (c_mailbox < 0 || c_start < 0 || c_end < 0 || c_state < 0) return out;
  std::map<std::string, size_t> slot;
  for (size_t i = 0; i < ids.size(); ++i) slot[ids[i]] = i;
  for (size_t r = 1; r < csv.records.size(); ++r) {
    const auto& f = csv.records[r].fields;
    if (f.size() != header.size() || f[size_t(c_state)].text != "moved") continue;
    const auto it = slot.find(f[size_t(c_mailbox)].text);
    if (it == slot.end()) continue;
    out[it->second] = std::stod(f[size_t(c_end)].text) - std::stod(f[size_t(c_start)].text);
  }
  return out;
}

// What to add to the pilot so that an undetermined constant becomes determined.
std::string advice(const Scenario& s, const FittedConstant& c, bool lan_moves, bool wan_moves) {
  const Link* longest = nullptr;
  for (const Link& l : s.links)
    if (!longest || l.latency.value > longest->latency.value) longest = &l;
  if (c.status == Determination::too_few_moves)
    return "the pilot has too few moves for another constant: add moves";
  if (c.status == Determination::loose)
    return "the pilot pins it down too loosely (its interval spans more than a factor 10): add "
           "moves";
  if (c.name == "rpc_round_trips_per_item") {
    if (wan_moves && !lan_moves)
      return "every move here crosses the same latency: add a few LAN moves (or moves over a link "
             "of another latency) to tell round trips from per-item store time";
    if (longest)
      return fmt::format(
          "add a few mailboxes whose moves cross the {} link ({:g} ms one way) to determine "
          "rpc_round_trips_per_item",
          longest->name, longest->latency.value * 1e3);
    return "every move here has the same round-trip time: moves over a WAN link would "
           "determine it";
  }
  if (c.name == "rpc_server_time")
    return "at the pilot's round-trip times its effect is per item, like item_server_time's; a "
           "measured RPC latency (MSExchangeIS RPC Averaged Latency) sets it under calibration:";
  if (c.name == "database_ios_per_item" && c.status == Determination::confounded)
    return "a per-item cost like item_server_time, told apart only by how busy the database disk "
           "is: --fit both on a pilot whose moves share a busy disk";
  if (c.status == Determination::confounded)
    return fmt::format(
        "its effect on these moves is that of {}: add mailboxes with another number of items per "
        "MB (few large items, or many small) to tell them apart",
        c.confounded);
  if (c.name == "database_ios_per_item")
    return "no database disk holds the pilot's moves back: it hardly changes their durations";
  return "the pilot's moves are not held back by what it costs: it hardly changes their "
         "durations";
}

struct WholeRun {
  double duration_s = 0;
  bool completed = false;
  std::string report_html;
};

int calibrate(const CalibrateOptions& o) {
  std::optional<Scenario> loaded;
  if (auto code = load_for_command(o.file, o.sets, std::nullopt, loaded)) return *code;
  const Scenario& s = *loaded;
  const std::vector<Mailbox> mailboxes = generate_mailboxes(s);
  // The constants to fit: --fit, else every fittable move constant (then identifiability).
  std::vector<std::string> names;
  for (const std::string& n : o.fit) {
    if (!is_fittable(n)) {
      std::string list;
      for (const auto& c : fittable_constants())
        list += (list.empty() ? "" : ", ") + std::string(c.name);
      std::cerr << fmt::format("coexlab: --fit {}: not a move constant calibrate fits ({})\n", n,
                               list);
      return kExitUsage;
    }
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  const CostModel before = CostModel::from(s.calibration);
  for (const std::string& n : names) {
    if (before.get(n) <= 0) {
      std::cerr << fmt::format(
          "coexlab: --fit {}: it is 0 in this scenario (switched off); calibrate fits on a log "
          "scale from a positive value: set one under calibration: first\n",
          n);
      return kExitUsage;
    }
  }
  // By default every move constant; one the scenario switches off (0) stays off.
  if (names.empty())
    for (const auto& c : fittable_constants())
      if (before.get(c.name) > 0) names.emplace_back(c.name);
  const std::string dir = o.out_dir.empty() ? "results/" + s.name + "-calibration" : o.out_dir;
  if (std::string err = check_output_dir(dir); !err.empty()) {
    std::cerr << "coexlab: --out " << dir << ": " << err << '\n';
    return kExitUsage;
  }
  std::string why;
  const auto text = read_inventory_file(o.pilot, &why);
  if (!text) {
    std::cerr << fmt::format("{}:1:1: error: cannot read the pilot: {}\n", o.pilot, why);
    return kExitInvalid;
  }
  Diagnostics diags;
  const auto pilot = read_pilot(*text, o.pilot, s, mailboxes, diags);
  if (!pilot) {
    print_diagnostics(diags);
    return kExitInvalid;
  }
  const std::vector<const PilotMove*> moved = pilot->moved();
  // Whether the pilot has moves within one site and moves across sites (for the advice).
  bool lan_moves = false, wan_moves = false;
  const int mover = s.server_index(s.migration.mover);
  for (const PilotMove* m : moved) {
    const std::string& src = s.servers[size_t(mailboxes[size_t(m->mailbox)].server)].site;
    const std::string& dst = s.servers[size_t(m->target_server)].site;
    const bool across = src != dst || (mover >= 0 && s.servers[size_t(mover)].site != src);
    (across ? wan_moves : lan_moves) = true;
  }
  // The pilot as it ran: a scenario of its own in DIR/pilot/, kept for inspection.
  const fs::path pilot_dir = fs::path(dir) / "pilot";
  fs::create_directories(pilot_dir);
  const PilotScenario ps = pilot_scenario(
      read_text(o.file), fs::path(o.file).parent_path().string(), s, mailboxes, *pilot);
  for (const auto& [name, content] : ps.inventories) {
    if (std::string err = write_file_atomically((pilot_dir / name).string(), content); !err.empty())
      throw std::runtime_error(err);
  }
  const std::string pilot_file = (pilot_dir / "scenario.yaml").string();
  if (std::string err = write_file_atomically(pilot_file, ps.yaml); !err.empty())
    throw std::runtime_error(err);
  // The --set lines for the pilot: those about what the pilot replaces do not apply to it.
  std::vector<std::string> pilot_sets;
  for (const std::string& text : o.sets) {
    bool replaced = false;
    for (const char* prefix :
         {"start", "checks", "migration.batches", "migration.windows", "migration.throttles",
          "migration.max_threads", "migration.scheduler"})
      replaced = replaced || text.rfind(prefix, 0) == 0;
    if (!replaced) pilot_sets.push_back(text);
  }
  {
    // Its warnings are the scenario's, already printed; an error is coexlab's own fault.
    LoadOptions options;
    for (const std::string& text : pilot_sets) {
      Override ov;
      std::string error;
      split_assignment(text, &ov.path, &ov.value, &error);
      options.overrides.push_back(ov);
    }
    const LoadResult r = load_and_check(pilot_file, options);
    if (!r.usage_error.empty() || r.diagnostics.has_errors()) {
      std::string first = r.usage_error;
      for (const Diagnostic& d : r.diagnostics.sorted())
        if (first.empty() && d.severity == Severity::error) first = d.format();
      throw std::runtime_error("the simulated pilot " + pilot_file + " is not valid: " + first);
    }
  }
  FitProblem problem;
  problem.names = names;
  problem.level = o.level;
  for (const std::string& n : names) {
    problem.initial.push_back(before.get(n));
    // Twins are confounded a priori only in the default set: --fit asks for the constant.
    std::string twin;
    for (const auto& c : fittable_constants())
      if (c.name == n && o.fit.empty()) twin = c.twin;
    // At one round-trip time the round trips are a per-item cost too: only a pilot with moves
    // within a site and moves across sites tells them from the store time.
    if (n == "rpc_round_trips_per_item" && o.fit.empty() && !(lan_moves && wan_moves))
      twin = "item_server_time";
    problem.twins.push_back(twin);
  }
  for (const PilotMove* m : moved) problem.measured_s.push_back(m->duration().value);

  SweepOptions so;
  so.binary = self_executable();
  so.jobs = o.jobs;
  so.timeout_s = o.timeout_s;
  so.work_dir =
      (fs::temp_directory_path() / fmt::format("coexlab-calibrate-{}", ::getpid())).string();
  const auto sets_for = [&](const std::vector<std::string>& base,
                            const std::vector<std::string>& which, const std::vector<double>& v) {
    std::vector<std::string> sets = base;
    for (size_t j = 0; j < which.size(); ++j)
      sets.push_back("calibration." + which[j] + "=" +
                     set_value(*find_calibration_constant(which[j]), v[j]));
    return sets;
  };
  const auto run = [&](const std::string& scenario, const std::vector<Variant>& variants,
                       std::vector<std::string> files) {
    SweepOptions opt = so;
    opt.scenario = scenario;
    opt.return_files = std::move(files);
    auto results = run_sweep(variants, opt, nullptr);
    for (const VariantResult& r : results) {
      if (r.status != "ok")
        throw std::runtime_error(fmt::format("a candidate run failed: {}", r.error));
    }
    return results;
  };
  int candidate_runs = 0;
  const BatchModel model = [&](const std::vector<std::vector<double>>& points) {
    std::vector<Variant> variants;
    for (size_t i = 0; i < points.size(); ++i)
      variants.emplace_back(int(i), sets_for(pilot_sets, names, points[i]));
    candidate_runs += int(points.size());
    std::vector<std::vector<double>> out;
    for (const VariantResult& r : run(pilot_file, variants, {"moves.csv"}))
      out.push_back(durations_from_moves_csv(
          r.files.count("moves.csv") ? r.files.at("moves.csv") : "", ps.ids));
    return out;
  };
  const FitResult fit = fit_constants(problem, model);

  // The whole scenario with the fitted constants, and one run per fitted constant nudged for
  // the gradient that carries the covariance to the prediction.
  std::vector<std::string> fitted_names;
  std::vector<double> fitted_values;
  for (int j : fit.fitted) {
    fitted_names.push_back(names[size_t(j)]);
    fitted_values.push_back(fit.constants[size_t(j)].value);
  }
  std::vector<std::string> pasted = o.sets;  // what calibration.yaml says
  for (size_t j = 0; j < fitted_names.size(); ++j)
    pasted.push_back("calibration." + fitted_names[j] + "=" +
                     yaml_value(*find_calibration_constant(fitted_names[j]), fitted_values[j]));
  std::vector<Variant> whole{{0, pasted}};
  for (size_t j = 0; j < fitted_names.size(); ++j) {
    std::vector<double> v = fitted_values;
    v[j] *= std::exp(problem.step);
    whole.emplace_back(int(j + 1), sets_for(o.sets, fitted_names, v));
  }
  const auto whole_results = run(o.file, whole, {"report.html"});
  const auto duration_of = [](const VariantResult& r) {
    const auto& d = r.summary["migration"]["duration_s"];
    return d.is_number() ? d.get<double>() : 0.0;
  };
  WholeRun best;
  best.duration_s = duration_of(whole_results[0]);
  best.completed = whole_results[0].summary["migration"].value("completed", false);
  best.report_html = whole_results[0].files.count("report.html")
                         ? whole_results[0].files.at("report.html")
                         : std::string();
  std::vector<double> gradient;
  for (size_t j = 0; j < fitted_names.size(); ++j)
    gradient.push_back(best.duration_s > 0 && duration_of(whole_results[j + 1]) > 0
                           ? std::log(duration_of(whole_results[j + 1]) / best.duration_s) /
                                 problem.step
                           : 0.0);
  const Interval predicted = propagate(best.duration_s, gradient, fit);

  // ---- the outputs ----
  std::string yaml = fmt::format(
      "# coexlab calibrate: {} fitted to the pilot {} ({} moved mailboxes), relative RMSE {:.3g}.\n"
      "# Paste under the scenario's calibration: key (merge with what is already there).\n"
      "calibration:\n",
      s.file, o.pilot, moved.size(), fit.rmse_relative);
  ojson constants = ojson::array();
  for (const FittedConstant& c : fit.constants) {
    const CalibrationConstant& reg = *find_calibration_constant(c.name);
    const bool determined = c.status == Determination::fitted;
    const std::string note = determined ? "" : advice(s, c, lan_moves, wan_moves);
    if (determined) {
      yaml += fmt::format("  {}: {}    # {} interval {} .. {}\n", c.name, yaml_value(reg, c.value),
                          fmt::format("{:g} %", o.level * 100), shown_value(reg, c.low),
                          shown_value(reg, c.high));
    } else {
      yaml += fmt::format("  # {}: not determined by this pilot, keeps {} ({})\n", c.name,
                          shown_value(reg, c.initial), note);
    }
    constants.push_back(
        {{"name", c.name},
         {"value", c.value},
         {"low", c.low},
         {"high", c.high},
         {"default", c.initial},
         {"unit", reg.dimension == units::Dimension::time   ? "s"
                  : reg.dimension == units::Dimension::size ? "B"
                                                            : std::string(reg.unit)},
         {"determined", determined},
         {"status", determination_name(c.status)},
         {"effect", c.effect},
         {"distinct", c.distinct},
         {"note", note}});
  }
  ojson residuals = ojson::array();
  for (size_t i = 0; i < moved.size(); ++i) {
    residuals.push_back({{"mailbox", mailboxes[size_t(moved[i]->mailbox)].id},
                         {"pilot_key", moved[i]->key},
                         {"measured_s", problem.measured_s[i]},
                         {"predicted_s", fit.predicted_s[i]},
                         {"residual_relative", fit.predicted_s[i] / problem.measured_s[i] - 1}});
  }
  ojson fit_json{
      {"coexlab_version", std::string(kVersion)},
      {"scenario", s.name},
      {"pilot", o.pilot},
      {"moves_fitted", moved.size()},
      {"moves_failed", pilot->moves.size() - moved.size()},
      {"level", o.level},
      {"interval", "covariance"},
      {"constants", constants},
      {"residuals", residuals},
      {"rmse_relative", fit.rmse_relative},
      {"prediction",
       {{"duration_s", best.duration_s},
        {"low_s", predicted.low},
        {"high_s", predicted.high},
        {"completed", best.completed}}},
      {"solver",
       {{"method", "gsl_multifit_nlinear trust-region Levenberg-Marquardt, log residuals"},
        {"status", fit.solver},
        {"iterations", fit.iterations},
        {"candidate_runs", candidate_runs},
        {"residual_sigma", fit.residual_sigma}}}};
  const std::vector<ResultFile> files{
      {"calibration.yaml", [&](const auto& emit) { emit(yaml); }},
      {"report.html", [&](const auto& emit) { emit(best.report_html); }},
      {"fit.json", [&](const auto& emit) { emit(fit_json.dump(2) + "\n"); }},
  };
  if (std::string err = write_result_set(dir, files); !err.empty()) {
    std::cerr << "coexlab: " << err << '\n';
    return kExitInternal;
  }
  // The table, in the user's units.
  std::cout << fmt::format("{:<26} {:>12}  {:<24} {:>10}  {}\n", "constant", "value",
                           fmt::format("{:g} % interval", o.level * 100), "default", "status");
  for (const FittedConstant& c : fit.constants) {
    const CalibrationConstant& reg = *find_calibration_constant(c.name);
    const bool determined = c.status == Determination::fitted;
    std::cout << fmt::format(
        "{:<26} {:>12}  {:<24} {:>10}  {}\n", c.name, shown_value(reg, c.value),
        determined ? shown_value(reg, c.low) + " .. " + shown_value(reg, c.high) : "-",
        shown_value(reg, c.initial),
        determined ? "fitted" : "kept: " + advice(s, c, lan_moves, wan_moves));
  }
  std::cout << fmt::format("\n{:<28} {:>12} {:>12} {:>8}\n", "pilot mailbox", "measured",
                           "predicted", "error");
  for (size_t i = 0; i < moved.size(); ++i) {
    std::cout << fmt::format("{:<28} {:>12} {:>12} {:>+7.1f}%\n", moved[i]->key,
                             units::format_duration(Seconds{problem.measured_s[i]}),
                             units::format_duration(Seconds{fit.predicted_s[i]}),
                             (fit.predicted_s[i] / problem.measured_s[i] - 1) * 100);
  }
  std::cout << fmt::format(
      "relative RMSE {:.1f} % over {} moves; {} candidate runs\n"
      "whole migration with the fitted constants: {}{} ({:g} % interval {} .. {})\n"
      "written: {}/calibration.yaml, fit.json, report.html\n",
      fit.rmse_relative * 100, moved.size(), candidate_runs,
      units::format_duration(Seconds{best.duration_s}),
      best.completed ? "" : " (unfinished at the horizon: a lower bound)", o.level * 100,
      units::format_duration(Seconds{predicted.low}),
      units::format_duration(Seconds{predicted.high}), dir);
  return kExitOk;
}

}  // namespace

Command add_calibrate_command(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Fit the move constants to a pilot's measured moves; write calibration.yaml, fit.json and "
      "the fitted run's report.html (docs/calibrate.md)");
  cmd->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--pilot", o->pilot,
                  "the pilot moves: CSV with mailbox,start,end,status[,size_bytes,items,target]")
      ->required();
  cmd->add_option("--out", o->out_dir, "output directory (default results/<scenario>-calibration)");
  cmd->add_option("--fit", o->fit,
                  "constants to fit, NAME,... (default: every move constant the pilot determines)")
      ->delimiter(',');
  cmd->add_option("--set", o->sets, "override a key in the scenario and the pilot: PATH=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--jobs", o->jobs, "candidate runs simulated at once (child processes)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--timeout", o->timeout_s, "seconds a candidate run may take (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--level", o->level, "level of the intervals (default 0.9)")
      ->check(CLI::Range(0.5, 0.999));
  add_mpi_option(cmd, o->mpi);
  return {cmd, [o] { return calibrate(*o); }};
}

}  // namespace coexlab
