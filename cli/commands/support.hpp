// Chores shared by the commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

// Errors and warnings to stderr, in file order; each distinct line once per command (a sweep
// loads the scenario once per variant and would repeat the same warnings).
void print_diagnostics(const Diagnostics& d);
// --quiet: warnings are not printed at all (errors still are).
void set_quiet_warnings(bool quiet);

// The options `run` and `plan` share, checked before anything is simulated: `--seed` (given
// or not) by the parser of the file's `seed:`, `--log` by models/log_spec.hpp. Returns the exit
// code of a bad one (usage, with the message printed), else nullopt and `seed` set.
std::optional<int> check_run_options(bool seed_given, const std::string& seed_text,
                                     const std::string& log, std::optional<std::uint64_t>& seed);

// Loads and checks a scenario with `--set PATH=VALUE` overrides and an optional seed. On
// success returns nullopt and sets `scenario`; otherwise prints the problems and returns
// the exit code (1 invalid scenario, 2 bad usage). `warnings`, when given, receives the
// scenario's warnings as printed (for report.html), --quiet or not.
std::optional<int> load_for_command(const std::string& file, const std::vector<std::string>& sets,
                                    std::optional<std::uint64_t> seed,
                                    std::optional<Scenario>& scenario,
                                    std::vector<std::string>* warnings = nullptr);

}  // namespace coexlab
