// The `--log` setting of `coexlab run`, parsed and checked before SimGrid sees it: SimGrid
// aborts the process (SIGABRT, with a backtrace) on a setting it cannot parse and throws on an
// unknown threshold. Pure C++ (no SimGrid header), so that it can be fuzzed
// (tests/fuzz/fuzz_log_spec.cpp).
//
// Grammar (SimGrid 3.32's xbt_log_control_set, made strict), settings separated by spaces:
//   SETTING  = "no_loc" | CATEGORY "." PROPERTY (":" | "=") VALUE
//   CATEGORY = letters, digits, "_"             (SimGrid's category names have no dots)
//   PROPERTY = thres | threshold | fmt | format | app | appender | add | additivity
//   thres:   trace | debug | verbose | info | warning | error | critical   (any case)
//   fmt:     text with %-directives %[-.0-9]*X, X one of c p h t a i F l L M d r m n e b B %
//   app:     file:PATH | rollfile:SIZE:PATH | splitfile:SIZE:PATH   (PATH non-empty)
//   add:     on | off | yes | no | 1 | 0
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace coexlab {

struct LogSetting {
  std::string category;  // empty for no_loc
  std::string property;  // thres, fmt, app or add (the long forms mapped to these)
  std::string value;
  std::string file;  // app: the file the appender writes
};

struct LogSpec {
  std::vector<LogSetting> settings;
  std::string error;  // "" when the whole text parsed; then `settings` is empty
};

// Parses `text`; never throws, never touches the file system.
LogSpec parse_log_spec(std::string_view text);

// parse_log_spec, then that every appender's file can be created (its directory exists and
// takes files). Returns "" or a message for a usage error.
std::string check_log_spec(std::string_view text);

}  // namespace coexlab
