// coexlab whatif FILE --vary PATH=V1,V2,... [--vary ...]: the cross product of the values,
// one row per variant, each simulated in its own process.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "overrides.hpp"
#include "report.hpp"
#include "support.hpp"
#include "sweep_support.hpp"

namespace coexlab {
namespace {
using ojson = nlohmann::ordered_json;

// The rate resource (not a space) with the highest peak utilisation of a run, and that peak;
// "" when none has a peak.
std::pair<std::string, double> busiest_rate_resource(const nlohmann::json& summary) {
  std::string best;
  double peak = -1;
  for (const auto& r : summary_field(summary, {"resources"})) {
    const std::string kind = r.value("kind", "");
    if (kind == "log_space" || kind == "database_space" || !r["peak_utilisation"].is_number())
      continue;
    if (r["peak_utilisation"].get<double>() > peak) {
      peak = r["peak_utilisation"].get<double>();
      best = r.value("id", "");
    }
  }
  return {best, peak};
}

struct WhatifOptions {
  SweepCommandOptions sweep;
  std::vector<std::string> vary;
};

int whatif(const WhatifOptions& o) {
  std::vector<Axis> axes;
  if (std::string error = parse_axes(o.vary, axes); !error.empty()) {
    std::cerr << "coexlab: " << error << '\n';
    return kExitUsage;
  }
  // Every value must make a valid scenario: check them before simulating anything.
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
    columns.push_back(c);
  }
  const RowTable table(columns);
  const auto rows = run_variants(
      o.sweep, "whatif", table, variants, [&](const Variant& v, const VariantResult& r) {
        ojson row = row_header(r);
        for (size_t i = 0; i < axes.size(); ++i) {
          const std::string& set = v.sets[o.sweep.sets.size() + i];
          row[axes[i].path] = set.substr(axes[i].path.size() + 1);
        }
        row["duration_s"] = summary_field(r.summary, {"migration", "duration_s"});
        row["lower_bound_s"] = summary_field(r.summary, {"migration", "lower_bound_s"});
        row["bottleneck"] = summary_field(r.summary, {"bottleneck", "resource"});
        row["completed"] = summary_field(r.summary, {"migration", "completed"});
        row["mailboxes_moved"] = summary_field(r.summary, {"migration", "mailboxes_moved"});
        const auto [busiest, peak] = busiest_rate_resource(r.summary);
        row["busiest_resource"] = busiest.empty() ? ojson(nullptr) : ojson(busiest);
        row["busiest_peak_fraction"] = busiest.empty() ? ojson(nullptr) : ojson(peak);
        row["run_lower_bound_s"] = row["lower_bound_s"];
        return row;
      });
  print_rows(o.sweep, table, rows);
  if (!o.sweep.out_dir.empty()) {
    std::vector<std::string> varied;
    for (const Axis& a : axes) varied.push_back(a.path);
    std::string name = o.sweep.file;  // the scenario's name, as loaded above
    if (std::optional<Scenario> s; !load_for_command(o.sweep.file, o.sweep.sets, std::nullopt, s))
      name = s->name;
    if (std::string err = write_file_atomically(o.sweep.out_dir + "/whatif.html",
                                                whatif_html(name, varied, rows));
        !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
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
      ->required()
      ->allow_extra_args(false);
  return {cmd, [o] { return whatif(*o); }};
}

}  // namespace coexlab
