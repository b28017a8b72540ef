#include "check_eval.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include <fmt/format.h>

namespace coexlab {

namespace {

using json = nlohmann::ordered_json;

// summary["a"]["b"]... along a dotted key; nullptr when a step is missing or not an object.
const json* at_path(const json& root, std::string_view dotted) {
  const json* node = &root;
  size_t from = 0;
  while (true) {
    const size_t dot = dotted.find('.', from);
    const std::string key(
        dotted.substr(from, dot == std::string_view::npos ? std::string_view::npos : dot - from));
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) return node;
    from = dot + 1;
  }
}

const json* find_resource(const json& summary, const std::string& id) {
  const auto it = summary.find("resources");
  if (it == summary.end() || !it->is_array()) return nullptr;
  for (const json& r : *it) {
    if (r.is_object() && r.value("id", "") == id) return &r;
  }
  return nullptr;
}

bool compare(double a, CheckOp op, double b) {
  const bool equal = std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
  switch (op) {
    case CheckOp::less:
      return a < b;
    case CheckOp::less_equal:
      return a <= b;
    case CheckOp::greater:
      return a > b;
    case CheckOp::greater_equal:
      return a >= b;
    case CheckOp::equal:
      return equal;
    case CheckOp::not_equal:
      return !equal;
  }
  return false;
}

// A capacity is recorded in its resource's unit; the check's quantity must be of that kind.
// Returns the error, or "" with `value` in the quantity's base unit (bit/s read as B/s).
std::string capacity_in_base_units(const json& resource, const ParsedCheck& c, double& value) {
  const std::string unit = resource.value("unit", "");
  const auto expect = [&](bool ok, const char* what) {
    return ok ? std::string()
              : fmt::format("{} is in {}: compare it with {}, not '{}'", resource.value("id", ""),
                            unit, what, c.quantity);
  };
  if (unit == "bit/s") {
    value /= 8;
    return expect(c.dimension == units::Dimension::rate, "a rate such as '1 Gbps'");
  }
  if (unit == "B/s")
    return expect(c.dimension == units::Dimension::rate, "a rate such as '100 MB/s'");
  if (unit == "Hz")
    return expect(c.dimension == units::Dimension::clock, "a clock rate such as '2.66 GHz'");
  if (unit == "B") return expect(c.dimension == units::Dimension::size, "a size such as '100 GiB'");
  return expect(!c.dimension, "a plain number");  // IOPS
}

// A measured value for a message: in base units, and readable.
std::string shown(double v, FieldKind kind) {
  switch (kind) {
    case FieldKind::time:
      return fmt::format("{:.6g} s ({})", v, units::format_duration(units::Seconds{v}));
    case FieldKind::size:
      return fmt::format("{:.6g} B ({})", v, units::format_bytes(units::Bytes{v}));
    case FieldKind::share:
      return fmt::format("{:.4g} %", v * 100);
    case FieldKind::count:
    case FieldKind::capacity:
    case FieldKind::boolean:
      break;
  }
  return fmt::format("{:.6g}", v);
}

// For a run that stopped with work left: whether a check on a figure that can only grow is
// already decided by the run's value (a lower bound on the whole migration's): `<=` and `==`
// are decided false once the value is past the quantity, `>=` and `!=` decided true.
bool decided_by_lower_bound(double lower, CheckOp op, double quantity, bool outcome) {
  switch (op) {
    case CheckOp::less:
    case CheckOp::less_equal:
      return !outcome;
    case CheckOp::greater:
    case CheckOp::greater_equal:
      return outcome;
    case CheckOp::equal:
    case CheckOp::not_equal:
      return lower > quantity && !compare(lower, CheckOp::equal, quantity);
  }
  return false;
}

// "horizon at 3 d" from summary.json, when the run stopped with work left; "" otherwise.
std::string unfinished_run(const json& summary) {
  const json* by = at_path(summary, "migration.stopped_by");
  if (!by || !by->is_string() || by->get<std::string>() == "done") return "";
  const json* until = at_path(summary, "simulated_until_s");
  const double t = until && until->is_number() ? until->get<double>() : 0;
  return fmt::format("{} at {}", by->get<std::string>(), units::format_duration(units::Seconds{t}));
}

std::string describe(const ParsedCheck& c) {
  return c.resource ? fmt::format("resource({}).{}", *c.resource, c.field->key)
                    : std::string(c.field->key);
}

}  // namespace

