#include "support.hpp"

#include <iostream>

#include "cli.hpp"
#include "loader.hpp"
#include "log_spec.hpp"
#include "overrides.hpp"
#include "rules.hpp"

namespace coexlab {

void print_diagnostics(const Diagnostics& d) {
  for (const Diagnostic& x : d.sorted()) std::cerr << x.format() << '\n';
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
                                    std::optional<Scenario>& scenario) {
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
  scenario = std::move(r.scenario);
  return std::nullopt;
}

}  // namespace coexlab
