// The rows of a sweep: the same scenario over many variants (run by os/sweep_runner.hpp).
// Rows are appended durably to DIR/COMMAND.csv in finishing order as each variant ends and
// rewritten atomically in variant order at the end; --resume skips the variants already
// there (SPEC §3).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep_runner.hpp"

namespace coexlab {

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
