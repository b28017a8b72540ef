// The run's settings: costs, simulation, calibration, checks and acknowledged warnings.
#include "loader_impl.hpp"

#include <fmt/format.h>
#include "calibration.hpp"

namespace coexlab {

using units::Dimension;

void Loader::load_costs(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "costs")) return;
  for (const YAML::Node& e : n) {
    Cost c;
    c.pos = pos(e);
    if (!check_map(e, "costs[]", "a cost")) continue;
    if (auto v = require(e, "path", "a cost"); v.IsDefined()) {
      if (auto p = scalar(v, "cost path")) c.path = *p;
    }
    if (auto v = require(e, "per_unit", "a cost"); v.IsDefined()) {
      if (auto x = number(v, "cost per_unit", 0, 1e12)) c.per_unit = *x;
    }
    s.costs.push_back(std::move(c));
  }
}

void Loader::load_simulation(const YAML::Node& n, Scenario& s) {
  SimulationSettings& sim = s.simulation;
  sim.pos = pos(n);
  if (!check_map(n, "simulation", "simulation")) return;
  if (present(n["mail_flow"])) {
    if (auto m = enumeration<MailFlowMode>(n["mail_flow"], "simulation mail_flow",
                                           {{"auto", MailFlowMode::automatic},
                                            {"per_message", MailFlowMode::per_message},
                                            {"aggregate", MailFlowMode::aggregate}})) {
      sim.mail_flow = *m;
      sim.mail_flow_pos = pos(n["mail_flow"]);
    }
  }
  bool interval_ok = true, horizon_ok = true;
  if (present(n["sample_interval"])) {
    if (auto q = quantity(n["sample_interval"], Dimension::time, "simulation sample_interval", 1,
                          Limits::kMaxHorizonSeconds)) {
      sim.sample_interval = Seconds{*q};
    } else {
      interval_ok = false;
    }
  }
  if (present(n["horizon"])) {
    if (auto q = quantity(n["horizon"], Dimension::time, "simulation horizon", 1,
                          Limits::kMaxHorizonSeconds)) {
      sim.horizon = Seconds{*q};
    } else {
      horizon_ok = false;
    }
  }
  if (interval_ok && horizon_ok &&
      sim.horizon.value / sim.sample_interval.value > Limits::kMaxSamples) {
    error(n, fmt::format("simulation: horizon / sample_interval = {:.0f} samples exceeds the limit "
                         "of {:.0f}; lengthen sample_interval",
                         sim.horizon.value / sim.sample_interval.value, Limits::kMaxSamples));
  }
}

void Loader::load_calibration(const YAML::Node& n, Scenario& s) {
  if (!check_map(n, "calibration", "calibration")) return;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = kv.first.Scalar();
    if (key == "mode") {
      if (auto m = enumeration<CalibrationMode>(
              kv.second, "calibration mode",
              {{"realistic", CalibrationMode::realistic}, {"ideal", CalibrationMode::ideal}})) {
        s.calibration.mode = *m;
      }
      continue;
    }
    const CalibrationConstant* c = find_calibration_constant(key);
    if (!c) continue;  // reported by check_map
    std::optional<double> v;
    const std::string what = fmt::format("calibration {}", key);
    if (c->dimension)
      v = quantity(kv.second, *c->dimension, what, 0, 1e18, true);
    else
      v = number(kv.second, what, 0, 1e12);
    if (v) s.calibration.overrides.push_back({key, *v, pos(kv.second)});
  }
}

void Loader::load_checks(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "checks")) return;
  for (const YAML::Node& e : n) {
    if (auto text = scalar(e, "a check")) {
      SourcePos at = pos(e);
      // A quoted check's text starts after its quote: errors point at columns in the text.
      if (e.Tag() == "!" && at.column > 0) ++at.column;
      s.checks.push_back({*text, at});
    }
  }
}

// The ids are checked by the rules, which know them (acknowledgeable_rules, rules.hpp).
void Loader::load_acknowledge(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "acknowledge")) return;
  for (const YAML::Node& e : n) {
    if (auto id = name(e, "an acknowledged rule id")) s.acknowledge.push_back({*id, pos(e)});
  }
}

}  // namespace coexlab
