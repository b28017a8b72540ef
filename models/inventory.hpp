// Inventory from the organisation (SPEC §5.3): the mailboxes of a database read from a CSV as
// `Get-MailboxStatistics | Export-Csv` writes it — an optional `#TYPE ...` first line, a
// header, quoted fields, UTF-8 with or without a BOM, CRLF or LF. Columns by header name
// (case-insensitive): DisplayName, ItemCount, TotalItemSize required; Database (for the
// `database:` filter), MailboxGuid and LegacyDN (the identity) optional; any other column is
// ignored. Every bad row is a positioned error (FILE:LINE:COLUMN of the CSV), all in one pass.
// No SimGrid, no YAML.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csv.hpp"
#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

// Limits of an inventory file (docs/limits.md), checked before the rows are kept.
struct InventoryLimits {
  static constexpr std::int64_t kMaxFileBytes = 256LL * 1024 * 1024;
  static constexpr std::int64_t kMaxRows = 2'000'000;  // data rows, header not counted
  static constexpr std::int64_t kMaxFieldBytes = 4096;
  static constexpr std::int64_t kMaxColumns = 1000;
  static constexpr std::int64_t kMaxItemCount = 1'000'000'000;
  static constexpr double kMaxMailboxBytes = 1e13;  // 10 TB, as a generated size
};

// The header and data rows of one inventory file, its columns found.
struct InventoryTable {
  std::string label;  // the file as positions name it
  int header_line = 1;
  std::vector<std::string> header;
  std::vector<CsvRecord> rows;                                   // data rows, in file order
  int display_name = -1, item_count = -1, total_item_size = -1;  // required columns
  int database = -1, mailbox_guid = -1, legacy_dn = -1;          // optional (-1: absent)
};

// Parses the text of an inventory. nullopt after reporting why it cannot be used at all (a
// CSV syntax error, a limit, an empty file, a required column missing); `diags` gets every
// problem of the header in one pass.
std::optional<InventoryTable> parse_inventory(std::string_view text, const std::string& label,
                                              Diagnostics& diags);

// Data row `index` of `table` as a mailbox, or nullopt after reporting each bad field.
std::optional<InventoryMailbox> inventory_row(const InventoryTable& table, size_t index,
                                              Diagnostics& diags);

// The rows whose Database equals `database` (all rows when nullopt), in file order.
std::vector<size_t> select_inventory_rows(const InventoryTable& table,
                                          const std::optional<std::string>& database);
// The distinct Database values of the table, in file order (for a message).
std::vector<std::string> inventory_databases(const InventoryTable& table);

// TotalItemSize as Exchange writes it: "123456789B" (2007), "117.7 MB (123,456,789 bytes)"
// (2010 and later; the bytes in parentheses count), or a quantity with a unit ("300 MB").
// nullopt with `error` set when it is none of these.
std::optional<double> parse_total_item_size(std::string_view text, std::string* error);

// Reads a file of at most InventoryLimits::kMaxFileBytes that must be a regular file;
// nullopt with `error` (the reason, e.g. "No such file or directory") otherwise.
std::optional<std::string> read_inventory_file(const std::string& path, std::string* error);

}  // namespace coexlab
