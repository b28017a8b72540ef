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
#include "table.hpp"
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
  std::string best_known;  // default: DIR/best_known.csv when it exists
  bool markdown = false;
  bool mpi = false;
};

// bench.csv: SPEC's columns first, then what makes a row reproducible and comparable.
const RowTable& bench_table() {
  static const RowTable table({"variant_index",   "status",       "error",
                               "scenario",        "scheduler",    "makespan_s",
                               "lower_bound_s",   "ratio",        "downtime_mean_s",
                               "downtime_p95_s",  "cancelled",    "overrun_s",
                               "unmoved",         "failed",       "seed",
                               "coexlab_version", "wait_mean_s",  "bounded_slowdown_mean",
                               "scheduler_cpu_s", "best_known_s", "best_known_ratio"});
  return table;
}

struct SuiteScenario {
  std::string file;
  std::string name;
  std::uint64_t seed = 0;
  std::optional<double> best_known_s;  // the best-known order's makespan (best_known.csv)
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

// The wall time the cell's scheduler spent deciding, from its `run --timing` (null when the
// child wrote none: it failed, or an older binary ran it).
ojson scheduler_cpu(const VariantResult& r) {
  const auto it = r.files.find("timing.json");
  if (it == r.files.end()) return nullptr;
  const nlohmann::json timing = nlohmann::json::parse(it->second, nullptr, false);
  return timing.is_object() && timing.contains("scheduler_cpu_s")
             ? number_or_null(timing["scheduler_cpu_s"])
             : ojson(nullptr);
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
  row["wait_mean_s"] = number_or_null(field({"migration", "wait_mean_s"}));
  row["bounded_slowdown_mean"] = number_or_null(field({"migration", "bounded_slowdown_mean"}));
  row["scheduler_cpu_s"] = scheduler_cpu(r);
  const std::optional<double>& best = cell.scenario->best_known_s;
  row["best_known_s"] = json_or_null(best);
  // Only for a cell that moved everything (unlike `ratio`, a bound that any makespan meets): a
  // short makespan that leaves mailboxes behind beats no order.
  row["best_known_ratio"] =
      best && *best > 0 && makespan.is_number() && counted && row["unmoved"].get<long long>() == 0
          ? ojson(makespan.get<double>() / *best)
          : ojson(nullptr);
  return row;
}

// ---- output -----------------------------------------------------------------------------------

std::string three_digits(const ojson& v) {
  return v.is_number() ? fmt::format("{:.3f}", v.get<double>()) : "—";
}
std::string three_digits(double v) {
  return std::isnan(v) ? "—" : fmt::format("{:.3f}", v);
}
std::string milliseconds(const ojson& v) {
  return v.is_number() ? fmt::format("{:.1f}", v.get<double>() * 1000) : "—";
}

// The rows, then the two rankings: in the terminal's table style (analysis/table.hpp) or, with
// --markdown, as Markdown tables of the same cells.
std::string bench_tables(const BenchOptions& o, const std::vector<SuiteScenario>& suite,
                         const std::vector<std::string>& schedulers, const std::vector<ojson>& rows,
                         const std::vector<Rank>& ranks) {
  const auto table = [&o](const std::vector<TableColumn>& columns,
                          const std::vector<std::vector<std::string>>& cells) {
    return o.markdown ? render_markdown_table(columns, cells) : render_table(columns, cells);
  };
  const auto heading = [&o](const std::string& title) {
    return o.markdown ? "## " + title + "\n\n" : title + "\n\n";
  };
  std::string seeds;
  for (const SuiteScenario& sc : suite)
    seeds += fmt::format("{}{}={}", seeds.empty() ? "" : ", ", sc.name, sc.seed);
  std::string out = fmt::format("{}coexlab bench: {} scenarios x {} schedulers ({})\n\n",
                                o.markdown ? "# " : "", suite.size(), schedulers.size(), o.suite);
  out += fmt::format("coexlab {}; seeds: {}\n\n", kVersion, seeds);

  std::vector<std::vector<std::string>> cells;
  for (const ojson& r : rows) {
    const std::string status = r["status"].get<std::string>();
    cells.push_back(
        {r["scenario"].get<std::string>(), r["scheduler"].get<std::string>(),
         status == "ok" ? status : status + ": " + r["error"].get<std::string>(),
         human_cell("makespan_s", r["makespan_s"]), human_cell("lower_bound_s", r["lower_bound_s"]),
         three_digits(r["ratio"]), three_digits(r["best_known_ratio"]),
         human_cell("wait_mean_s", r["wait_mean_s"]), three_digits(r["bounded_slowdown_mean"]),
         human_cell("downtime_mean_s", r["downtime_mean_s"]),
         human_cell("downtime_p95_s", r["downtime_p95_s"]), human_cell("cancelled", r["cancelled"]),
         human_cell("overrun_s", r["overrun_s"]), human_cell("unmoved", r["unmoved"]),
         milliseconds(r["scheduler_cpu_s"])});
  }
  out += table({{"scenario"},
                {"scheduler"},
                {"status"},
                {"makespan", true},
                {"lower bound", true},
                {"ratio", true},
                {"vs best known", true},
                {"wait mean", true},
                {"slowdown", true},
                {"downtime mean", true},
                {"downtime p95", true},
                {"cancelled", true},
                {"overrun", true},
                {"unmoved", true},
                {"scheduler ms", true}},
               cells);

  const auto worst = [](const std::vector<double>& v) {
    return v.empty() ? NAN : *std::max_element(v.begin(), v.end());
  };
  out += "\n" + heading("Ranking by makespan") +
         "Mean normalised makespan: on each scenario a run's makespan divided by the best "
         "complete run's (1.000 = best on every scenario); schedulers with incomplete cells "
         "rank last. \"vs best known\": the mean of makespan / the best-known order's.\n\n";
  cells.clear();
  for (size_t i = 0; i < ranks.size(); ++i) {
    const Rank& r = ranks[i];
    const bool all_ratios = !r.ratios.empty() && r.ratios.size() == r.normalised.size();
    const bool all_best = !r.best_known.empty() && r.best_known.size() == r.normalised.size();
    cells.push_back(
        {std::to_string(i + 1), r.scheduler, three_digits(r.mean(r.normalised)),
         three_digits(worst(r.normalised)), all_ratios ? three_digits(r.mean(r.ratios)) : "—",
         all_best ? three_digits(r.mean(r.best_known)) : "—",
         all_best ? three_digits(worst(r.best_known)) : "—", std::to_string(r.incomplete),
         with_thousands(r.cancelled), human_cell("overrun_s", ojson(r.overrun))});
  }
  out += table({{"rank", true},
                {"scheduler"},
                {"mean normalised makespan", true},
                {"worst", true},
                {"mean ratio to lower bound", true},
                {"mean vs best known", true},
                {"worst vs best known", true},
                {"incomplete", true},
                {"cancelled", true},
                {"overrun", true}},
               cells);

  out += "\n" + heading("Ranking by bounded slowdown") +
         "Mean over the complete cells of each run's mean bounded slowdown, per mailbox "
         "max(1, (wait + run) / max(run, 10 s)): how long mailboxes waited for their move "
         "against how long it took (1.000 = none waited); scheduler ms: the time its decisions "
         "took over the whole suite.\n\n";
  cells.clear();
  const std::vector<Rank> by_slowdown = rank_by_slowdown(ranks);
  for (size_t i = 0; i < by_slowdown.size(); ++i) {
    const Rank& r = by_slowdown[i];
    cells.push_back({std::to_string(i + 1), r.scheduler, three_digits(r.mean(r.slowdowns)),
                     three_digits(worst(r.slowdowns)), three_digits(r.mean(r.normalised)),
                     std::to_string(r.incomplete),
                     fmt::format("{:.1f}", r.scheduler_cpu_s * 1000)});
  }
  out += table({{"rank", true},
                {"scheduler"},
                {"mean bounded slowdown", true},
                {"worst", true},
                {"mean normalised makespan", true},
                {"incomplete", true},
                {"scheduler ms", true}},
               cells);
  return out;
}

// best_known.csv (bench/search_orders.py writes it): per scenario name, the makespan of the
// best queue order found by search. --best-known FILE, else DIR/best_known.csv if there is one.
// A scenario it does not list has no best-known figure; a row for no scenario of the suite is
// ignored (a suite may be run in part).
int read_best_known(const BenchOptions& o, std::vector<SuiteScenario>& suite) {
  const std::string path =
      o.best_known.empty() ? (fs::path(o.suite) / "best_known.csv").string() : o.best_known;
  std::error_code ec;
  if (o.best_known.empty() && !fs::exists(path, ec)) return kExitOk;
  const auto rows = read_csv(path);
  if (!rows) {
    std::cerr << fmt::format("coexlab: --best-known {}: not a readable CSV\n", path);
    return kExitUsage;
  }
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& row = (*rows)[i];
    const auto name = row.find("scenario");
    const auto best = row.find("best_known_s");
    const ojson value = best == row.end() ? ojson(nullptr) : cell_to_json(best->second);
    if (name == row.end() || !value.is_number() || !(value.get<double>() > 0)) {
      std::cerr << fmt::format(
          "{}:{}:1: error: a best-known row needs `scenario` and a positive `best_known_s`\n", path,
          i + 2);
      return kExitInvalid;
    }
    for (SuiteScenario& sc : suite) {
      if (sc.name == name->second) sc.best_known_s = value.get<double>();
    }
  }
  return kExitOk;
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
    suite.push_back({file, s->name, s->seed, std::nullopt});
  }
  if (int code = read_best_known(o, suite); code != kExitOk) return code;

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
  so.run_flags = {"--timing"};  // each cell's scheduler_cpu_s, in timing.json
  so.return_files = {"timing.json"};
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
    std::cout << bench_tables(o, suite, schedulers, ordered, ranks);
  }

  if (!baseline) return kExitOk;
  int compared = 0;
  const std::vector<Regression> regressions =
      compare_with_baseline(ordered, *baseline, *tolerance, &compared);
  std::string report = fmt::format("\n{}Baseline {}\n\n{} cells compared, tolerance {:.2f} %: ",
                                   o.markdown ? "## " : "", o.baseline, compared, *tolerance * 100);
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
  cmd->add_option("--best-known", o->best_known,
                  "best-known makespans (scenario,best_known_s,...; bench/search_orders.py): "
                  "the best_known_ratio column (default DIR/best_known.csv when present)");
  cmd->add_flag("--markdown", o->markdown, "print the tables as Markdown");
  add_mpi_option(cmd, o->mpi);
  return {cmd, [o] { return bench(*o); }};
}

}  // namespace coexlab
