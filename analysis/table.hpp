// The one table printer of the terminal (whatif, size, test, bottlenecks, calc, run's check
// list): aligned columns, two spaces apart, no trailing spaces, numbers right-aligned; and the
// human form of a cell (SI stays in CSV and JSON; the terminal shows "3 d 04 h 10 min",
// "1.20 GB", "1,234,567").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace coexlab {

// 1234567 -> "1,234,567"; -1234 -> "-1,234".
std::string with_thousands(std::int64_t n);

struct TableColumn {
  std::string header;
  bool right = false;  // numbers: right-aligned
};

// A header line, a rule of dashes and one line per row; cells missing at the end of a row are
// empty. Every line ends in '\n' and carries no trailing blank.
std::string render_table(const std::vector<TableColumn>& columns,
                         const std::vector<std::vector<std::string>>& rows);
// The same cells as a GitHub Markdown table (`bench --markdown`, for a pull request or a
// paper's notes): `|` in a cell escaped, right-aligned columns marked `---:`.
std::string render_markdown_table(const std::vector<TableColumn>& columns,
                                  const std::vector<std::vector<std::string>>& rows);

// A row value for the terminal, by its column's unit suffix: `_s` a duration, `_bytes` a size,
// `_fraction` and `_share` a percentage; other integers with thousands separators, other
// floats to 4 significant digits; null as "—".
std::string human_cell(std::string_view column, const nlohmann::ordered_json& value);
// The column's header for the terminal: its name without the unit suffix that human_cell
// turned into a unit ("duration_s" -> "duration", "gain_fraction" -> "gain %").
std::string human_header(std::string_view column);

// Rows of named cells (a sweep's rows) as a human table over `columns`.
std::string human_table(const std::vector<std::string>& columns,
                        const std::vector<nlohmann::ordered_json>& rows);

// ---- Quantities in the user's units ---------------------------------------------------------

// A scenario file as the user typed it, parsed once: the text at a dotted PATH (list entries
// by `name`, as --set addresses them), e.g. "100 GiB" for
// servers.EX07.hardware.log_disk.capacity; "" when the file does not set it there (a default,
// a profile) or cannot be read. A report asks it for every server's capacities.
class ScenarioText {
 public:
  explicit ScenarioText(const std::string& file);
  std::string at(const std::string& path) const;

 private:
  struct Tree;
  std::shared_ptr<const Tree> tree_;
};

// ScenarioText(file).at(path), for a single lookup.
std::string scenario_text_at(const std::string& file, const std::string& path);

// `value_si` (in the base unit of its dimension) written in the unit of `typed` ("3 GHz",
// "100 GiB"): "6 GHz", "200 GiB"; "" when `typed` is not a quantity with a unit.
std::string format_like(double value_si, std::string_view typed);

// A `--set PATH=VALUE` whose VALUE is a quantity (in SI, as coexlab computes it) rewritten in
// the unit the scenario FILE used at PATH; unchanged when the file gives no unit there.
std::string set_in_scenario_units(const std::string& file, const std::string& set);

// A check's measured value (SI, as the `value` column holds it) for people, in the unit of the
// check's own quantity: "migration.duration <= 9 d" -> "8 d 11 h 42 min", "... <= 200 GiB" ->
// "123.4 GiB", "... <= 80 %" -> "63.2 %"; "" when the expression has no quantity with a unit.
std::string check_value_text(double value_si, std::string_view expr);

}  // namespace coexlab
