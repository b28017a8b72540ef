// Fuzz target: `--set PATH=VALUE`. Each input line is one --set argument (split_assignment),
// applied to the shipped contoso-weekend scenario through the loader (apply_override, the
// cost-path check, validation); each line's path is also checked alone (check_override_path)
// and split as a --vary list. Bad paths and values must give a usage error or a positioned
// diagnostic, never a crash, a hang or an exception.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "loader.hpp"
#include "overrides.hpp"
#include "rules.hpp"

using namespace coexlab;

namespace {
const std::string& contoso_text() {
  static const std::string text = [] {
    std::ifstream in(COEXLAB_SOURCE_DIR "/scenarios/contoso-weekend.yaml");
    std::ostringstream s;
    s << in.rdbuf();
    if (s.str().empty()) std::abort();
    return s.str();
  }();
  return text;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  LoadOptions options;
  std::istringstream lines(input);
  std::string line;
  while (std::getline(lines, line) && options.overrides.size() < 4) {
    std::string path, value, error;
    if (!split_assignment(line, &path, &value, &error)) {
      if (error.empty()) std::abort();
      continue;
    }
    (void)split_vary_values(value);
    options.overrides.push_back({path, value});
  }
  LoadResult r = load_scenario_text(contoso_text(), "contoso-weekend.yaml", options);
  if (r.scenario) check_rules(*r.scenario, r.diagnostics);
  if (!r.usage_error.empty() && !r.diagnostics.all().empty()) {
    std::fprintf(stderr, "usage error and diagnostics at once: %s\n", r.usage_error.c_str());
    std::abort();
  }
  return 0;
}
