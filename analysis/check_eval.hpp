// Evaluating a scenario's checks (models/checks.hpp parses them) against the summary.json of
// a run: the value is read in SI base units (seconds, bytes, fractions; a capacity in the
// resource's unit, bit/s read as bytes/s) and compared with the check's quantity.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks.hpp"  // models/: the parser
#include "scenario.hpp"

namespace coexlab {

struct CheckOutcome {
  std::string expr;
  bool passed = false;
  nlohmann::ordered_json value;  // the measured value (number, boolean) or null
  std::string message;           // why it failed ("" when it passed)
};

// A null or missing value fails with a message that says so; == and != compare numbers to a
// relative 1e-9 (results are floating point).
CheckOutcome evaluate_check(const ParsedCheck& check, const nlohmann::ordered_json& summary);

// Every check of the scenario against its summary, as summary.json's `checks`: a list of
// {expr, passed, value}, with `message` on the ones that failed. A check that does not parse
// (validate rejects those) fails with its parse error.
nlohmann::ordered_json evaluate_checks(const std::vector<Check>& checks,
                                       const nlohmann::ordered_json& summary);

// True when every entry of an evaluate_checks list passed.
bool all_passed(const nlohmann::ordered_json& outcomes);

// For the human summary of `run`: "checks 2 of 3 passed" and a line per failure ("" when
// the scenario has no checks).
std::string checks_summary(const nlohmann::ordered_json& outcomes);

}  // namespace coexlab
