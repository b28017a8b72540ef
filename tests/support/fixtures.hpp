// Shared fixture scenarios (tests/fixtures/*.yaml), as SimGrid's examples share platforms:
// one copy of a YAML text many tests mutate, instead of one retyped per test.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace coexlab::testing {

// The text of tests/fixtures/NAME without its leading comment lines, so that the positions
// in messages are those of the scenario itself. Throws when the file is missing.
inline std::string fixture(const std::string& name) {
  const std::string path = std::string(COEXLAB_SOURCE_DIR) + "/tests/fixtures/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing test fixture " + path);
  std::string line, text;
  bool header = true;
  while (std::getline(in, line)) {
    if (header && line.rfind('#', 0) == 0) continue;
    header = false;
    text += line + "\n";
  }
  return text;
}

}  // namespace coexlab::testing
