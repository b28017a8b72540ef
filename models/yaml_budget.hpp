// Bounds what a YAML text expands to before yaml-cpp builds nodes from it. An alias is
// a reference, so `&a [x, x, ...]` nested ten deep is 10^9 nodes to anyone who walks the
// tree ("billion laughs"), and `&a [*a]` is a cycle that no walk ends. One pass over the
// parser's events counts the nodes as a reader would see them (an alias counts as the size
// of what it names), stops at the budget and points at the alias that crossed it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace coexlab {

struct YamlBudgetError {
  int line = 1;    // 1-based, of the node or alias at fault
  int column = 1;  // 1-based
  std::string message;
};

// Deepest nesting of collections a text may have (docs/limits.md): a scenario needs about
// eight; yaml-cpp's recursive parser would otherwise be driven as deep as the input asks.
inline constexpr int kMaxYamlDepth = 100;

// nullopt: `text` is one document (a second `---` document is an error at its start), which
// expands to at most `max_nodes` nodes, nests collections at most `max_depth` deep and has no
// alias inside the node it names. A YAML syntax error in the first document is not reported
// here: it is left to YAML::Load, which reports it with its own position (nullopt).
std::optional<YamlBudgetError> check_yaml_budget(const std::string& text, std::int64_t max_nodes,
                                                 int max_depth = kMaxYamlDepth);

}  // namespace coexlab
