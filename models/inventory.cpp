#include "inventory.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "scenario_keys.hpp"
#include "units.hpp"

namespace coexlab {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

SourcePos pos_of(const InventoryTable& t, const CsvField& f) {
  return {t.label, f.line, f.column};
}

constexpr const char* kRequired[] = {"DisplayName", "ItemCount", "TotalItemSize"};

}  // namespace

std::optional<double> parse_total_item_size(std::string_view text, std::string* error) {
  const std::string_view s = trim(text);
  const auto fail = [&](std::string why) -> std::optional<double> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  const std::string expected =
      "expected bytes as Exchange writes them ('123456789B' or '117.7 MB (123,456,789 bytes)') "
      "or a size with a unit ('300 MB')";
  if (s.empty()) return fail("is empty: " + expected);
  if (const size_t open = s.find('('); open != std::string_view::npos) {
    // "117.7 MB (123,456,789 bytes)": the exact count in parentheses; the separators of any
    // locale (',', '.', ' ', a no-break space) between its digits.
    const size_t close = s.find(')', open);
    if (close == std::string_view::npos || !trim(s.substr(close + 1)).empty())
      return fail("has an unclosed or trailing '(...)': " + expected);
    std::string_view inner = trim(s.substr(open + 1, close - open - 1));
    for (std::string_view suffix : {"bytes", "byte", "B"}) {
      if (inner.size() > suffix.size() && inner.ends_with(suffix)) {
        inner = trim(inner.substr(0, inner.size() - suffix.size()));
        break;
      }
    }
    std::string digits;
    for (size_t i = 0; i < inner.size(); ++i) {
      const char c = inner[i];
      if (c >= '0' && c <= '9') {
        digits += c;
      } else if (c == ',' || c == '.' || c == ' ' || c == '\'') {
        continue;
      } else if (c == '\xC2' && i + 1 < inner.size() && inner[i + 1] == '\xA0') {
        ++i;  // U+00A0, a no-break space
      } else {
        return fail(fmt::format("has '{}' in parentheses, not a count of bytes: {}",
                                shown_field(inner), expected));
      }
    }
    if (digits.empty() || digits.size() > 15)
      return fail(fmt::format("has '{}' in parentheses, not a count of bytes: {}",
                              shown_field(inner), expected));
    double v = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return v;
  }
  const units::ParsedQuantity q = units::parse_quantity(s, units::Dimension::size);
  if (!q.ok()) return fail("is not a size: " + expected);
  return q.base_value;
}

std::optional<std::string> read_inventory_file(const std::string& path, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    if (error) *error = ec ? ec.message() : "No such file or directory";
    return std::nullopt;
  }
  if (!fs::is_regular_file(st)) {
    if (error) *error = "not a regular file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot be opened for reading";
    return std::nullopt;
  }
  // Read at most one byte past the limit: the size reported by the file system is not
  // trusted (a /proc file says 0).
  std::string text;
  constexpr std::int64_t kLimit = InventoryLimits::kMaxFileBytes;
  char buf[65536];
  while (in && std::int64_t(text.size()) <= kLimit) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    if (error) *error = "a read error";
    return std::nullopt;
  }
  if (std::int64_t(text.size()) > kLimit) {
    if (error) *error = fmt::format("more than {} bytes, the limit of an inventory file", kLimit);
    return std::nullopt;
  }
  return text;
}

std::optional<InventoryTable> parse_inventory(std::string_view text, const std::string& label,
                                              Diagnostics& diags) {
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
    diags.error({label, 1, 1},
                "the inventory is UTF-16 (PowerShell's 'Unicode'): export it again with "
                "'Export-Csv -Encoding UTF8'");
    return std::nullopt;
  }
  CsvLimits limits;
  limits.max_bytes = InventoryLimits::kMaxFileBytes;
  limits.max_records = InventoryLimits::kMaxRows + 1;
  limits.max_field_bytes = InventoryLimits::kMaxFieldBytes;
  limits.max_fields = InventoryLimits::kMaxColumns;
  CsvReadResult csv = read_csv_text(text, label, limits, /*skip_type_line=*/true);
  if (csv.error) {
    diags.error(csv.error->pos, csv.error->message);
    return std::nullopt;
  }
  if (csv.records.empty()) {
    diags.error({label, 1, 1},
                "the inventory is empty: it needs a header line with DisplayName, ItemCount "
                "and TotalItemSize, then one line per mailbox (Get-MailboxStatistics | "
                "Export-Csv)");
    return std::nullopt;
  }
  InventoryTable t;
  t.label = label;
  CsvRecord& head = csv.records.front();
  t.header_line = head.line;
  bool ok = true;
  std::set<std::string> seen;
  for (size_t i = 0; i < head.fields.size(); ++i) {
    const CsvField& f = head.fields[i];
    const std::string name(trim(f.text));
    t.header.push_back(name);
    if (!seen.insert(ascii_lower(name)).second) {
      diags.error(pos_of(t, f),
                  fmt::format("column '{}' appears twice in the header", shown_field(name)));
      ok = false;
      continue;
    }
    const std::string key = ascii_lower(name);
    const int col = static_cast<int>(i);
    if (key == "displayname")
      t.display_name = col;
    else if (key == "itemcount")
      t.item_count = col;
    else if (key == "totalitemsize")
      t.total_item_size = col;
    else if (key == "database")
      t.database = col;
    else if (key == "mailboxguid")
      t.mailbox_guid = col;
    else if (key == "legacydn")
      t.legacy_dn = col;
  }
  const int* found[] = {&t.display_name, &t.item_count, &t.total_item_size};
  std::vector<std::string_view> header_names(t.header.begin(), t.header.end());
  for (size_t k = 0; k < 3; ++k) {
    if (*found[k] >= 0) continue;
    ok = false;
    std::string hint;
    for (const std::string& h : t.header) {
      if (did_you_mean(h, {kRequired[k]}) == kRequired[k]) hint = h;
    }
    diags.error(
        {label, t.header_line, 1},
        fmt::format("the header has no '{}' column (required: DisplayName, ItemCount, "
                    "TotalItemSize){}",
                    kRequired[k],
                    hint.empty() ? "" : fmt::format("; is '{}' meant?", shown_field(hint))));
  }
  if (!ok) return std::nullopt;
  t.rows.assign(std::make_move_iterator(csv.records.begin() + 1),
                std::make_move_iterator(csv.records.end()));
  return t;
}

