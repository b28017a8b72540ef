// coexlab bench [DIR] --schedulers A,B,...: the scheduler regression table. Every scenario of
// the suite (DIR/*.yaml, by file name) runs under every scheduler, each cell in its own child
// `coexlab run SCENARIO --set migration.scheduler=X` (SimGrid allows one engine per process).
// One row per cell, in variant order (scenario by scenario, schedulers as given) whatever
// --jobs; a ranking; --baseline compares with a stored bench.csv and fails on a regression.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <unistd.h>

#include "bench_ranking.hpp"
#include "cli.hpp"
#include "coexlab/version.hpp"
#include "command.hpp"
#include "loader.hpp"
#include "rules.hpp"
#include "scheduler.hpp"
#include "summary.hpp"
#include "support.hpp"
#include "sweep_support.hpp"
#include "units.hpp"

namespace coexlab {
namespace {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

struct BenchOptions {
  std::string suite = "bench/suite";
  std::vector<std::string> schedulers;  // empty: every registered scheduler
  int jobs = 1;
  double timeout_s = 600;
  bool json = false;
  std::string out_dir;
  bool resume = false;
  std::string baseline;
  std::string tolerance = "2%";
  bool mpi = false;
};

// bench.csv: SPEC's columns first, then what makes a row reproducible and comparable.
const RowTable& bench_table() {
  static const RowTable table({"variant_index", "status", "error", "scenario", "scheduler",
                               "makespan_s", "lower_bound_s", "ratio", "downtime_mean_s",
                               "downtime_p95_s", "cancelled", "overrun_s", "unmoved", "failed",
                               "seed", "coexlab_version"});
  return table;
}

struct SuiteScenario {
  std::string file;
  std::string name;
  std::uint64_t seed = 0;
};

struct Cell {
  int index = 0;
  const SuiteScenario* scenario = nullptr;
  std::string scheduler;
};

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t from = 0;
    while (from <= item.size()) {
      const size_t comma = std::min(item.find(',', from), item.size());
      std::string name = item.substr(from, comma - from);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (!name.empty()) out.push_back(name);
      from = comma + 1;
    }
  }
  return out;
}

ojson number_or_null(const nlohmann::json& v) {
  return v.is_number() ? ojson(v.get<double>()) : ojson(nullptr);
}

ojson make_row(const Cell& cell, const VariantResult& r) {
  ojson row = row_header(r);
  row["scenario"] = cell.scenario->name;
  row["scheduler"] = cell.scheduler;
  const auto field = [&r](std::initializer_list<const char*> path) {
    return summary_field(r.summary, path);
  };
  const RunSummary sum = read_summary(r.summary);
  const ojson makespan = json_or_null(sum.duration_s);
  const ojson lower = json_or_null(sum.lower_bound_s);
  row["makespan_s"] = makespan;
  row["lower_bound_s"] = lower;
  row["ratio"] = makespan.is_number() && lower.is_number() && lower.get<double>() > 0
                     ? ojson(makespan.get<double>() / lower.get<double>())
                     : ojson(nullptr);
  row["downtime_mean_s"] = number_or_null(field({"migration", "user_downtime_s", "mean"}));
  row["downtime_p95_s"] = number_or_null(field({"migration", "user_downtime_s", "p95"}));
  const nlohmann::json cancelled = field({"migration", "attempts_cancelled"});
  row["cancelled"] = cancelled.is_number() ? ojson(cancelled.get<long long>()) : ojson(nullptr);
  row["overrun_s"] = number_or_null(field({"migration", "window_overrun_s"}));
  // Mailboxes neither moved nor failed: still queued, or cut by the horizon. (A failure is a
  // property of the mailbox, its unreadable items: the same under every scheduler.)
  const nlohmann::json total = field({"migration", "mailboxes_total"});
  const nlohmann::json moved = field({"migration", "mailboxes_moved"});
  const nlohmann::json failed = field({"migration", "mailboxes_failed"});
  const bool counted = total.is_number() && moved.is_number() && failed.is_number();
  row["unmoved"] =
      counted ? ojson(total.get<long long>() - moved.get<long long>() - failed.get<long long>())
              : ojson(nullptr);
  row["failed"] = counted ? ojson(failed.get<long long>()) : ojson(nullptr);
  row["seed"] = cell.scenario->seed;
  const nlohmann::json version = field({"coexlab_version"});
  row["coexlab_version"] =
      version.is_string() ? ojson(version.get<std::string>()) : ojson(std::string(kVersion));
  return row;
}

