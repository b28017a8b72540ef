// Shared by the sweep commands (whatif, bottlenecks, size): common options, running the
// variants with durable rows, and reading a variant's summary.json into row fields.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "sweep.hpp"

namespace coexlab {

struct SweepCommandOptions {
  std::string file;
  std::vector<std::string> sets;  // base overrides, applied to every variant
  int jobs = 1;
  double timeout_s = 0;
  bool json = false;
  std::string out_dir;
  bool resume = false;
  bool mpi = false;  // --mpi (SPEC §5.6): acted on by main() before parsing (mpi_start)
};

void add_sweep_options(CLI::App* cmd, SweepCommandOptions& o);
// --mpi alone, for a command with its own options (bench, test, calibrate).
void add_mpi_option(CLI::App* cmd, bool& mpi);

// One --vary PATH=V1,V2,...: the path and its values as given.
struct Axis {
  std::string path;
  std::vector<std::string> values;
};

// Splits every --vary into an Axis (values split on commas outside brackets). Returns "" or
// the usage error ("--vary ...: ...").
std::string parse_axes(const std::vector<std::string>& vary, std::vector<Axis>& axes);

// The cross product of the axes, the first --vary slowest: variant i's sets are `base`
// followed by one PATH=VALUE per axis; `picks[i]` holds the value index taken on each axis.
std::vector<Variant> cross_product(const std::vector<std::string>& base,
                                   const std::vector<Axis>& axes,
                                   std::vector<std::vector<size_t>>* picks = nullptr);

// Monte Carlo over seeds (`whatif --seeds`, `size --seeds`): --seeds N (seeds 1..N) or A-B
// (A..B) appended to `axes` as a `seed` axis, the last, fastest one, so that one variant's
// runs are consecutive; nothing when `text` is empty. Returns "" or the usage error.
std::string add_seed_axis(const std::string& text, std::vector<Axis>& axes);

// The columns that seed_stats_fields fills, in order.
const std::vector<std::string>& seed_stats_columns();
// The spread over `n` consecutive run rows from `first` (status, completed, duration_s):
// seeds, completed_share, duration_mean_s, duration_p5_s, duration_p50_s, duration_p95_s
// set in `row` (analysis/seed_stats.hpp).
void seed_stats_fields(const std::vector<nlohmann::ordered_json>& runs, size_t first, size_t n,
                       nlohmann::ordered_json& row);

// Runs `variants` (skipping those finished in DIR/COMMAND.csv when resuming), turns each
// result into a row with `make_row`, appends rows durably as they finish, rewrites the file
// in variant order, and returns the rows in variant order.
std::vector<nlohmann::ordered_json> run_variants(
    const SweepCommandOptions& o, const std::string& command, const RowTable& table,
    const std::vector<Variant>& variants,
    const std::function<nlohmann::ordered_json(const Variant&, const VariantResult&)>& make_row);

// Prints rows as a table on stdout, or as a JSON array with --json (nothing else on stdout).
void print_rows(const SweepCommandOptions& o, const RowTable& table,
                const std::vector<nlohmann::ordered_json>& rows);

// Common row fields: variant_index, status, error.
nlohmann::ordered_json row_header(const VariantResult& r);

// summary["a"]["b"]... or null.
nlohmann::json summary_field(const nlohmann::json& summary,
                             std::initializer_list<const char*> path);

}  // namespace coexlab
