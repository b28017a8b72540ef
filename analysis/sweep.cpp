#include "sweep.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "csv.hpp"
#include "table.hpp"

namespace coexlab {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

// ---- tables ---------------------------------------------------------------------------------

namespace {

std::string cell(const ojson& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

std::string RowTable::csv_header() const {
  std::string line;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) line += ',';
    line += csv_field(columns_[i]);
  }
  return line;
}

std::string RowTable::csv_line(const ojson& row) const {
  std::string line;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto it = row.find(columns_[i]);
    if (i) line += ',';
    line += csv_field(it == row.end() ? "" : cell(*it));
  }
  return line;
}

std::string RowTable::csv(const std::vector<ojson>& rows) const {
  std::string out = csv_header() + "\n";
  for (const ojson& r : rows) out += csv_line(r) + "\n";
  return out;
}

std::string RowTable::text(const std::vector<ojson>& rows) const {
  return human_table(columns_, rows);  // analysis/table.hpp
}

std::optional<std::vector<std::map<std::string, std::string>>> read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  // A torn last line (no newline, or a quoted field never closed): the file is not whole.
  if (!text.empty() && text.back() != '\n') return std::nullopt;
  CsvLimits limits;  // rows of our own tables: an error cell holds a stderr tail
  limits.max_field_bytes = 1 << 20;
  limits.max_records = std::int64_t{1} << 40;
  const CsvReadResult csv = read_csv_text(text, path, limits);
  if (csv.error) return std::nullopt;
  if (csv.records.empty()) return std::vector<std::map<std::string, std::string>>{};
  const std::vector<CsvField>& header = csv.records.front().fields;
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t r = 1; r < csv.records.size(); ++r) {
    const std::vector<CsvField>& fields = csv.records[r].fields;
    if (fields.size() != header.size()) return std::nullopt;
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < header.size(); ++c) row[header[c].text] = fields[c].text;
    rows.push_back(std::move(row));
  }
  return rows;
}

ojson cell_to_json(const std::string& c) {
  if (c.empty()) return nullptr;
  if (c == "true") return true;
  if (c == "false") return false;
  // A number only when it writes back as the very same text: a kept row of a resumed sweep
  // is then byte for byte what was written ("01", "1e3" or "+2", values as the user wrote
  // them, stay strings). No std::stod: it throws on "1e-310".
  const char* b = c.data();
  const char* e = c.data() + c.size();
  long long i = 0;
  if (const auto r = std::from_chars(b, e, i); r.ec == std::errc{} && r.ptr == e) {
    const ojson j = i;
    return j.dump() == c ? j : ojson(c);
  }
  double d = 0;
  if (const auto r = std::from_chars(b, e, d);
      r.ec == std::errc{} && r.ptr == e && std::isfinite(d)) {
    const ojson j = d;
    return j.dump() == c ? j : ojson(c);
  }
  return c;
}

SweepOutput::SweepOutput(std::string dir, const std::string& command, const RowTable& table,
                         bool resume)
    : dir_(std::move(dir)), table_(table) {
  if (dir_.empty()) return;
  fs::create_directories(dir_);
  path_ = (fs::path(dir_) / (command + ".csv")).string();
  // What an interrupted write of this file left: COMMAND.csv.tmp-XXXXXX, COMMAND.csv.resume.
  {
    std::error_code ec;
    const std::string stem = command + ".csv";
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(stem + ".tmp-", 0) == 0 || name == stem + ".resume")
        fs::remove(entry.path(), ec);
    }
  }
  if (resume) {
    // Keep what whole lines an interrupted run left; a torn last line is dropped.
    std::ifstream in(path_, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (const auto cut = text.rfind('\n'); cut != std::string::npos)
      text.resize(cut + 1);
    else
      text.clear();
    if (!text.empty()) {
      const std::string tmp = path_ + ".resume";
      write_file_atomically(tmp, text);
      if (auto rows = read_csv(tmp)) {
        for (auto& r : *rows) {
          if (r.count("variant_index") && !r["variant_index"].empty()) {
            finished_[std::stoi(r["variant_index"])] = r;
          }
        }
      }
      fs::remove(tmp);
    }
  }
  // Start the file again with the rows kept: appends follow.
  std::string content = table_.csv_header() + "\n";
  for (const auto& [index, row] : finished_) {
    ojson j;
    for (const auto& [k, v] : row) j[k] = cell_to_json(v);
    content += table_.csv_line(j) + "\n";
  }
  write_file_atomically(path_, content);
}

std::string SweepOutput::append(const ojson& row) {
  if (!enabled()) return {};
  return append_line_durably(path_, table_.csv_line(row));
}

std::string SweepOutput::finish(const std::vector<ojson>& rows) {
  if (!enabled()) return {};
  return write_file_atomically(path_, table_.csv(rows));
}

}  // namespace coexlab