// ---- output -----------------------------------------------------------------------------------

std::string hours(const ojson& v) {
  return v.is_number() ? fmt::format("{:.2f}", v.get<double>() / 3600) : "—";
}
std::string minutes(const ojson& v) {
  return v.is_number() ? fmt::format("{:.1f}", v.get<double>() / 60) : "—";
}

std::string markdown(const BenchOptions& o, const std::vector<SuiteScenario>& suite,
                     const std::vector<std::string>& schedulers, const std::vector<ojson>& rows,
                     const std::vector<Rank>& ranks) {
  std::string seeds;
  for (const SuiteScenario& s : suite)
    seeds += fmt::format("{}{}={}", seeds.empty() ? "" : ", ", s.name, s.seed);
  std::string out =
      fmt::format("# coexlab bench: {} scenarios x {} schedulers ({})\n\ncoexlab {}; seeds: {}\n\n",
                  suite.size(), schedulers.size(), o.suite, kVersion, seeds);
  out +=
      "| scenario | scheduler | status | makespan (h) | lower bound (h) | ratio | "
      "downtime mean (min) | downtime p95 (min) | cancelled | overrun (h) | unmoved |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const ojson& r : rows) {
    const std::string status = r["status"].get<std::string>();
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        r["scenario"].get<std::string>(), r["scheduler"].get<std::string>(),
        status == "ok" ? status : status + ": " + r["error"].get<std::string>(),
        hours(r["makespan_s"]), hours(r["lower_bound_s"]),
        r["ratio"].is_number() ? fmt::format("{:.3f}", r["ratio"].get<double>()) : "—",
        minutes(r["downtime_mean_s"]), minutes(r["downtime_p95_s"]),
        r["cancelled"].is_number() ? std::to_string(r["cancelled"].get<long long>()) : "—",
        hours(r["overrun_s"]),
        r["unmoved"].is_number() ? std::to_string(r["unmoved"].get<long long>()) : "—");
  }
  out +=
      "\n## Ranking\n\n"
      "Mean normalised makespan: on each scenario a run's makespan divided by the best complete "
      "run's (1.000 = best on every scenario); schedulers with incomplete cells rank last.\n\n"
      "| rank | scheduler | mean normalised makespan | worst | mean ratio to lower bound | "
      "incomplete | cancelled | overrun (h) |\n"
      "|---:|---|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < ranks.size(); ++i) {
    const Rank& r = ranks[i];
    const double mean = r.mean(r.normalised);
    const double worst =
        r.normalised.empty() ? NAN : *std::max_element(r.normalised.begin(), r.normalised.end());
    const bool all_ratios = !r.ratios.empty() && r.ratios.size() == r.normalised.size();
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {:.2f} |\n", i + 1, r.scheduler,
                       std::isnan(mean) ? "—" : fmt::format("{:.3f}", mean),
                       std::isnan(worst) ? "—" : fmt::format("{:.3f}", worst),
                       all_ratios ? fmt::format("{:.3f}", r.mean(r.ratios)) : "—", r.incomplete,
                       r.cancelled, r.overrun / 3600);
  }
  return out;
}

// ---- the command ------------------------------------------------------------------------------

