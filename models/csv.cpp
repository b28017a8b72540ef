#include "csv.hpp"

#include <csv.h>

#include <fmt/format.h>

namespace coexlab {

// ---- writing ----------------------------------------------------------------------------------

std::string csv_field(std::string_view text) {
  // A field that starts with U+FEFF is quoted too: first in a file it would read as the BOM
  // (found by fuzz_inventory).
  const bool bare = text.find_first_of(",\"\r\n") == std::string_view::npos &&
                    (text.empty() || (text.front() != ' ' && text.front() != '\t' &&
                                      text.back() != ' ' && text.back() != '\t')) &&
                    text.substr(0, 3) != "\xEF\xBB\xBF";
  if (bare) return std::string(text);
  // libcsv's writer: the field in quotes, each quote doubled. It returns the size it needs.
  std::string out(text.size() + 2, '\0');
  size_t need = csv_write(out.data(), out.size(), text.data(), text.size());
  if (need > out.size()) {
    out.resize(need);
    need = csv_write(out.data(), out.size(), text.data(), text.size());
  }
  out.resize(need);
  return out;
}

void append_csv_record(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  append_csv_record(out, fields);
  out.pop_back();
  return out;
}

// ---- reading ----------------------------------------------------------------------------------

bool valid_utf8(std::string_view s, size_t* bad) {
  size_t i = 0;
  const auto fail = [&](size_t at) {
    if (bad) *bad = at;
    return false;
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return fail(i);
    }
    if (i + size_t(len) > s.size()) return fail(i);
    for (int k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + size_t(k)]);
      if ((d & 0xC0) != 0x80) return fail(i);
      cp = (cp << 6) | (d & 0x3F);
    }
    const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail(i);
    i += size_t(len);
  }
  return true;
}

namespace {

// The parser's callbacks collect fields and records; positions come from the feeding loop,
// which hands libcsv every comma, quote, CR and LF as a chunk of its own: a field ends only on
// one of those (or at csv_fini), so the byte that ended it, and the first byte fed after it
// (where the next field starts), are known exactly.
struct Reader {
  const CsvLimits& limits;
  const std::string& label;
  CsvReadResult result;
  CsvRecord record;
  bool need_start = true;  // the next byte fed that is not CR/LF starts a field
  int start_line = 0, start_column = 0;
  bool stop = false;

  void fail(int line, int column, std::string message) {
    if (result.error) return;
    result.error = Diagnostic{Severity::error, {label, line, column}, std::move(message), {}};
    stop = true;
  }

  static void on_field(void* data, size_t len, void* self) {
    auto& r = *static_cast<Reader*>(self);
    if (r.stop) return;
    if (std::int64_t(len) > r.limits.max_field_bytes) {
      r.fail(r.start_line, r.start_column,
             fmt::format("a field of {} bytes, more than the limit of {}", len,
                         r.limits.max_field_bytes));
      return;
    }
    if (std::int64_t(r.record.fields.size()) >= r.limits.max_fields) {
      r.fail(r.start_line, r.start_column,
             fmt::format("a record of more than {} fields", r.limits.max_fields));
      return;
    }
    CsvField f;
    if (len > 0) f.text.assign(static_cast<const char*>(data), len);
    f.line = r.start_line;
    f.column = r.start_column;
    if (r.record.fields.empty()) r.record.line = f.line;
    r.record.fields.push_back(std::move(f));
    r.need_start = true;
  }

  static void on_record(int, void* self) {
    auto& r = *static_cast<Reader*>(self);
    if (r.stop) return;
    r.need_start = true;
    if (r.record.fields.empty()) return;
    if (std::int64_t(r.result.records.size()) >= r.limits.max_records) {
      r.fail(r.record.line, 1,
             fmt::format("more than {} records, the limit", r.limits.max_records));
      return;
    }
    r.result.records.push_back(std::move(r.record));
    r.record = CsvRecord{};
  }
};

bool special(char c) {
  return c == ',' || c == '"' || c == '\r' || c == '\n';
}

}  // namespace

CsvReadResult read_csv_text(std::string_view text, const std::string& label,
                            const CsvLimits& limits, bool skip_type_line) {
  Reader r{limits, label, {}, {}, true, 1, 1, false};
  if (std::int64_t(text.size()) > limits.max_bytes) {
    r.fail(1, 1, fmt::format("{} bytes, more than the limit of {}", text.size(), limits.max_bytes));
    return std::move(r.result);
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  int line = 1, column = 1;
  bool prev_cr = false;
  const auto advance = [&](std::string_view bytes) {
    for (char ch : bytes) {
      if (ch == '\r') {
        ++line;
        column = 1;
        prev_cr = true;
        continue;
      }
      if (ch == '\n') {
        if (!prev_cr) {
          ++line;
          column = 1;
        }
        prev_cr = false;
        continue;
      }
      prev_cr = false;
      if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++column;  // not a continuation
    }
  };
  if (skip_type_line && text.substr(0, 5) == "#TYPE") {
    size_t end = text.find_first_of("\r\n");
    if (end == std::string_view::npos) end = text.size();
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n')
      ++end;
    if (end < text.size()) ++end;
    advance(text.substr(0, end));
    text.remove_prefix(end);
  }

  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    r.fail(1, 1, "cannot start the CSV parser");
    return std::move(r.result);
  }
  size_t at = 0;
  while (at < text.size() && !r.stop) {
    size_t end = at + 1;
    if (!special(text[at])) {
      while (end < text.size() && !special(text[end])) ++end;
    }
    const std::string_view chunk = text.substr(at, end - at);
    if (r.need_start && chunk[0] != '\r' && chunk[0] != '\n') {
      r.need_start = false;
      r.start_line = line;
      r.start_column = column;
    }
    const size_t done =
        csv_parse(&p, chunk.data(), chunk.size(), &Reader::on_field, &Reader::on_record, &r);
    if (done < chunk.size() && !r.stop) {
      advance(chunk.substr(0, done));
      if (csv_error(&p) == CSV_EPARSE) {
        r.fail(line, column,
               chunk[done] == '"'
                   ? "a quote inside a field that does not start with one (RFC 4180: quote the "
                     "whole field and double the quote)"
                   : "text after the closing quote of a field (RFC 4180: a quoted field ends "
                     "at its closing quote, then a comma or the end of the line)");
      } else {
        r.fail(line, column, fmt::format("CSV: {}", csv_strerror(csv_error(&p))));
      }
      break;
    }
    advance(chunk);
    at = end;
  }
  if (!r.stop && csv_fini(&p, &Reader::on_field, &Reader::on_record, &r) != 0) {
    r.fail(r.start_line, r.start_column,
           "a quoted field that is never closed: its closing quote is missing");
  }
  csv_free(&p);
  return std::move(r.result);
}

std::string shown_field(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7F ? '?' : c;
  }
  if (text.size() > 60) out += "...";
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace coexlab
