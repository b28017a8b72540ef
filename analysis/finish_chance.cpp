#include "finish_chance.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gsl/gsl_cdf.h>
#include <nlohmann/json.hpp>

namespace coexlab {

std::string read_duration_interval(const std::string& fit_json, DurationInterval& out) {
  const nlohmann::json j = nlohmann::json::parse(fit_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "not JSON";
  const auto& p = j.value("prediction", nlohmann::json::object());
  const auto number = [](const nlohmann::json& o, const char* key) {
    return o.contains(key) && o[key].is_number() ? o[key].get<double>() : std::nan("");
  };
  out.scenario = j.value("scenario", "");
  out.level = number(j, "level");
  out.duration_s = number(p, "duration_s");
  out.low_s = number(p, "low_s");
  out.high_s = number(p, "high_s");
  const double moves = number(j, "moves_fitted");
  if (!(out.level > 0 && out.level < 1) || !(out.low_s > 0) || !(out.high_s >= out.low_s) ||
      !(out.duration_s > 0) || !(moves >= 0) || !j.contains("constants") ||
      !j["constants"].is_array())
    return "not a fit.json of coexlab calibrate: it needs level, moves_fitted, constants and "
           "prediction {duration_s, low_s, high_s}";
  out.fitted.clear();
  for (const auto& c : j["constants"]) {
    if (c.value("determined", false) && c.contains("value") && c["value"].is_number())
      out.fitted.emplace_back(c.value("name", ""), c["value"].get<double>());
  }
  if (out.fitted.empty()) return "the fit determined no constant, so it gives no interval";
  out.dof = int(moves) - int(out.fitted.size());
  if (out.dof < 1) return "the fit has no degrees of freedom left (moves <= constants)";
  const double t_star = gsl_cdf_tdist_Pinv(0.5 + out.level / 2, double(out.dof));
  out.log_sigma = std::log(out.high_s / out.low_s) / (2 * t_star);
  return "";
}

double finish_chance(const DurationInterval& interval, double first_start_s, double predicted_end_s,
                     double window_end_s) {
  const double elapsed_s = predicted_end_s - first_start_s;
  const double allowed_s = window_end_s - first_start_s;
  if (allowed_s <= 0) return 0;
  if (elapsed_s <= 0) return 1;
  const double log_ratio = std::log(allowed_s / elapsed_s);  // the largest log F that fits
  if (interval.log_sigma <= 0) return log_ratio >= 0 ? 1 : 0;
  return gsl_cdf_tdist_P(log_ratio / interval.log_sigma, double(interval.dof));
}

}  // namespace coexlab