std::optional<InventoryMailbox> inventory_row(const InventoryTable& t, size_t index,
                                              Diagnostics& diags) {
  const CsvRecord& row = t.rows[index];
  if (row.fields.size() != t.header.size()) {
    diags.error({t.label, row.line, 1},
                fmt::format("this row has {} fields, the header (line {}) has {}: a comma in an "
                            "unquoted field?",
                            row.fields.size(), t.header_line, t.header.size()));
    return std::nullopt;
  }
  bool ok = true;
  const auto text_field = [&](int col, bool required) -> std::string {
    if (col < 0) return {};
    const CsvField& f = row.fields[size_t(col)];
    size_t bad = 0;
    if (!valid_utf8(f.text, &bad)) {
      diags.error(pos_of(t, f), fmt::format("{} is not valid UTF-8 (byte {} of the field): "
                                            "export with 'Export-Csv -Encoding UTF8'",
                                            t.header[size_t(col)], bad + 1));
      ok = false;
      return {};
    }
    if (has_control(f.text)) {
      diags.error(pos_of(t, f), fmt::format("{} '{}' holds a control character",
                                            t.header[size_t(col)], shown_field(f.text)));
      ok = false;
      return {};
    }
    std::string v(trim(f.text));
    if (required && v.empty()) {
      diags.error(pos_of(t, f), fmt::format("{} is empty", t.header[size_t(col)]));
      ok = false;
    }
    return v;
  };
  InventoryMailbox m;
  m.name = text_field(t.display_name, true);
  const std::string guid = text_field(t.mailbox_guid, false);
  const std::string legacy = text_field(t.legacy_dn, false);
  m.identity = !guid.empty() ? guid : !legacy.empty() ? legacy : m.name;
  m.identity_from = !guid.empty() ? "MailboxGuid" : !legacy.empty() ? "LegacyDN" : "DisplayName";
  m.pos = {t.label, row.line, 1};

  const CsvField& items = row.fields[size_t(t.item_count)];
  {
    const std::string_view s = trim(items.text);
    std::int64_t v = -1;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v < 0 ||
        v > InventoryLimits::kMaxItemCount) {
      diags.error(pos_of(t, items),
                  fmt::format("ItemCount '{}' must be a whole number of items from 0 to {}",
                              shown_field(items.text), InventoryLimits::kMaxItemCount));
      ok = false;
    } else {
      m.items = v;
    }
  }
  const CsvField& size = row.fields[size_t(t.total_item_size)];
  {
    std::string why;
    const auto bytes = parse_total_item_size(size.text, &why);
    if (!bytes) {
      diags.error(pos_of(t, size),
                  fmt::format("TotalItemSize '{}' {}", shown_field(size.text), why));
      ok = false;
    } else if (*bytes > InventoryLimits::kMaxMailboxBytes) {
      diags.error(pos_of(t, size), fmt::format("TotalItemSize '{}' is more than 10 TB, the "
                                               "limit of one mailbox",
                                               shown_field(size.text)));
      ok = false;
    } else {
      m.size = Bytes{std::round(*bytes)};
    }
  }
  if (!ok) return std::nullopt;
  return m;
}

std::vector<size_t> select_inventory_rows(const InventoryTable& t,
                                          const std::optional<std::string>& database) {
  std::vector<size_t> out;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    if (database) {
      const auto& f = t.rows[i].fields;
      if (t.database < 0 || size_t(t.database) >= f.size() ||
          trim(f[size_t(t.database)].text) != *database)
        continue;
    }
    out.push_back(i);
  }
  return out;
}

std::vector<std::string> inventory_databases(const InventoryTable& t) {
  std::vector<std::string> out;
  if (t.database < 0) return out;
  std::set<std::string> seen;
  for (const CsvRecord& r : t.rows) {
    if (size_t(t.database) >= r.fields.size()) continue;
    std::string v(trim(r.fields[size_t(t.database)].text));
    if (seen.insert(v).second) out.push_back(std::move(v));
  }
  return out;
}

}  // namespace coexlab