CheckOutcome evaluate_check(const ParsedCheck& c, const json& summary) {
  CheckOutcome out;
  out.expr = c.expr;
  out.value = nullptr;
  const json* value = nullptr;
  if (c.resource) {
    const json* resource = find_resource(summary, *c.resource);
    if (!resource) {
      out.message = fmt::format("no resource '{}' in the results", *c.resource);
      return out;
    }
    value = at_path(*resource, c.field->key);
  } else {
    value = at_path(summary, c.field->key);
  }
  if (!value || value->is_null()) {
    out.message = fmt::format("{} is null: this run does not produce it{}", describe(c),
                              c.field->key == "migration.lower_bound_s"
                                  ? " (no move started, or the windows cannot hold the work)"
                                  : "");
    return out;
  }
  if (c.field->kind == FieldKind::boolean) {
    if (!value->is_boolean()) {
      out.message = fmt::format("{} is not true or false", describe(c));
      return out;
    }
    out.value = value->get<bool>();
    const bool wanted = c.value != 0;
    out.passed = (c.op == CheckOp::equal) == (value->get<bool>() == wanted);
  } else {
    if (!value->is_number()) {
      out.message = fmt::format("{} is not a number", describe(c));
      return out;
    }
    double measured = value->get<double>();
    if (c.field->kind == FieldKind::capacity) {
      if (std::string err =
              capacity_in_base_units(*find_resource(summary, *c.resource), c, measured);
          !err.empty()) {
        out.message = err;
        return out;
      }
    }
    // As recorded (a count stays an integer), unless converted to base units above.
    out.value = c.field->kind == FieldKind::capacity ? json(measured) : *value;
    out.passed = compare(measured, c.op, c.value);
    // The migration was not over: only what the run's figure already settles is decided.
    if (const std::string stop = unfinished_run(summary);
        !stop.empty() && c.field->finality != Finality::final &&
        (c.field->finality == Finality::open ||
         !decided_by_lower_bound(measured, c.op, c.value, out.passed))) {
      out.passed = false;
      out.message = fmt::format(
          "undecided: the run stopped with work left ({}), so {} = {} is {} the whole "
          "migration's value, which may or may not be {} {}",
          stop, describe(c), shown(measured, c.field->kind),
          c.field->finality == Finality::grows ? "only a lower bound on" : "not", to_string(c.op),
          c.quantity);
      return out;
    }
  }
  if (!out.passed) {
    const std::string value_text =
        out.value.is_boolean() ? out.value.dump() : shown(out.value.get<double>(), c.field->kind);
    out.message =
        fmt::format("{} is {}, not {} {}", describe(c), value_text, to_string(c.op), c.quantity);
  }
  return out;
}

nlohmann::ordered_json evaluate_checks(const std::vector<Check>& checks, const json& summary) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Check& check : checks) {
    const auto parsed = parse_check(check.expr);
    CheckOutcome o;
    if (const CheckError* e = std::get_if<CheckError>(&parsed)) {
      o.expr = check.expr;
      o.value = nullptr;
      o.message = fmt::format("column {}: {}", e->offset + 1, e->message);
    } else {
      o = evaluate_check(std::get<ParsedCheck>(parsed), summary);
    }
    nlohmann::ordered_json row{{"expr", o.expr}, {"passed", o.passed}, {"value", o.value}};
    if (!o.passed) row["message"] = o.message;
    list.push_back(row);
  }
  return list;
}

bool all_passed(const nlohmann::ordered_json& outcomes) {
  for (const auto& o : outcomes) {
    if (!o.value("passed", false)) return false;
  }
  return true;
}

std::string checks_summary(const nlohmann::ordered_json& outcomes) {
  if (outcomes.empty()) return "";
  size_t passed = 0;
  for (const auto& o : outcomes) passed += o.value("passed", false) ? 1 : 0;
  std::string out = fmt::format("  checks      {} of {} passed\n", passed, outcomes.size());
  for (const auto& o : outcomes) {
    if (!o.value("passed", false)) {
      out +=
          fmt::format("              FAIL {}: {}\n", o.value("expr", ""), o.value("message", ""));
    }
  }
  return out;
}

}  // namespace coexlab
