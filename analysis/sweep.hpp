// Sweeps: the same scenario over many variants, each simulated by a child `coexlab run`
// (SimGrid allows one engine per process), N at a time. Rows are appended durably to
// DIR/COMMAND.csv in finishing order as each variant ends and rewritten atomically in
// variant order at the end; --resume skips the variants already there (SPEC §3).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coexlab {

struct Variant {
  int index = 0;                  // variant_index: 0, 1, ... in the order of the table
  std::vector<std::string> sets;  // "PATH=VALUE" overrides for `coexlab run --set`
};

struct VariantResult {
  int index = 0;
  std::string status;      // ok, failed, timeout
  std::string error;       // empty when ok: otherwise the tail of the child's stderr
  int exit_code = 0;       // of `coexlab run` (1: invalid scenario or failed checks)
  nlohmann::json summary;  // summary.json of the run (null when none was written)
  std::map<std::string, std::string> files;  // SweepOptions::return_files found, by name
};

struct SweepOptions {
  std::string binary;     // the coexlab executable
  std::string scenario;   // scenario file
  int jobs = 1;           // children at once
  double timeout_s = 0;   // per variant; 0: none
  std::string work_dir;   // where children write their results (created, then removed)
  bool progress = false;  // a progress line on stderr
  // Result files of each child handed back in VariantResult::files (e.g. moves.csv for
  // calibrate), read before the child's directory is removed.
  std::vector<std::string> return_files;
};

// Runs every variant; `on_done` is called in finishing order. Results in variant order.
std::vector<VariantResult> run_sweep(const std::vector<Variant>& variants,
                                     const SweepOptions& options,
                                     const std::function<void(const VariantResult&)>& on_done);

// The path of this executable (for children), from /proc/self/exe.
std::string self_executable();

// A table of rows with named columns, kept as CSV: SPEC's common columns first.
class RowTable {
 public:
  explicit RowTable(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  const std::vector<std::string>& columns() const { return columns_; }

  // One row; values by column name (missing: empty). JSON strings are written bare,
  // numbers in shortest round-trip form, null as empty, booleans as true/false.
  std::string csv_line(const nlohmann::ordered_json& row) const;
  std::string csv_header() const;
  std::string csv(const std::vector<nlohmann::ordered_json>& rows) const;
  // A fixed-width text table for the terminal.
  std::string text(const std::vector<nlohmann::ordered_json>& rows) const;

 private:
  std::vector<std::string> columns_;
};

// Reads a CSV written by RowTable (RFC 4180 quoting); nullopt when absent or unreadable.
std::optional<std::vector<std::map<std::string, std::string>>> read_csv(const std::string& path);

// Durable row output of a sweep command: appends as rows finish, rewrites in order at the
// end, and tells which variants a previous run already finished (--resume).
class SweepOutput {
 public:
  SweepOutput(std::string dir, const std::string& command, const RowTable& table, bool resume);
  // Rows already in DIR/COMMAND.csv from an earlier run (when resuming), by variant_index.
  const std::map<int, std::map<std::string, std::string>>& finished() const { return finished_; }
  std::string append(const nlohmann::ordered_json& row);  // "" or an error
  std::string finish(const std::vector<nlohmann::ordered_json>& rows_in_order);
  bool enabled() const { return !dir_.empty(); }

 private:
  std::string dir_;
  std::string path_;
  const RowTable& table_;
  std::map<int, std::map<std::string, std::string>> finished_;
};

// A CSV cell back to JSON: numbers and booleans typed, empty as null, the rest strings.
nlohmann::ordered_json cell_to_json(const std::string& cell);

}  // namespace coexlab
