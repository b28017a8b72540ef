#include "yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "scenario_keys.hpp"

namespace coexlab {

using units::Dimension;

bool is_name(std::string_view s, bool allow_dots) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [allow_dots](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
           (allow_dots && c == '.');
  });
}

namespace {

// Least non-zero value of each dimension (SI units), with how messages say it.
struct Floor {
  double value;
  const char* text;
  const char* what;
};
Floor floor_of(Dimension d) {
  switch (d) {
    case Dimension::rate:
      return {0.125, "1 bps", "rate"};
    case Dimension::size:
      return {1, "1 B", "size"};
    case Dimension::time:
      return {1e-9, "1 ns", "duration"};
    case Dimension::clock:
      return {1, "1 Hz", "clock"};
    case Dimension::share:
      return {1e-9, "0.0000001 %", "share"};
  }
  return {0, "0", "value"};
}

}  // namespace

// ---- positions and messages -------------------------------------------------------------
SourcePos YamlReader::pos(const YAML::Node& n) const {
  for (const OverrideNode& o : overrides_) {
    if (o.node.is(n)) return {o.label, n.Mark().line + 1, n.Mark().column + 1};
  }
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return {file_, 0, 0};
  return {file_, m.line + 1, m.column + 1};
}
void YamlReader::error(const YAML::Node& n, std::string message) {
  diags_.error(pos(n), std::move(message));
}

// ---- structure --------------------------------------------------------------------------
bool YamlReader::check_map(const YAML::Node& n, std::string_view context, std::string_view what) {
  if (!n.IsMap()) {
    error(n, fmt::format("{} must be a mapping of keys to values", what));
    return false;
  }
  const std::vector<std::string_view>* keys = keys_of(context);
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      error(kv.first, fmt::format("a key of {} must be a plain name", what));
      continue;
    }
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      error(kv.first, fmt::format("duplicate key '{}' in {}", key, what));
      continue;
    }
    if (keys && std::find(keys->begin(), keys->end(), key) == keys->end()) {
      const std::string hint = did_you_mean(key, *keys);
      error(kv.first, hint.empty() ? fmt::format("unknown key '{}' in {}", key, what)
                                   : fmt::format("unknown key '{}' in {}; did you mean '{}'?", key,
                                                 what, hint));
    }
  }
  return true;
}

bool YamlReader::check_sequence(const YAML::Node& n, std::string_view what) {
  if (!n.IsSequence()) {
    error(n, fmt::format("{} must be a list", what));
    return false;
  }
  return true;
}

