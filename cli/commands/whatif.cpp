// coexlab whatif FILE --vary PATH=V1,V2,... [--vary ...]: the cross product of the values,
// one row per variant, each simulated in its own process; --seeds N: each variant over N
// seeds, and the spread of its duration.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "overrides.hpp"
#include "report.hpp"
#include "summary.hpp"
#include "support.hpp"
#include "sweep_support.hpp"

namespace coexlab {
namespace {
using ojson = nlohmann::ordered_json;

struct WhatifOptions {
  SweepCommandOptions sweep;
  std::vector<std::string> vary;
  std::string seeds;  // --seeds N (seeds 1..N) or A-B (A..B)
};

// Per variant of the other axes, the spread over its seeds (the seed axis is the last,
// fastest one, so a variant's runs are consecutive rows): DIR/whatif-seeds.csv and stdout.
std::vector<ojson> seed_rows(const std::vector<Axis>& axes, const std::vector<ojson>& runs) {
  const size_t n = axes.back().values.size();
  std::vector<ojson> out;
  for (size_t first = 0; first + n <= runs.size(); first += n) {
    ojson row{{"variant_index", int(first / n)}};
    for (size_t i = 0; i + 1 < axes.size(); ++i) row[axes[i].path] = runs[first][axes[i].path];
    seed_stats_fields(runs, first, n, row);
    out.push_back(std::move(row));
  }
  return out;
}

int whatif(const WhatifOptions& o) {
  std::vector<Axis> axes;
  std::string error = parse_axes(o.vary, axes);
  if (error.empty()) error = add_seed_axis(o.seeds, axes);
  if (!error.empty()) {
    std::cerr << "coexlab: " << error << '\n';
    return kExitUsage;
  }
  if (axes.empty()) {
    std::cerr << "coexlab: whatif needs --vary or --seeds\n";
    return kExitUsage;
  }
  // Every value must make a valid scenario: check them before simulating anything.
  std::string name;  // the scenario's, for whatif.html
  for (const Axis& a : axes) {
    for (const std::string& value : a.values) {
      std::vector<std::string> sets = o.sweep.sets;
      sets.push_back(a.path + "=" + value);
      std::optional<Scenario> s;
      if (auto code = load_for_command(o.sweep.file, sets, std::nullopt, s)) {
        std::cerr << fmt::format("coexlab: --vary {}={} does not give a valid scenario\n", a.path,
                                 value);
        return *code;
      }
      if (name.empty()) name = s->name;
    }
  }
  // The cross product, the first --vary slowest.
  const std::vector<Variant> variants = cross_product(o.sweep.sets, axes);
  std::vector<std::string> columns{"variant_index", "status", "error"};
  for (const Axis& a : axes) columns.push_back(a.path);
  // run_lower_bound_s repeats lower_bound_s (SPEC's name) under the name size uses for the
  // same bound; the busiest resource and its peak are two columns, not one "ID 97 %" cell.
  for (const char* c : {"duration_s", "lower_bound_s", "bottleneck", "completed", "mailboxes_moved",
                        "busiest_resource", "busiest_peak_fraction", "run_lower_bound_s"}) {
    columns.emplace_back(c);
  }
  const RowTable table(columns);
  const auto rows = run_variants(
      o.sweep, "whatif", table, variants, [&](const Variant& v, const VariantResult& r) {
        ojson row = row_header(r);
        for (size_t i = 0; i < axes.size(); ++i) {
          const std::string& set = v.sets[o.sweep.sets.size() + i];
          row[axes[i].path] = set.substr(axes[i].path.size() + 1);
        }
        const RunSummary sum = read_summary(r.summary);
        row["duration_s"] = json_or_null(sum.duration_s);
        row["lower_bound_s"] = json_or_null(sum.lower_bound_s);
        row["bottleneck"] = json_or_null(sum.bottleneck);
        row["completed"] = json_or_null(sum.completed);
        row["mailboxes_moved"] = json_or_null(sum.mailboxes_moved);
        const SummaryResource* busiest = sum.busiest();  // the rate resource at the highest peak
        row["busiest_resource"] = busiest ? ojson(busiest->id) : ojson(nullptr);
        row["busiest_peak_fraction"] = busiest ? ojson(*busiest->peak_utilisation) : ojson(nullptr);
        row["run_lower_bound_s"] = row["lower_bound_s"];
        return row;
      });
  if (!o.sweep.out_dir.empty()) {
    std::vector<std::string> varied;
    varied.reserve(axes.size());
    for (const Axis& a : axes) varied.push_back(a.path);
    if (std::string err = write_file_atomically(o.sweep.out_dir + "/whatif.html",
                                                whatif_html(name, varied, rows));
        !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  if (o.seeds.empty()) {
    print_rows(o.sweep, table, rows);
    return kExitOk;
  }
  // With --seeds: the runs are in DIR/whatif.csv, the spread per variant on stdout.
  std::vector<std::string> seed_columns{"variant_index"};
  for (size_t i = 0; i + 1 < axes.size(); ++i) seed_columns.push_back(axes[i].path);
  for (const std::string& c : seed_stats_columns()) seed_columns.push_back(c);
  const RowTable seed_table(seed_columns);
  const std::vector<ojson> spread = seed_rows(axes, rows);
  if (!o.sweep.out_dir.empty()) {
    const std::string path = (std::filesystem::path(o.sweep.out_dir) / "whatif-seeds.csv").string();
    if (std::string err = write_file_atomically(path, seed_table.csv(spread)); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  print_rows(o.sweep, seed_table, spread);
  return kExitOk;
}

}  // namespace

Command add_whatif_command(CLI::App& app) {
  auto o = std::make_shared<WhatifOptions>();
  CLI::App* cmd = app.add_subcommand(
      "whatif",
      "Simulate the scenario over the cross product of --vary values, one row per variant");
  add_sweep_options(cmd, o->sweep);
  cmd->add_option("--vary", o->vary,
                  "PATH=V1,V2,... (values split on commas outside brackets; repeatable), e.g. "
                  "migration.max_threads=4,8")
      ->allow_extra_args(false);
  cmd->add_option("--seeds", o->seeds,
                  "Monte Carlo: run every variant with seeds 1..N (or A-B) and print per variant "
                  "the mean, p5, p50, p95 of the duration and the share that completed");
  return {cmd, [o] { return whatif(*o); }};
}

}  // namespace coexlab
