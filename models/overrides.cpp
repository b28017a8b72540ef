#include "overrides.hpp"

#include <fmt/format.h>

#include "loader.hpp"
#include "scenario_keys.hpp"
#include "yaml_budget.hpp"

namespace coexlab {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 7 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The name an entry of a list is addressed by: its `name`, or for links and connectors
// the default "A-B" from `between`.
std::string entry_name(const YAML::Node& entry) {
  if (!entry.IsMap()) return {};
  const YAML::Node n = entry["name"];
  if (n.IsDefined() && n.IsScalar()) return n.Scalar();
  const YAML::Node b = entry["between"];
  if (b.IsDefined() && b.IsSequence() && b.size() == 2 && b[0].IsScalar() && b[1].IsScalar()) {
    return b[0].Scalar() + "-" + b[1].Scalar();
  }
  return {};
}

void record(const YAML::Node& n, const std::string& label, std::vector<OverrideNode>& out) {
  out.push_back({n, label});
  if (n.IsMap()) {
    for (const auto& kv : n) {
      record(kv.first, label, out);
      record(kv.second, label, out);
    }
  } else if (n.IsSequence()) {
    for (const auto& item : n) record(item, label, out);
  }
}

// Walks `path` in `doc`. With `create`, missing mappings on the way are created and the
// last key is set to `value`. Returns "" or an error.
std::string walk(const YAML::Node& doc, const std::string& path, const YAML::Node* value) {
  const std::vector<std::string> parts = split_path(path);
  std::string context;  // generic, e.g. "servers[].hardware"
  YAML::Node node = doc;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    const bool last = i + 1 == parts.size();
    if (key.empty()) return fmt::format("--set path '{}' has an empty part", path);
    const std::vector<std::string_view>* keys = keys_of(context);
    if (!keys ||
        (context != "checks[]" && std::find(keys->begin(), keys->end(), key) == keys->end())) {
      std::string hint = keys ? did_you_mean(key, *keys) : "";
      return fmt::format("--set path '{}': '{}' is not a key {}{}", path, key,
                         context.empty() ? "of a scenario" : fmt::format("under '{}'", context),
                         hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
    }
    if (!node.IsDefined() || node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) return fmt::format("--set path '{}': '{}' is not a mapping", path, key);
    if (last) {
      if (value) node[key] = *value;
      return {};
    }
    std::string child_context = context.empty() ? key : fmt::format("{}.{}", context, key);
    if (is_list_key(context, key)) {
      // The next part selects an entry by name (or index).
      YAML::Node list = node[key];
      const std::string& selector = parts[i + 1];
      if (!list.IsDefined() || !list.IsSequence()) {
        return fmt::format("--set path '{}': the scenario has no list '{}'", path, key);
      }
      YAML::Node found(YAML::NodeType::Undefined);
      std::vector<std::string_view> names_storage;
      std::vector<std::string> names;
      for (size_t k = 0; k < list.size(); ++k) {
        if (entry_name(list[k]) == selector) found.reset(list[k]);
        names.push_back(entry_name(list[k]));
      }
      if (!found.IsDefined() && is_index(selector) && std::stoul(selector) < list.size()) {
        found.reset(list[std::stoul(selector)]);
      }
      if (!found.IsDefined()) {
        for (const std::string& nm : names) names_storage.push_back(nm);
        std::string hint = did_you_mean(selector, names_storage);
        return fmt::format("--set path '{}': no entry '{}' in '{}'{}", path, selector, key,
                           hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
      }
      if (i + 2 == parts.size()) {
        if (value) {
          // Replacing a whole entry: keep the list node, swap the element.
          for (size_t k = 0; k < list.size(); ++k) {
            if (list[k].is(found)) list[k] = *value;
          }
        }
        return {};
      }
      node.reset(found);  // rebind: `node = found` would overwrite the entry's parent with it
      context = child_context + "[]";
      ++i;  // the selector is consumed
      continue;
    }
    YAML::Node child = node[key];
    if (!child.IsDefined() || child.IsNull()) {
      if (!value) return {};  // checking only: a path into an absent optional section is fine
      node[key] = YAML::Node(YAML::NodeType::Map);
      child = node[key];
    }
    node.reset(child);  // rebind, never assign: YAML::Node::operator= writes through
    context = child_context;
  }
  return {};
}

}  // namespace

bool split_assignment(const std::string& text, std::string* path, std::string* value,
                      std::string* error) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    *error = fmt::format("'{}' is not PATH=VALUE, e.g. migration.max_threads=8", text);
    return false;
  }
  *path = text.substr(0, eq);
  *value = text.substr(eq + 1);
  // An empty value would load as null and silently give the key its default.
  if (value->find_first_not_of(" \t") == std::string::npos) {
    *error = fmt::format(
        "'{}' has no value after '=': give PATH=VALUE, e.g. "
        "migration.max_threads=8",
        text);
    return false;
  }
  return true;
}

std::string apply_override(YAML::Node& doc, const Override& o, std::vector<OverrideNode>& nodes) {
  // A value is a few nodes; bounding it also bounds the position look-ups of the loader,
  // which scan the recorded override nodes (and refuses aliases that expand or cycle).
  if (auto e = check_yaml_budget(o.value, Limits::kMaxOverrideNodes)) {
    return fmt::format("--set {}: the value is refused: {}", o.path, e->message);
  }
  YAML::Node value;
  try {
    value = YAML::Load(o.value);
  } catch (const YAML::Exception& e) {
    return fmt::format("--set {}: the value '{}' is not valid YAML: {}", o.path, o.value, e.msg);
  }
  if (!doc.IsDefined() || doc.IsNull()) doc = YAML::Node(YAML::NodeType::Map);
  if (!doc.IsMap()) return fmt::format("--set {}: the scenario is not a mapping", o.path);
  std::string err = walk(doc, o.path, &value);
  if (err.empty()) record(value, "--set " + o.path, nodes);
  return err;
}

std::string check_override_path(const YAML::Node& doc, const std::string& path) {
  return walk(doc, path, nullptr);
}

std::vector<std::string> split_vary_values(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

}  // namespace coexlab
