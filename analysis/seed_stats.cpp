#include "seed_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>

namespace coexlab {

std::optional<double> percentile_of_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const double h = double(sorted.size() - 1) * p / 100.0;
  const auto lo = size_t(std::floor(h));
  const double frac = h - double(lo);
  double v = sorted[lo];
  // No interpolation step when the rank is exact: inf * 0 would be NaN.
  if (frac > 0 && lo + 1 < sorted.size()) v += frac * (sorted[lo + 1] - sorted[lo]);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

SeedStats seed_stats(const std::vector<std::optional<double>>& durations) {
  SeedStats s;
  s.seeds = int(durations.size());
  std::vector<double> all;
  double sum = 0;
  for (const auto& d : durations) {
    all.push_back(d ? *d : std::numeric_limits<double>::infinity());
    if (d) {
      ++s.completed;
      sum += *d;
    }
  }
  std::sort(all.begin(), all.end());
  s.completed_share = s.seeds > 0 ? double(s.completed) / double(s.seeds) : 0;
  if (s.completed > 0) s.mean_s = sum / double(s.completed);
  s.p5_s = percentile_of_sorted(all, 5);
  s.p50_s = percentile_of_sorted(all, 50);
  s.p95_s = percentile_of_sorted(all, 95);
  return s;
}

SeedShareTarget split_seed_share(const std::string& target) {
  SeedShareTarget t;
  t.check = target;
  // The clause starts at the word `in`, which the checks grammar never uses.
  static const std::regex word_in(R"((^|\s)in(\s|$))");
  std::smatch m;
  if (!std::regex_search(target, m, word_in)) return t;
  const size_t at = size_t(m.position(0)) + m[1].length();
  t.check = target.substr(0, at);
  t.check.erase(t.check.find_last_not_of(" \t") + 1);
  static const std::regex clause(R"(in\s+([0-9]+(\.[0-9]+)?)\s*%\s+of\s+seeds\s*)");
  std::smatch c;
  const std::string rest = target.substr(at);
  double p = 0;
  if (std::regex_match(rest, c, clause)) p = std::stod(c[1].str());
  if (p <= 0 || p > 100) {
    t.error_offset = at;
    t.error = c.empty() ? "expected 'in P % of seeds' after the check, e.g. "
                          "'migration.duration <= 60 h in 90 % of seeds'"
                        : "the share of seeds must be more than 0 % and at most 100 %";
    return t;
  }
  t.share = p / 100;
  return t;
}

}  // namespace coexlab
