#include "calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

namespace coexlab {

const std::vector<FittableConstant>& fittable_constants() {
  // Preference order: the per-item store time first (every move depends on it), then the
  // round trips (told apart from it only by moves over links of other latencies), the
  // per-byte and per-item resource costs (only when a CPU or disk binds), and the per-RPC
  // service time last (on one latency it is the round trips' twin).
  static const std::vector<FittableConstant> table{
      {"item_server_time", "store time per item", ""},
      {"rpc_round_trips_per_item", "round trips per item and leg (x the route's RTT)", ""},
      {"move_cpu_cycles_per_byte", "CPU per byte on source, mover and target", ""},
      {"database_ios_per_item", "random database I/Os per item", "item_server_time"},
      {"move_cpu_cycles_per_item", "CPU per item on source, mover and target", ""},
      {"rpc_server_time", "store service time per RPC", "item_server_time"},
  };
  return table;
}

bool is_fittable(std::string_view name) {
  const auto& t = fittable_constants();
  return std::any_of(t.begin(), t.end(), [&](const FittableConstant& c) { return c.name == name; });
}

std::string_view determination_name(Determination d) {
  switch (d) {
    case Determination::fitted:
      return "fitted";
    case Determination::weak_effect:
      return "weak_effect";
    case Determination::confounded:
      return "confounded";
    case Determination::too_few_moves:
      return "too_few_moves";
    case Determination::loose:
      return "loose";
  }
  return "";
}

std::vector<double> FitResult::point() const {
  std::vector<double> p;
  for (const FittedConstant& c : constants) p.push_back(c.value);
  return p;
}

namespace {

// The model with memory: the solver asks for the same point more than once (f, then df).
struct CachedModel {
  const BatchModel& model;
  std::map<std::vector<double>, std::vector<double>> cache;
  int points = 0;
  std::vector<std::vector<double>> eval(const std::vector<std::vector<double>>& xs) {
    std::vector<std::vector<double>> todo;
    for (const auto& x : xs)
      if (!cache.count(x) && std::find(todo.begin(), todo.end(), x) == todo.end())
        todo.push_back(x);
    if (!todo.empty()) {
      const auto got = model(todo);
      if (got.size() != todo.size()) throw std::logic_error("model returned a wrong batch");
      for (size_t i = 0; i < todo.size(); ++i) cache[todo[i]] = got[i];
      points += static_cast<int>(todo.size());
    }
    std::vector<std::vector<double>> out;
    out.reserve(xs.size());
    for (const auto& x : xs) out.push_back(cache.at(x));
    return out;
  }
};

// log(predicted / measured); a move the candidate did not finish counts as 100 times slow.
double log_residual(double predicted, double measured) {
  if (!(predicted > 0) || !std::isfinite(predicted)) return std::log(100.0);
  return std::log(predicted / measured);
}

struct Solver {
  const FitProblem& p;
  CachedModel& model;
  std::vector<int> fitted;  // indices into p.names
  std::vector<double> log_initial;
  std::string error;  // an exception from the model, rethrown after GSL returns

  std::vector<double> point(const gsl_vector* x) const {
    std::vector<double> pt = p.initial;
    for (size_t j = 0; j < fitted.size(); ++j)
      pt[size_t(fitted[j])] = std::exp(gsl_vector_get(x, j));
    return pt;
  }
  std::vector<double> shifted(const gsl_vector* x, size_t j) const {
    std::vector<double> pt = point(x);
    pt[size_t(fitted[j])] = std::exp(gsl_vector_get(x, j) + p.step);
    return pt;
  }

