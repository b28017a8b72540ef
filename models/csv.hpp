// CSV through libcsv (Debian libcsv-dev, RFC 4180): reading with the line and column of every
// field, for positioned errors, and writing with the quoting RFC 4180 requires. Every CSV
// coexlab reads or writes goes through here; no SimGrid, no YAML.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.hpp"

namespace coexlab {

// ---- writing ----------------------------------------------------------------------------------

// One field as RFC 4180 wants it: as is when it holds no comma, quote, CR or LF and has no
// space or tab at either end (libcsv's reader trims those from a bare field) and does not
// start with U+FEFF (a BOM, first in a file); else quoted by libcsv's csv_write
// ("a ""b"", c").
std::string csv_field(std::string_view text);

// Appends one record: the fields quoted as needed, separated by commas, ended by "\n".
void append_csv_record(std::string& out, const std::vector<std::string>& fields);
std::string csv_record(const std::vector<std::string>& fields);  // without the "\n"

// ---- reading ----------------------------------------------------------------------------------

struct CsvField {
  std::string text;  // unquoted, "" unescaped; a bare field has its outer spaces trimmed
  int line = 0;      // 1-based, of the field's first character (its opening quote)
  int column = 0;    // 1-based, in characters (UTF-8 code points) of that line
};

struct CsvRecord {
  std::vector<CsvField> fields;
  int line = 0;  // the line of its first field
};

struct CsvLimits {
  std::int64_t max_bytes = 256LL * 1024 * 1024;
  std::int64_t max_records = 2'000'001;  // header included
  std::int64_t max_field_bytes = 4096;
  std::int64_t max_fields = 1000;  // per record
};

struct CsvReadResult {
  std::vector<CsvRecord> records;   // blank lines are not records
  std::optional<Diagnostic> error;  // a syntax error or a limit: reading stopped there
};

// Parses `text` (strict RFC 4180: a quote inside a bare field, or text after a closing quote,
// is an error). A UTF-8 BOM is skipped; CRLF, LF and CR end records. With `skip_type_line`, a
// first line that starts with "#TYPE" (what PowerShell's Export-Csv writes) is not a record.
// `label` names the source in positions.
CsvReadResult read_csv_text(std::string_view text, const std::string& label,
                            const CsvLimits& limits = {}, bool skip_type_line = false);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates); `bad` gets the
// 0-based byte offset of the first bad byte.
bool valid_utf8(std::string_view text, size_t* bad = nullptr);

// A field's text for an error message: at most 60 characters, control characters as '?'.
std::string shown_field(std::string_view text);
// ASCII lower case (column names and keywords compare case-insensitively).
std::string ascii_lower(std::string_view text);

}  // namespace coexlab
