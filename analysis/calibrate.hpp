// Fitting cost-model constants to a pilot's move durations (SPEC §5.4): which constants the
// pilot can determine (identifiability), a least-squares fit of those by GSL's trust-region
// Levenberg-Marquardt (gsl_multifit_nlinear), and intervals from the covariance of the fit.
// The model itself is a callback: calibrate runs each candidate as a `coexlab run` child, the
// tests may use a closed form. Residuals are relative (log of predicted over measured), the
// constants are fitted on a log scale (they stay positive, intervals are factors). No SimGrid.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace coexlab {

// The move constants calibrate may fit, in the order it prefers them when two cannot be told
// apart (the first keeps its place): models/calibration.cpp holds their values and units,
// this table only which of them a move's duration depends on (docs/calibrate.md).
struct FittableConstant {
  std::string_view name;
  std::string_view effect;  // what it changes in a move, for the printed table
  // A constant whose cost is, at a given round-trip time, the same per-item cost as `twin`:
  // a simulated pilot with contention tells them apart only through second-order effects the
  // real pilot's noise swamps, so by default it is confounded with its twin (--fit overrides).
  std::string_view twin;
};
const std::vector<FittableConstant>& fittable_constants();
bool is_fittable(std::string_view name);

// Predicted durations (seconds, one per pilot move) at each point; a point holds every
// candidate constant's value (SI base units, the order of FitProblem::names). A value <= 0
// or not finite marks a move the candidate run did not finish.
using BatchModel =
    std::function<std::vector<std::vector<double>>(const std::vector<std::vector<double>>&)>;

struct FitProblem {
  std::vector<std::string> names;  // candidate constants, in order of preference
  std::vector<double> initial;     // their values before the fit (SI, > 0)
  std::vector<double> measured_s;  // the pilot's durations
  std::vector<std::string> twins;  // per name: confounded with this one when it is determined
  double level = 0.9;              // of the intervals
  double step = 0.02;              // finite-difference step on log(constant)
  int max_iterations = 25;
  // Identifiability thresholds: a constant whose effect (RMS elasticity d log T / d log c over
  // the moves) is below `min_effect`, or whose effect is, but for less than `min_distinct` of
  // its size, a combination of the effects of constants already determined, is not determined.
  double min_effect = 0.02;
  double min_distinct = 0.3;
  // After the fit, a constant whose interval spans more than this factor either side is not
  // determined after all (the moves pin it down too loosely): it keeps its value, and the
  // others are fitted again without it.
  double max_interval_factor = 10;
};

enum class Determination { fitted, weak_effect, confounded, too_few_moves, loose };

struct FittedConstant {
  std::string name;
  double initial = 0;  // SI
  double value = 0;    // fitted (else initial)
  double low = 0;      // interval at FitProblem::level (else equal to the value)
  double high = 0;
  Determination status = Determination::fitted;
  double effect = 0;       // RMS elasticity of the durations at the initial point
  double distinct = 0;     // share of that effect not explained by the constants kept before
  std::string confounded;  // Determination::confounded: the determined constant it mimics
};

struct FitResult {
  std::vector<FittedConstant> constants;        // FitProblem::names' order
  std::vector<double> predicted_s;              // at the fitted point
  double rmse_relative = 0;                     // RMS of predicted / measured - 1
  double residual_sigma = 0;                    // RMS of the log residuals over n - p
  std::vector<int> fitted;                      // indices of determined constants
  std::vector<std::vector<double>> covariance;  // of log(constant), over `fitted`
  double t_quantile = 0;  // Student t, n - p degrees of freedom, two-sided level
  int iterations = 0;
  int model_points = 0;               // points the model was asked for
  std::string solver;                 // GSL's stopping reason
  std::vector<double> point() const;  // every constant's value (fitted or initial)
};

// Determines, fits and gives intervals. Throws std::runtime_error when the model fails at the
// initial point (a candidate run that does not finish) or the problem is malformed.
FitResult fit_constants(const FitProblem& problem, const BatchModel& model);

// The interval of a quantity Q of the fitted model (e.g. the whole migration's duration) from
// the covariance: `gradient` holds d log Q / d log c for each fitted constant (FitResult::fitted
// order); the interval is Q x exp(-+ t x sqrt(g' C g)).
struct Interval {
  double low = 0;
  double high = 0;
};
Interval propagate(double value, const std::vector<double>& gradient, const FitResult& fit);

std::string_view determination_name(Determination d);

}  // namespace coexlab
