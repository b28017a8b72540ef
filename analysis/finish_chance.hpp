// A wave's chance of finishing inside its window (`plan --calibration`, SPEC §5.5), from the
// interval `calibrate` gave the whole migration's duration (fit.json `prediction`).
//
// The assumption, stated in docs/outputs.md (waves.csv): the fit's uncertainty is one factor
// F on every move's duration (the constants scale them all alike), log F distributed as the
// fit's Student t: log F = se × T with T ~ t(n − p), se = ln(high_s ÷ low_s) ÷ (2 t*), where
// t* is the two-sided `level` quantile of t(n − p), n the pilot's fitted moves and p the
// determined constants: the same distribution that gave fit.json's interval, so the chance is
// (1 + level) ÷ 2 where the window ends at the interval's high end. A wave's elapsed time from
// its first predicted start to its predicted end scales by F, so it finishes inside its window
// when F <= (window end − first start) ÷ (predicted end − first start).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace coexlab {

struct DurationInterval {
  std::string scenario;  // fit.json `scenario`
  double level = 0;      // of the interval, e.g. 0.9
  double duration_s = 0, low_s = 0, high_s = 0;
  int dof = 0;           // n − p: the fitted moves less the determined constants
  double log_sigma = 0;  // se of log F (0: no spread, the chance is 0 or 1)
  std::vector<std::pair<std::string, double>> fitted;  // determined constants, SI values
};

// Reads fit.json's text. Returns "" or why it gives no interval (not fit.json, no determined
// constant, no degrees of freedom).
std::string read_duration_interval(const std::string& fit_json, DurationInterval& out);

// P(the wave ends by window_end_s) under the assumption above; times in seconds from the
// scenario's start.
double finish_chance(const DurationInterval& interval, double first_start_s, double predicted_end_s,
                     double window_end_s);

}  // namespace coexlab