YAML::Node YamlReader::require(const YAML::Node& map, const char* key, std::string_view what) {
  const YAML::Node v = map[key];
  if (!v.IsDefined() || v.IsNull()) {
    error(map, fmt::format("{} has no '{}' (required)", what, key));
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return v;
}

// ---- scalars ----------------------------------------------------------------------------
std::optional<std::string> YamlReader::scalar(const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) {
    error(n, fmt::format("{} must be a single value, not a {}", what,
                         n.IsMap()        ? "mapping"
                         : n.IsSequence() ? "list"
                                          : "null"));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::string> YamlReader::name(const YAML::Node& n, std::string_view what,
                                            bool allow_dots) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  if (!is_name(*s, allow_dots)) {
    error(n, fmt::format("{} '{}' may contain only letters, digits, '-' and '_'{}", what, *s,
                         allow_dots ? " and '.'" : " (no dots: result paths use them)"));
    return std::nullopt;
  }
  return s;
}

std::optional<double> YamlReader::number(const YAML::Node& n, std::string_view what, double min,
                                         double max) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  double v = 0;
  const char* b = s->data();
  const char* e = s->data() + s->size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v, std::chars_format::general);
  if (ec != std::errc{} || p != e || !std::isfinite(v)) {
    error(n, fmt::format("{} must be a plain number, got '{}'", what, *s));
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(n, fmt::format("{} = {} is out of range [{:g}, {:g}]", what, *s, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& n, std::string_view what,
                                                std::int64_t min, std::int64_t max) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  std::int64_t v = 0;
  const char* b = s->data();
  const char* e = s->data() + s->size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc{} && p != e && *p == '.') ||
      (ec == std::errc{} && p != e && (*p == 'e' || *p == 'E'))) {
    // A number, but too large or not whole: say which.
    double d = 0;
    if (std::from_chars(b, e, d).ec == std::errc{} && std::isfinite(d) && d == std::floor(d)) {
      error(n, fmt::format("{} = {} is out of range [{}, {}]", what, *s, min, max));
    } else {
      error(n, fmt::format("{} must be a whole number, got '{}'", what, *s));
    }
    return std::nullopt;
  }
  if (ec != std::errc{} || p != e) {
    error(n, fmt::format("{} must be a whole number, got '{}'", what, *s));
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(n, fmt::format("{} = {} is out of range [{}, {}]", what, *s, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::quantity(const YAML::Node& n, Dimension dim,
                                           std::string_view what, double min_si, double max_si,
                                           bool allow_zero) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  const units::ParsedQuantity q = units::parse_quantity(*s, dim);
  if (!q.ok()) {
    error(n, fmt::format("{}: {}", what, q.error));
    return std::nullopt;
  }
  // The smallest physical quantity worth simulating: below it a value is a typo (a unit
  // prefix too many) or a probe, and its reciprocals overflow (docs/limits.md).
  if (const Floor f = floor_of(dim); q.base_value != 0 && std::fabs(q.base_value) < f.value) {
    error(n, fmt::format("{} = '{}' is out of range: below {}, the least a {} may be", what, *s,
                         f.text, f.what));
    return std::nullopt;
  }
  if ((!allow_zero && q.base_value == 0 && min_si >= 0) || q.base_value < min_si ||
      q.base_value > max_si) {
    error(n, fmt::format("{} = '{}' is out of range{}", what, *s,
                         !allow_zero && q.base_value == 0 ? " (must be more than zero)" : ""));
    return std::nullopt;
  }
  return q.base_value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, std::string_view what) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  error(n, fmt::format("{} must be true or false, got '{}'", what, *s));
  return std::nullopt;
}

std::optional<size_t> YamlReader::choice(const YAML::Node& n, std::string_view what,
                                         const std::vector<std::string_view>& texts) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i] == *s) return i;
  }
  std::string list;
  for (std::string_view nm : texts) list += (list.empty() ? "" : ", ") + std::string(nm);
  const std::string hint = did_you_mean(*s, texts);
  error(n, fmt::format("{} '{}' is not one of: {}{}", what, *s, list,
                       hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  return std::nullopt;
}

std::optional<DatabaseRef> YamlReader::database_ref(const YAML::Node& n, std::string_view what) {
  auto s = scalar(n, what);
  if (!s) return std::nullopt;
  const auto slash = s->find('/');
  if (slash == std::string::npos || s->find('/', slash + 1) != std::string::npos ||
      !is_name(s->substr(0, slash), false) || !is_name(s->substr(slash + 1), false)) {
    error(n, fmt::format("{} '{}' must name a database as SERVER/DATABASE, e.g. "
                         "'EX07-HQ1/DB1'",
                         what, *s));
    return std::nullopt;
  }
  return DatabaseRef{s->substr(0, slash), s->substr(slash + 1)};
}

std::optional<std::pair<std::string, std::string>> YamlReader::pair_of_names(
    const YAML::Node& n, std::string_view what) {
  if (!n.IsSequence() || n.size() != 2) {
    error(n, fmt::format("{} must be a list of two names, e.g. [HQ, Branch]", what));
    return std::nullopt;
  }
  auto a = name(n[0], what);
  auto b = name(n[1], what);
  if (!a || !b) return std::nullopt;
  if (*a == *b) {
    error(n, fmt::format("{} names '{}' twice: it needs two different ends", what, *a));
    return std::nullopt;
  }
  return std::make_pair(*a, *b);
}

std::optional<double> YamlReader::signed_hours(const YAML::Node& n, std::string_view what) {
  auto text = scalar(n, what);
  if (!text) return std::nullopt;
  std::string_view t = *text;
  double sign = 1;
  if (!t.empty() && t.front() == '-') {
    sign = -1;
    t.remove_prefix(1);
  }
  const units::ParsedQuantity q = units::parse_quantity(t, Dimension::time);
  if (!q.ok()) {
    error(n, fmt::format("{}: {}", what, q.error));
    return std::nullopt;
  }
  if (q.base_value > 14 * 3600.0) {
    error(n, fmt::format("{} '{}' is out of range (-14 h to +14 h)", what, *text));
    return std::nullopt;
  }
  return sign * q.base_value;
}

std::optional<Seconds> YamlReader::instant(const YAML::Node& n, const CivilTime& start,
                                           std::string_view what) {
  auto text = scalar(n, what);
  if (!text) return std::nullopt;
  std::string err;
  auto t = parse_iso_datetime(*text, &err);
  if (!t) {
    error(n, fmt::format("{}: {}", what, err));
    return std::nullopt;
  }
  return Seconds{static_cast<double>(t->epoch_seconds() - start.epoch_seconds())};
}

}  // namespace coexlab