  static int f(const gsl_vector* x, void* data, gsl_vector* r) {
    auto* s = static_cast<Solver*>(data);
    try {
      const auto pred = s->model.eval({s->point(x)}).front();
      for (size_t i = 0; i < s->p.measured_s.size(); ++i)
        gsl_vector_set(r, i, log_residual(pred[i], s->p.measured_s[i]));
      return GSL_SUCCESS;
    } catch (const std::exception& e) {
      s->error = e.what();
      return GSL_EBADFUNC;
    }
  }
  // Forward differences, every column's point in one batch (the children run at once).
  static int df(const gsl_vector* x, void* data, gsl_matrix* jac) {
    auto* s = static_cast<Solver*>(data);
    try {
      std::vector<std::vector<double>> xs{s->point(x)};
      for (size_t j = 0; j < s->fitted.size(); ++j) xs.push_back(s->shifted(x, j));
      const auto pred = s->model.eval(xs);
      for (size_t i = 0; i < s->p.measured_s.size(); ++i) {
        const double base = log_residual(pred[0][i], s->p.measured_s[i]);
        for (size_t j = 0; j < s->fitted.size(); ++j) {
          gsl_matrix_set(jac, i, j,
                         (log_residual(pred[j + 1][i], s->p.measured_s[i]) - base) / s->p.step);
        }
      }
      return GSL_SUCCESS;
    } catch (const std::exception& e) {
      s->error = e.what();
      return GSL_EBADFUNC;
    }
  }
};

// Which constants the moves determine, from the elasticities at the initial point: in order
// of preference, each must move the durations and do so differently from those kept before it
// (Gram-Schmidt against their columns).
void determine(const FitProblem& p, const std::vector<std::vector<double>>& elasticity,
               FitResult& out) {
  const size_t n = p.measured_s.size();
  std::vector<std::vector<double>> basis;  // orthonormal, of the kept columns
  out.fitted.clear();
  for (size_t j = 0; j < p.names.size(); ++j) {
    FittedConstant& c = out.constants[j];
    if (c.status == Determination::loose) continue;  // found loose by an earlier fit
    c.status = Determination::fitted;
    c.confounded.clear();
    if (j < p.twins.size() && !p.twins[j].empty()) {
      const auto twin = std::find(p.names.begin(), p.names.end(), p.twins[j]);
      const int t = static_cast<int>(twin - p.names.begin());
      if (twin != p.names.end() &&
          std::find(out.fitted.begin(), out.fitted.end(), t) != out.fitted.end()) {
        c.status = Determination::confounded;
        c.confounded = p.twins[j];
      }
    }
    std::vector<double> col(n);
    double norm2 = 0;
    for (size_t i = 0; i < n; ++i) {
      col[i] = elasticity[i][j];
      norm2 += col[i] * col[i];
    }
    c.effect = std::sqrt(norm2 / double(n));
    if (c.status == Determination::confounded) continue;  // its twin is determined
    if (c.effect < p.min_effect) {
      c.status = Determination::weak_effect;
      continue;
    }
    std::vector<double> rest = col;
    for (const auto& b : basis) {
      double dot = 0;
      for (size_t i = 0; i < n; ++i) dot += b[i] * col[i];
      for (size_t i = 0; i < n; ++i) rest[i] -= dot * b[i];
    }
    double rest2 = 0;
    for (double v : rest) rest2 += v * v;
    c.distinct = std::sqrt(rest2 / norm2);
    if (c.distinct < p.min_distinct) {
      c.status = Determination::confounded;
      // The kept constant whose effect is most like this one's.
      double best = -1;
      for (int k : out.fitted) {
        double dot = 0, kk = 0;
        for (size_t i = 0; i < n; ++i) {
          dot += elasticity[i][size_t(k)] * col[i];
          kk += elasticity[i][size_t(k)] * elasticity[i][size_t(k)];
        }
        const double cosine = std::abs(dot) / std::sqrt(kk * norm2);
        if (cosine > best) {
          best = cosine;
          c.confounded = p.names[size_t(k)];
        }
      }
      continue;
    }
    if (out.fitted.size() + 1 >= n) {  // one degree of freedom at least, for the interval
      c.status = Determination::too_few_moves;
      continue;
    }
    const double rn = std::sqrt(rest2);
    for (double& v : rest) v /= rn;
    basis.push_back(rest);
    out.fitted.push_back(int(j));
  }
}

// Fits the constants in out.fitted from the initial point; fills their values, intervals
// and the covariance. Returns every constant's value at the fit.
std::vector<double> solve(const FitProblem& p, CachedModel& cached, FitResult& out) {
  const size_t n = p.measured_s.size();
  std::vector<double> at = p.initial;
  const size_t k = out.fitted.size();
  {
    Solver solver{p, cached, out.fitted, {}, {}};
    gsl_multifit_nlinear_fdf fdf;
    fdf.f = &Solver::f;
    fdf.df = &Solver::df;
    fdf.fvv = nullptr;
    fdf.n = n;
    fdf.p = k;
    fdf.params = &solver;
    gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace* w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, n, k);
    gsl_vector* x0 = gsl_vector_alloc(k);
    for (size_t j = 0; j < k; ++j)
      gsl_vector_set(x0, j, std::log(p.initial[size_t(out.fitted[j])]));
    int info = 0;
    int status = gsl_multifit_nlinear_init(x0, &fdf, w);
    if (status == GSL_SUCCESS)
      status = gsl_multifit_nlinear_driver(static_cast<size_t>(p.max_iterations), 1e-4, 1e-8, 1e-8,
                                           nullptr, nullptr, &info, w);
    const std::string error = solver.error;
    if (!error.empty()) {
      gsl_vector_free(x0);
      gsl_multifit_nlinear_free(w);
      throw std::runtime_error(error);
    }
    out.iterations += static_cast<int>(gsl_multifit_nlinear_niter(w));
    out.solver = status == GSL_SUCCESS ? (info == 1   ? "converged (step)"
                                          : info == 2 ? "converged (gradient)"
                                                      : "converged")
                                       : std::string(gsl_strerror(status));
    const gsl_vector* x = gsl_multifit_nlinear_position(w);
    at = solver.point(x);
    // The covariance of log(constant): (J'J)^-1 x the residual variance over n - k.
    gsl_matrix* jac = gsl_multifit_nlinear_jac(w);
    gsl_matrix* covar = gsl_matrix_alloc(k, k);
    gsl_multifit_nlinear_covar(jac, 0.0, covar);
    const gsl_vector* r = gsl_multifit_nlinear_residual(w);
    double ssr = 0;
    gsl_blas_ddot(r, r, &ssr);
    const double dof = double(n - k);
    out.residual_sigma = std::sqrt(ssr / dof);
    out.t_quantile = gsl_cdf_tdist_Pinv(0.5 + p.level / 2, dof);
    out.covariance.assign(k, std::vector<double>(k));
    for (size_t a = 0; a < k; ++a)
      for (size_t b = 0; b < k; ++b) out.covariance[a][b] = gsl_matrix_get(covar, a, b) * ssr / dof;
    for (size_t j = 0; j < k; ++j) {
      FittedConstant& c = out.constants[size_t(out.fitted[j])];
      c.value = at[size_t(out.fitted[j])];
      const double half = out.t_quantile * std::sqrt(std::max(0.0, out.covariance[j][j]));
      c.low = c.value * std::exp(-half);
      c.high = c.value * std::exp(half);
    }
    gsl_matrix_free(covar);
    gsl_vector_free(x0);
    gsl_multifit_nlinear_free(w);
  }
  return at;
}

}  // namespace

