// coexlab whatif FILE --vary PATH=V1,V2,... [--vary ...]: the cross product of the values,
// one row per variant, each simulated in its own process.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli.hpp"
#include "command.hpp"
#include "overrides.hpp"
#include "summary.hpp"
#include "support.hpp"
#include "sweep_support.hpp"

namespace coexlab {
namespace {
using ojson = nlohmann::ordered_json;

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
  for (const char* c :
       {"duration_s", "lower_bound_s", "bottleneck", "completed", "mailboxes_moved", "busiest"}) {
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
        row["busiest"] = r.status == "ok" ? ojson(busiest_resource(r.summary)) : ojson(nullptr);
        return row;
      });
  print_rows(o.sweep, table, rows);
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
