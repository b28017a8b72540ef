// Reading a parsed YAML scenario with positions: the structure checks (mappings with their
// known keys, lists, required keys) and the typed scalar readers (names, numbers, quantities
// with units, booleans, enumerations, database references). Each reader reports a bad value
// at its node, `FILE:LINE:COLUMN`, and returns nullopt; the section loaders (loader_*.cpp)
// are built on it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "calendar.hpp"
#include "diagnostics.hpp"
#include "overrides.hpp"
#include "scenario.hpp"
#include "units.hpp"

namespace coexlab {

// A name of an entity: letters, digits, '-' and '_' (and '.' where allowed), 1-128 long.
bool is_name(std::string_view s, bool allow_dots);

template <class E>
struct EnumEntry {
  std::string_view text;
  E value;
};

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diags, const std::vector<OverrideNode>& overrides)
      : file_(std::move(file)), diags_(diags), overrides_(overrides) {}

  // ---- positions and messages ---------------------------------------------------------------
  // A node's place: in the file, or in the `--set` value it came from.
  SourcePos pos(const YAML::Node& n) const;
  void error(const YAML::Node& n, std::string message);

  // ---- structure ----------------------------------------------------------------------------
  // True when n is a map; reports unknown keys (with a suggestion) and duplicate keys.
  // `context` names the key set (scenario_keys.hpp).
  bool check_map(const YAML::Node& n, std::string_view context, std::string_view what);
  bool check_sequence(const YAML::Node& n, std::string_view what);
  // The value of a required key, or an undefined node after reporting it missing.
  YAML::Node require(const YAML::Node& map, const char* key, std::string_view what);
  static bool present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

  // ---- scalars ------------------------------------------------------------------------------
  std::optional<std::string> scalar(const YAML::Node& n, std::string_view what);
  std::optional<std::string> name(const YAML::Node& n, std::string_view what,
                                  bool allow_dots = false);
  std::optional<double> number(const YAML::Node& n, std::string_view what, double min, double max);
  std::optional<std::int64_t> integer(const YAML::Node& n, std::string_view what, std::int64_t min,
                                      std::int64_t max);
  // A dimensioned value in SI units, within [min, max] (SI).
  std::optional<double> quantity(const YAML::Node& n, units::Dimension dim, std::string_view what,
                                 double min_si, double max_si, bool allow_zero = false);
  std::optional<bool> boolean(const YAML::Node& n, std::string_view what);
  // One of the entries' texts (with a did-you-mean otherwise).
  template <class E>
  std::optional<E> enumeration(const YAML::Node& n, std::string_view what,
                               std::initializer_list<EnumEntry<E>> entries) {
    std::vector<std::string_view> texts;
    texts.reserve(entries.size());
    for (const auto& e : entries) texts.push_back(e.text);
    const std::optional<size_t> i = choice(n, what, texts);
    if (!i) return std::nullopt;
    return (entries.begin() + *i)->value;
  }
  std::optional<DatabaseRef> database_ref(const YAML::Node& n, std::string_view what);
  std::optional<std::pair<std::string, std::string>> pair_of_names(const YAML::Node& n,
                                                                   std::string_view what);
  // A UTC offset: a duration with an optional '-', within 14 h.
  std::optional<double> signed_hours(const YAML::Node& n, std::string_view what);
  // A date-time as seconds after `start`.
  std::optional<Seconds> instant(const YAML::Node& n, const CivilTime& start,
                                 std::string_view what);

 protected:
  std::string file_;
  Diagnostics& diags_;

 private:
  // The index of the text among `texts`, or nullopt after reporting it.
  std::optional<size_t> choice(const YAML::Node& n, std::string_view what,
                               const std::vector<std::string_view>& texts);

  const std::vector<OverrideNode>& overrides_;
};

}  // namespace coexlab
