// Fuzz target: bytes -> an inventory CSV (models/inventory.cpp over models/csv.cpp, libcsv),
// what `mailboxes: { from: FILE }` does to a Get-MailboxStatistics export. Hostile input may
// only ever produce positioned diagnostics: a crash, an abort, a hang or an escaped exception
// is a finding, and so is an error without a line and column, a mailbox with a negative or
// non-finite size or item count, a name that is not valid UTF-8, or a CSV record that does not
// come back field for field after writing it with csv_record() and reading it again.
// Triage: COEXLAB_FUZZ_PRINT=1 prints the diagnostics of each input.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "csv.hpp"
#include "inventory.hpp"

using namespace coexlab;

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_inventory: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  const std::optional<InventoryTable> table = parse_inventory(text, "fuzz.csv", diags);
  if (table) {
    check(!diags.has_errors(), "a table despite errors");
    for (size_t i = 0; i < table->rows.size(); ++i) {
      const std::optional<InventoryMailbox> m = inventory_row(*table, i, diags);
      if (!m) continue;
      check(std::isfinite(m->size.value) && m->size.value >= 0, "a bad size");
      check(m->items >= 0, "a negative item count");
      check(!m->name.empty() && valid_utf8(m->name) && valid_utf8(m->identity), "a bad name");
    }
    // The database filter of the first row's Database, and of nothing.
    const std::vector<std::string> dbs = inventory_databases(*table);
    if (!dbs.empty()) (void)select_inventory_rows(*table, dbs.front());
    check(select_inventory_rows(*table, std::nullopt).size() == table->rows.size(),
          "the unfiltered selection is not every row");
  }
  static const bool print = std::getenv("COEXLAB_FUZZ_PRINT") != nullptr;
  for (const Diagnostic& d : diags.sorted()) {
    if (print) std::fprintf(stderr, "%s\n", d.format().c_str());
    check(d.pos.line >= 1 && d.pos.column >= 1, "an error without a position");
  }
  // The writer against the reader: every record read, written and read again, is the same.
  const CsvReadResult csv = read_csv_text(text, "fuzz.csv");
  if (!csv.error) {
    std::string again;
    std::vector<std::string> fields;
    for (const CsvRecord& r : csv.records) {
      fields.clear();
      for (const CsvField& f : r.fields) fields.push_back(f.text);
      append_csv_record(again, fields);
    }
    CsvLimits roomy;  // quoting may grow a field past the limit the first read applied
    roomy.max_field_bytes *= 3;
    const CsvReadResult back = read_csv_text(again, "again.csv", roomy);
    check(!back.error, "what the writer wrote does not read back");
    size_t k = 0;
    for (const CsvRecord& r : csv.records) {
      bool blank = r.fields.size() == 1 && r.fields[0].text.empty();
      if (blank) continue;  // an empty single-field record writes an empty line, not a record
      check(k < back.records.size() && back.records[k].fields.size() == r.fields.size(),
            "a record changed its width through the writer");
      for (size_t i = 0; i < r.fields.size(); ++i)
        check(back.records[k].fields[i].text == r.fields[i].text,
              "a field changed through the writer");
      ++k;
    }
  }
  return 0;
}