int bench(const BenchOptions& o) {
  std::vector<std::string> schedulers = split_commas(o.schedulers);
  if (schedulers.empty()) {
    for (std::string_view name : scheduler_names()) schedulers.emplace_back(name);
  }
  std::string known;
  for (std::string_view name : scheduler_names())
    known += (known.empty() ? "" : ", ") + std::string(name);
  std::set<std::string> seen_schedulers;
  for (const std::string& s : schedulers) {
    if (!make_scheduler(s)) {
      std::cerr << fmt::format("coexlab: --schedulers: unknown scheduler '{}'; known: {}\n", s,
                               known);
      return kExitUsage;
    }
    if (!seen_schedulers.insert(s).second) {
      std::cerr << fmt::format("coexlab: --schedulers: '{}' given twice\n", s);
      return kExitUsage;
    }
  }
  const std::optional<double> tolerance = parse_tolerance(o.tolerance);
  if (!tolerance) {
    std::cerr << fmt::format(
        "coexlab: --tolerance '{}': give a share (\"2%\") or a fraction (0.02)\n", o.tolerance);
    return kExitUsage;
  }
  if (o.resume && o.out_dir.empty()) {
    std::cerr << "coexlab: --resume needs --out DIR\n";
    return kExitUsage;
  }
  std::optional<std::vector<std::map<std::string, std::string>>> baseline;
  if (!o.baseline.empty()) {
    baseline = read_csv(o.baseline);
    if (!baseline) {
      std::cerr << fmt::format("coexlab: --baseline {}: not a readable bench.csv\n", o.baseline);
      return kExitUsage;
    }
  }

  // The suite: every scenario file of DIR, by file name, each checked before any simulation.
  std::error_code ec;
  if (!fs::is_directory(o.suite, ec)) {
    std::cerr << fmt::format("coexlab: {}: not a directory of scenarios\n", o.suite);
    return kExitUsage;
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(o.suite)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::cerr << fmt::format("coexlab: {}: no scenario (*.yaml)\n", o.suite);
    return kExitUsage;
  }
  std::vector<SuiteScenario> suite;
  std::set<std::string> names;
  for (const std::string& file : files) {
    // Errors only: the suite's warnings (L11 and the like) would drown the table.
    LoadResult loaded = load_and_check(file, LoadOptions{});
    if (!loaded.usage_error.empty() || loaded.diagnostics.has_errors() || !loaded.scenario) {
      if (!loaded.usage_error.empty()) std::cerr << "coexlab: " << loaded.usage_error << '\n';
      print_diagnostics(loaded.diagnostics);
      return loaded.usage_error.empty() ? kExitInvalid : kExitUsage;
    }
    const std::optional<Scenario>& s = loaded.scenario;
    if (!names.insert(s->name).second) {
      std::cerr << fmt::format("coexlab: {}: scenario name '{}' is used twice in the suite\n", file,
                               s->name);
      return kExitInvalid;
    }
    suite.push_back({file, s->name, s->seed});
  }

  // Cells in variant order; a resumed row counts only if it is the same cell.
  std::vector<Cell> cells;
  for (const SuiteScenario& s : suite) {
    for (const std::string& k : schedulers) cells.push_back({int(cells.size()), &s, k});
  }
  const RowTable& table = bench_table();
  SweepOutput output(o.out_dir, "bench", table, o.resume);
  std::map<int, ojson> rows;
  for (const Cell& c : cells) {
    auto it = output.finished().find(c.index);
    if (it == output.finished().end()) continue;
    const auto& kept = it->second;
    if (kept.count("scenario") && kept.at("scenario") == c.scenario->name &&
        kept.count("scheduler") && kept.at("scheduler") == c.scheduler) {
      ojson row;
      for (const std::string& col : table.columns()) {
        auto cell = kept.find(col);
        row[col] = cell == kept.end() ? ojson(nullptr) : cell_to_json(cell->second);
      }
      for (const char* text : {"error", "scenario", "scheduler", "status", "coexlab_version"}) {
        if (row[text].is_null())
          row[text] = "";
        else if (!row[text].is_string())
          row[text] = row[text].dump();
      }
      rows[c.index] = row;
    }
  }

  // One sweep over every cell (so that --mpi spreads them all): a cell is its scenario under
  // --set migration.scheduler.
  SweepOptions so;
  so.binary = self_executable();
  so.jobs = o.jobs;
  so.timeout_s = o.timeout_s;
  so.progress = false;
  so.work_dir = (fs::temp_directory_path() / fmt::format("coexlab-bench-{}", ::getpid())).string();
  std::vector<Variant> variants;
  std::map<int, const Cell*> by_index;
  for (const Cell& c : cells) {
    if (rows.count(c.index)) continue;
    variants.push_back({c.index, {"migration.scheduler=" + c.scheduler}, c.scenario->file});
    by_index[c.index] = &c;
  }
  run_sweep(variants, so, [&](const VariantResult& r) {
    ojson row = make_row(*by_index.at(r.index), r);
    if (std::string err = output.append(row); !err.empty()) std::cerr << "coexlab: " << err << '\n';
    if (::isatty(STDERR_FILENO)) {
      std::cerr << fmt::format("\r{} of {} cells done", rows.size() + 1, cells.size())
                << std::flush;
    }
    rows[r.index] = std::move(row);
  });
  if (::isatty(STDERR_FILENO)) std::cerr << '\n';
  std::vector<ojson> ordered;
  ordered.reserve(cells.size());
  for (const Cell& c : cells) ordered.push_back(rows.at(c.index));
  if (std::string err = output.finish(ordered); !err.empty())
    std::cerr << "coexlab: " << err << '\n';

  const std::vector<Rank> ranks = rank_schedulers(ordered, schedulers);
  if (o.json) {
    ojson array = ojson::array();
    for (const ojson& r : ordered) {
      ojson only;
      for (const std::string& c : table.columns()) only[c] = r.contains(c) ? r[c] : ojson(nullptr);
      array.push_back(only);
    }
    std::cout << array.dump(2) << '\n';
  } else {
    std::cout << markdown(o, suite, schedulers, ordered, ranks);
  }

  if (!baseline) return kExitOk;
  int compared = 0;
  const std::vector<Regression> regressions =
      compare_with_baseline(ordered, *baseline, *tolerance, &compared);
  std::string report =
      fmt::format("\n## Baseline {}\n\n{} cells compared, tolerance {:.2f} %: ", o.baseline,
                  compared, *tolerance * 100);
  report += regressions.empty() ? "no regression.\n"
                                : fmt::format("{} regression(s).\n\n", regressions.size());
  for (const Regression& r : regressions)
    report += fmt::format("- {} / {}: {}\n", r.scenario, r.scheduler, r.what);
  // --json keeps stdout for the rows alone.
  (o.json ? std::cerr : std::cout) << report;
  return regressions.empty() ? kExitOk : kExitInvalid;
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench",
                                     "Scheduler regression table: every scenario of a suite under "
                                     "every scheduler, each cell in its own "
                                     "process; makespan against the lower bound, downtime, "
                                     "cancellations, window overrun; a ranking");
  cmd->add_option("DIR", o->suite, "directory of scenarios (*.yaml), default bench/suite");
  cmd->add_option("--schedulers", o->schedulers,
                  "schedulers to compare, A,B,... (default: every built-in)")
      ->allow_extra_args(false);
  cmd->add_option("--jobs", o->jobs, "cells simulated at once (child processes)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--timeout", o->timeout_s,
                  "seconds a cell may take before it is killed (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json, "print the rows as a JSON array on stdout, nothing else");
  cmd->add_option("--out", o->out_dir, "write the rows to DIR/bench.csv as they finish");
  cmd->add_flag("--resume", o->resume, "with --out: skip the cells already in DIR/bench.csv");
  cmd->add_option(
      "--baseline", o->baseline,
      "compare with a stored bench.csv; exit 1 when a cell regressed (failed, incomplete, or a "
      "makespan worse by more than --tolerance)");
  cmd->add_option("--tolerance", o->tolerance,
                  "allowed makespan growth against --baseline: \"2%\" or 0.02 (default 2%)");
  add_mpi_option(cmd, o->mpi);
  return {cmd, [o] { return bench(*o); }};
}

}  // namespace coexlab
