// The `checks` language of a scenario (SPEC §2, grammar in docs/checks.md): one comparison
// of a result field with a quantity, such as
//
//   migration.duration <= 60 h
//   resource(EX07-HQ1/cpu).peak_utilisation < 80 %
//   migration.completed == true
//
// This is the parsing half, pure and scenario-independent, so that `validate` reports a bad
// check at its line and column; analysis/checks.hpp evaluates a parsed check against a
// summary.json. Every field a check can name is in result_fields(): its path in summary.json
// and what kind of value it holds, which decides the units its quantity may carry.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "diagnostics.hpp"
#include "scenario.hpp"
#include "units.hpp"

namespace coexlab {

enum class CheckOp { less, less_equal, greater, greater_equal, equal, not_equal };
std::string_view to_string(CheckOp op);

// What a result field holds, and so what its quantity must be.
enum class FieldKind {
  time,      // seconds: a time unit (s, min, h, ...)
  size,      // bytes: a size unit (MB, GiB, ...)
  share,     // a fraction of 1: a share with % ("80 %")
  count,     // a plain number (mailboxes, messages)
  boolean,   // true or false, with == or != only
  capacity,  // a resource's capacity, in the resource's own unit: rate, clock, size or a plain
             // number (IOPS)
};
std::string_view to_string(FieldKind kind);

// What a field of a run that stopped with work left (migration.stopped_by not `done`) says
// about the whole migration's value.
enum class Finality {
  final,  // the same whatever happens next (a count of the plan, a capacity, the bound)
  grows,  // can only grow as the migration goes on: the run's value is a lower bound
  open,   // could move either way (a mean, a percentile): the run cannot tell
};

struct ResultField {
  std::string_view written;  // how a check names it: "migration.duration"
  std::string_view key;      // its summary.json path: "migration.duration_s"
  FieldKind kind;
  Finality finality;
  bool per_resource = false;  // under resource(ID).
};

// Every field a check can compare, in documentation order.
const std::vector<ResultField>& result_fields();

struct ParsedCheck {
  std::string expr;                     // as written
  std::optional<std::string> resource;  // resource(ID): the id
  const ResultField* field = nullptr;
  CheckOp op = CheckOp::less;
  std::string quantity;  // the right-hand side as written
  // The right-hand side: SI base units (s, B, fraction, B/s, Hz) or a plain number; a boolean
  // as 1 or 0. For a capacity, `dimension` says which kind of unit was written (none: plain).
  double value = 0;
  std::optional<units::Dimension> dimension;
};

struct CheckError {
  int offset = 0;  // 0-based position in the expression of the problem
  std::string message;
};

// Parses one check. Errors point into the expression: the first thing that does not fit.
std::variant<ParsedCheck, CheckError> parse_check(std::string_view expr);

// Parses every check of a scenario, reporting errors at FILE:LINE:COLUMN inside the
// expression, and ids in resource(...) that name no resource the scenario has.
void check_scenario_checks(const Scenario& s, Diagnostics& d);

// The resource ids a scenario's results carry (SPEC §4), in result order.
std::vector<std::string> scenario_resource_ids(const Scenario& s);

}  // namespace coexlab