FitResult fit_constants(const FitProblem& p, const BatchModel& model) {
  const size_t n = p.measured_s.size();
  const size_t m = p.names.size();
  if (m == 0 || p.initial.size() != m || n < 2)
    throw std::runtime_error("a fit needs constants and at least two moves");
  for (size_t j = 0; j < m; ++j) {
    if (!(p.initial[j] > 0))
      throw std::runtime_error(fmt::format(
          "{} is {} before the fit: calibrate fits on a log scale and needs a positive start "
          "(set one under calibration:)",
          p.names[j], p.initial[j]));
  }
  gsl_set_error_handler_off();
  CachedModel cached{model, {}, 0};
  FitResult out;
  for (size_t j = 0; j < m; ++j) {
    FittedConstant c;
    c.name = p.names[j];
    c.initial = c.value = c.low = c.high = p.initial[j];
    out.constants.push_back(c);
  }
  // Elasticities at the initial point: one batch of 1 + m candidate runs.
  std::vector<std::vector<double>> xs{p.initial};
  for (size_t j = 0; j < m; ++j) {
    xs.push_back(p.initial);
    xs.back()[j] *= std::exp(p.step);
  }
  const auto pred = cached.eval(xs);
  for (size_t i = 0; i < n; ++i) {
    if (!(pred[0][i] > 0))
      throw std::runtime_error(fmt::format(
          "move {} of the pilot did not finish in the simulated pilot at the initial constants",
          i + 1));
  }
  std::vector<std::vector<double>> elasticity(n, std::vector<double>(m));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j)
      elasticity[i][j] = (log_residual(pred[j + 1][i], 1) - log_residual(pred[0][i], 1)) / p.step;
  std::vector<double> at = p.initial;
  // Determine and fit; a constant the fit pins down too loosely is not determined after all:
  // mark the loosest, determine again without it (what it masked may now count) and refit.
  while (true) {
    determine(p, elasticity, out);
    if (out.fitted.empty()) break;
    for (FittedConstant& c : out.constants) c.value = c.low = c.high = c.initial;
    at = solve(p, cached, out);
    size_t loosest = 0;
    double widest = 0;
    for (size_t j = 0; j < out.fitted.size(); ++j) {
      const double half = out.t_quantile * std::sqrt(std::max(0.0, out.covariance[j][j]));
      if (!(half <= widest)) {  // NaN counts as widest
        widest = half;
        loosest = j;
      }
    }
    if (widest <= std::log(p.max_interval_factor)) break;
    out.constants[size_t(out.fitted[loosest])].status = Determination::loose;
  }
  if (out.fitted.empty()) {
    for (FittedConstant& c : out.constants) c.value = c.low = c.high = c.initial;
    at = p.initial;
    out.solver = "nothing to fit";
    out.covariance.clear();
  }
  out.predicted_s = cached.eval({at}).front();
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double rel = out.predicted_s[i] / p.measured_s[i] - 1;
    sum += rel * rel;
  }
  out.rmse_relative = std::sqrt(sum / double(n));
  out.model_points = cached.points;
  return out;
}

Interval propagate(double value, const std::vector<double>& g, const FitResult& fit) {
  double var = 0;
  for (size_t a = 0; a < g.size() && a < fit.covariance.size(); ++a)
    for (size_t b = 0; b < g.size() && b < fit.covariance.size(); ++b)
      var += g[a] * fit.covariance[a][b] * g[b];
  const double half = fit.t_quantile * std::sqrt(std::max(0.0, var));
  return {value * std::exp(-half), value * std::exp(half)};
}

}  // namespace coexlab
