// `--set PATH=VALUE` and `--vary`: dotted paths into the scenario, list entries by name
// (servers.EX07-HQ1.hardware.cores, links.HQ-Branch.bandwidth, migration.max_threads).
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace coexlab {

struct Override;

// A node that came from the command line, with the label its messages carry.
struct OverrideNode {
  YAML::Node node;
  std::string label;  // "--set PATH"
};

// Parses "PATH=VALUE"; returns false (and sets error) when there is no '=', no path or no value
// (only blanks after the '=': it would load as null and silently mean the default).
bool split_assignment(const std::string& text, std::string* path, std::string* value,
                      std::string* error);

// Sets PATH to VALUE (parsed as YAML) in `doc`, creating missing mappings. Every node of the
// new value is recorded in `nodes` for positions. Returns "" or a message naming the bad path.
std::string apply_override(YAML::Node& doc, const Override& o, std::vector<OverrideNode>& nodes);

// Checks that PATH names a key of the scenario format and, where it crosses a list, an
// entry that exists in `doc`. Returns "" or a message.
std::string check_override_path(const YAML::Node& doc, const std::string& path);

// --vary values: split on commas outside brackets and quotes ("[a,b],[c]" -> 2 values).
std::vector<std::string> split_vary_values(const std::string& text);

}  // namespace coexlab
