#include "support.hpp"

#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>

#include "cli.hpp"
#include "loader.hpp"
#include "log_spec.hpp"
#include "overrides.hpp"
#include "rules.hpp"

namespace coexlab {

namespace {
bool quiet_warnings = false;
std::set<std::string>& printed_lines() {
  static std::set<std::string> printed;
  return printed;
}
}  // namespace

void set_quiet_warnings(bool quiet) {
  quiet_warnings = quiet;
}

void print_diagnostics(const Diagnostics& d) {
  for (const Diagnostic& x : d.sorted()) {
    if (quiet_warnings && x.severity != Severity::error) continue;
    std::string line = x.format();
    if (printed_lines().insert(line).second) std::cerr << line << '\n';
  }
}

std::optional<int> check_run_options(bool seed_given, const std::string& seed_text,
                                     const std::string& log, std::optional<std::uint64_t>& seed) {
  if (seed_given) {
    std::string err;
    seed = parse_seed(seed_text, &err);
    if (!seed) {
      std::cerr << "coexlab: --seed: " << err << '\n';
      return kExitUsage;
    }
  }
  // SimGrid's Paje tracing stops on coexlab's platform ("container ... already present"):
  // refused before simulating; trace.json is the trace coexlab writes.
  if (const char* env = std::getenv("COEXLAB_SIMGRID_CFG")) {
    std::istringstream in(env);
    for (std::string item; in >> item;) {
      if (item.rfind("tracing:", 0) != 0) continue;  // tracing/...: harmless without it
      const std::string value = item.substr(8);
      if (value == "no" || value == "0" || value == "off" || value == "false") continue;
      std::cerr << "coexlab: COEXLAB_SIMGRID_CFG: '" << item
                << "': SimGrid's tracing is not supported (its Paje trace fails on coexlab's "
                   "platform); run writes trace.json (Chrome trace-event format) instead\n";
      return kExitUsage;
    }
  }
  if (!log.empty()) {
    if (std::string err = check_log_spec(log); !err.empty()) {
      std::cerr << "coexlab: --log: " << err << '\n';
      return kExitUsage;
    }
  }
  return std::nullopt;
}

std::optional<int> load_for_command(const std::string& file, const std::vector<std::string>& sets,
                                    std::optional<std::uint64_t> seed,
                                    std::optional<Scenario>& scenario,
                                    std::vector<std::string>* warnings) {
  LoadOptions options;
  options.seed = seed;
  for (const std::string& text : sets) {
    Override o;
    std::string error;
    if (!split_assignment(text, &o.path, &o.value, &error)) {
      std::cerr << "coexlab: --set " << error << '\n';
      return kExitUsage;
    }
    options.overrides.push_back(o);
  }
  LoadResult r = load_and_check(file, options);
  if (!r.usage_error.empty()) {
    std::cerr << "coexlab: " << r.usage_error << '\n';
    return kExitUsage;
  }
  print_diagnostics(r.diagnostics);
  if (r.diagnostics.has_errors()) return kExitInvalid;
  if (warnings) {
    for (const Diagnostic& d : r.diagnostics.sorted()) warnings->push_back(d.format());
  }
  scenario = std::move(r.scenario);
  return std::nullopt;
}

}  // namespace coexlab
