#include "table.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "units.hpp"

namespace coexlab {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Display width in code points: "—" and "×" are one column, three bytes.
size_t width_of(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

constexpr std::string_view kNone = "—";

}  // namespace

std::string with_thousands(std::int64_t n) {
  const bool negative = n < 0;
  // Through unsigned so that the most negative value does not overflow.
  std::uint64_t u = negative ? ~static_cast<std::uint64_t>(n) + 1 : static_cast<std::uint64_t>(n);
  std::string digits = fmt::format("{}", u), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string render_table(const std::vector<TableColumn>& columns,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) width[i] = width_of(columns[i].header);
  for (const auto& r : rows) {
    for (size_t i = 0; i < columns.size() && i < r.size(); ++i)
      width[i] = std::max(width[i], width_of(r[i]));
  }
  std::string out;
  const auto line = [&](const auto& cell_at) {
    std::string text;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string_view c = cell_at(i);
      const std::string pad(width[i] - width_of(c), ' ');
      if (i) text += "  ";
      text += columns[i].right ? pad + std::string(c) : std::string(c) + pad;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + '\n';
  };
  line([&](size_t i) { return std::string_view(columns[i].header); });
  std::vector<std::string> rule;
  rule.reserve(width.size());
  for (size_t w : width) rule.emplace_back(w, '-');
  line([&](size_t i) { return std::string_view(rule[i]); });
  for (const auto& r : rows) {
    line([&](size_t i) { return i < r.size() ? std::string_view(r[i]) : std::string_view(); });
  }
  return out;
}

std::string render_markdown_table(const std::vector<TableColumn>& columns,
                                  const std::vector<std::vector<std::string>>& rows) {
  const auto escaped = [](std::string_view cell) {
    std::string out;
    for (char c : cell) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  std::string head = "|", rule = "|";
  for (const TableColumn& c : columns) {
    head += " " + escaped(c.header) + " |";
    rule += c.right ? "---:|" : "---|";
  }
  std::string out = head + '\n' + rule + '\n';
  for (const auto& r : rows) {
    out += '|';
    for (size_t i = 0; i < columns.size(); ++i)
      out += " " + (i < r.size() ? escaped(r[i]) : std::string()) + " |";
    out += '\n';
  }
  return out;
}

std::string human_header(std::string_view column) {
  // A share says so: "gain_s" and "gain_fraction" must not both read "gain".
  if (ends_with(column, "_fraction") && column.size() > 9)
    return std::string(column.substr(0, column.size() - 9)) + " %";
  for (std::string_view suffix : {"_s", "_bytes"}) {
    if (ends_with(column, suffix) && column.size() > suffix.size())
      return std::string(column.substr(0, column.size() - suffix.size()));
  }
  return std::string(column);
}

std::string human_cell(std::string_view column, const nlohmann::ordered_json& v) {
  if (v.is_null()) return std::string(kNone);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (!v.is_number()) return v.dump();
  const double d = v.get<double>();
  if (ends_with(column, "_s")) {
    // A gain can be negative: the change made the migration longer.
    return d < 0 ? "-" + units::format_duration(units::Seconds{-d})
                 : units::format_duration(units::Seconds{d});
  }
  if (ends_with(column, "_bytes")) return units::format_bytes(units::Bytes{d});
  if (ends_with(column, "_fraction") || ends_with(column, "_share"))
    return fmt::format("{:.1f} %", d * 100);
  if (v.is_number_integer()) return with_thousands(v.get<std::int64_t>());
  if (v.is_number_unsigned())
    return with_thousands(static_cast<std::int64_t>(v.get<std::uint64_t>()));
  if (std::abs(d) >= 1000 && std::abs(d) < 9e18) return with_thousands(std::llround(d));
  return fmt::format("{:.4g}", d);
}

std::string human_table(const std::vector<std::string>& columns,
                        const std::vector<nlohmann::ordered_json>& rows) {
  std::vector<TableColumn> head;
  head.reserve(columns.size());
  for (const std::string& c : columns) head.push_back({human_header(c), false});
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::vector<std::string>& line = cells.emplace_back();
    for (size_t i = 0; i < columns.size(); ++i) {
      const auto it = r.find(columns[i]);
      const bool numeric = it != r.end() && it->is_number();
      // A column of numbers (ignoring empty cells) is right-aligned.
      if (numeric) head[i].right = true;
      line.push_back(it == r.end() ? std::string(kNone) : human_cell(columns[i], *it));
    }
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    for (const auto& r : rows) {
      const auto it = r.find(columns[i]);
      if (it != r.end() && !it->is_null() && !it->is_number()) head[i].right = false;
    }
  }
  return render_table(head, cells);
}

struct ScenarioText::Tree {
  YAML::Node root;  // null when the file could not be parsed
};

ScenarioText::ScenarioText(const std::string& file) {
  auto tree = std::make_shared<Tree>();
  try {
    tree->root = YAML::LoadFile(file);
  } catch (const YAML::Exception&) {
    // The file was checked when loaded: the text is a display nicety, "" everywhere.
  }
  tree_ = std::move(tree);
}

std::string ScenarioText::at(const std::string& path) const {
  try {
    // The cursor is rebound with reset(), never assigned: yaml-cpp's operator= writes into the
    // node it refers to, which is the parsed tree.
    YAML::Node node;
    node.reset(tree_->root);
    size_t from = 0;
    while (from <= path.size()) {
      const size_t dot = std::min(path.find('.', from), path.size());
      const std::string key = path.substr(from, dot - from);
      const YAML::Node& here = node;  // the const accessors never insert a key
      if (here.IsMap()) {
        node.reset(here[key]);
      } else if (here.IsSequence()) {
        YAML::Node found;
        for (const YAML::Node& entry : here) {
          if (!entry.IsMap()) continue;
          if (entry["name"] && entry["name"].IsScalar() && entry["name"].Scalar() == key)
            found.reset(entry);
          // A link without a name is named by its sites: `between: [HQ, Branch]` is HQ-Branch.
          const YAML::Node between = entry["between"];
          if (!entry["name"] && between && between.IsSequence() && between.size() == 2 &&
              between[0].IsScalar() && between[1].IsScalar() &&
              between[0].Scalar() + "-" + between[1].Scalar() == key)
            found.reset(entry);
        }
        node.reset(found);
      } else {
        return "";
      }
      if (!node || !node.IsDefined() || node.IsNull()) return "";
      from = dot + 1;
    }
    return node.IsScalar() ? node.Scalar() : "";
  } catch (const YAML::Exception&) {
    return "";  // the file was checked when loaded: this is only a display nicety
  }
}

std::string scenario_text_at(const std::string& file, const std::string& path) {
  return ScenarioText(file).at(path);
}

std::string format_like(double value_si, std::string_view typed) {
  const size_t unit_at = typed.find_first_not_of("0123456789.+-eE \t");
  if (unit_at == std::string_view::npos || unit_at == 0) return "";
  const std::string unit(typed.substr(unit_at));
  if (unit == "%") return "";  // a share is not scaled
  for (units::Dimension d : {units::Dimension::size, units::Dimension::rate, units::Dimension::time,
                             units::Dimension::clock}) {
    const units::ParsedQuantity one = units::parse_quantity("1 " + unit, d);
    if (!one.ok() || one.base_value <= 0) continue;
    return fmt::format("{:.6g} {}", value_si / one.base_value, unit);
  }
  return "";
}

std::string set_in_scenario_units(const std::string& file, const std::string& set) {
  const size_t eq = set.find('=');
  if (eq == std::string::npos) return set;
  const std::string path = set.substr(0, eq), value = set.substr(eq + 1);
  // The computed value: a number and an SI unit ("6000000000 Hz").
  double si = 0;
  bool parsed = false;
  for (units::Dimension d : {units::Dimension::size, units::Dimension::rate, units::Dimension::time,
                             units::Dimension::clock}) {
    const units::ParsedQuantity q = units::parse_quantity(value, d);
    if (q.ok()) {
      si = q.base_value;
      parsed = true;
      break;
    }
  }
  if (!parsed) return set;
  const std::string like = format_like(si, scenario_text_at(file, path));
  return like.empty() ? set : path + "=" + like;
}

std::string check_value_text(double value_si, std::string_view expr) {
  const size_t op = expr.find_last_of("<>=");
  if (op == std::string_view::npos) return "";
  std::string_view quantity = expr.substr(op + 1);
  while (!quantity.empty() && quantity.front() == ' ') quantity.remove_prefix(1);
  if (!quantity.empty() && quantity.back() == '%') return fmt::format("{:.1f} %", value_si * 100);
  if (units::parse_quantity(quantity, units::Dimension::time).ok())
    return units::format_duration(units::Seconds{value_si});
  const std::string like = format_like(value_si, quantity);
  if (like.empty()) return "";
  // Three significant digits are what a person compares; the CSV keeps them all.
  const size_t unit_at = like.find(' ');
  return fmt::format("{:.4g}{}", std::stod(like.substr(0, unit_at)), like.substr(unit_at));
}

}  // namespace coexlab
