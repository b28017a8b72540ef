// Fuzz target: the `--log` setting parser (models/log_spec.hpp). Any text gives settings or
// an error, never a crash, an exception or both; a parsed setting has a known property, and
// the settings of a parsed text parse again to the same settings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "log_spec.hpp"

using namespace coexlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LogSpec spec = parse_log_spec(text);
  if (spec.error.empty() == spec.settings.empty()) {
    std::fprintf(stderr, "neither settings nor an error, or both\n");
    std::abort();
  }
  if (!spec.error.empty()) return 0;
  std::string again;
  for (const LogSetting& s : spec.settings) {
    if (!again.empty()) again += ' ';  // one space between, none after: never longer than text
    if (s.property == "no_loc") {
      again += "no_loc";
      continue;
    }
    if (s.property != "thres" && s.property != "fmt" && s.property != "app" &&
        s.property != "add") {
      std::fprintf(stderr, "unknown property '%s' accepted\n", s.property.c_str());
      std::abort();
    }
    if (s.category.empty() || (s.property == "app" && s.file.empty())) std::abort();
    again += s.category + "." + s.property + ":" + s.value;
  }
  const LogSpec second = parse_log_spec(again);
  if (!second.error.empty() || second.settings.size() != spec.settings.size()) {
    std::fprintf(stderr, "the parsed settings do not parse again: %s\n", second.error.c_str());
    std::abort();
  }
  return 0;
}
