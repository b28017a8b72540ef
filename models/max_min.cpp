#include "max_min.hpp"

#include <algorithm>
#include <cmath>

namespace coexlab {

void MaxMinSolver::solve(std::span<FairFlow> flows, std::span<const double> capacity) {
  if (left_.size() < capacity.size()) {
    left_.resize(capacity.size(), 0.0);
    weight_.resize(capacity.size(), 0.0);
    seen_.resize(capacity.size(), 0);
  }
  if (++solves_ == 0) {  // the stamps wrapped around: forget them all
    std::fill(seen_.begin(), seen_.end(), 0);
    solves_ = 1;
  }
  touched_.clear();
  fixed_.assign(flows.size(), 0);
  for (size_t i = 0; i < flows.size(); ++i) {
    FairFlow& f = flows[i];
    f.rate = 0;
    fixed_[i] = f.remaining <= 0 ? 1 : 0;
    for (const PathCrossing& c : *f.crossings) {
      const auto r = static_cast<size_t>(c.resource);
      if (seen_[r] != solves_) {
        seen_[r] = solves_;
        touched_.push_back(c.resource);
        left_[r] = capacity[r];
        weight_[r] = 0;
      }
      // Whole crossings: the sums are exact in any order.
      if (!fixed_[i]) weight_[r] += c.crossings;
    }
  }
  active_.clear();
  for (size_t i = 0; i < flows.size(); ++i) {
    if (!fixed_[i]) active_.push_back(i);
  }
  while (!active_.empty()) {
    double level = std::numeric_limits<double>::infinity();
    for (int r : touched_) {
      if (const double w = weight_[size_t(r)]; w > 0) level = std::min(level, left_[size_t(r)] / w);
    }
    for (size_t i : active_) level = std::min(level, flows[i].cap);
    if (!std::isfinite(level)) break;  // what is left crosses nothing and has no cap
    saturated_.clear();
    for (size_t i : active_) {
      bool at_limit = flows[i].cap <= level;
      for (const PathCrossing& c : *flows[i].crossings) {
        const auto r = static_cast<size_t>(c.resource);
        at_limit = at_limit || left_[r] <= level * weight_[r] * (1 + 1e-12);
      }
      if (at_limit) saturated_.push_back(i);
    }
    for (size_t i : saturated_) {
      flows[i].rate = level;
      fixed_[i] = 1;
      for (const PathCrossing& c : *flows[i].crossings) {
        left_[size_t(c.resource)] -= level * c.crossings;
        weight_[size_t(c.resource)] -= c.crossings;
      }
    }
    std::erase_if(active_, [&](size_t i) { return fixed_[i] != 0; });
  }
}

}  // namespace coexlab
