// Max-min fair sharing of rate resources, as SimGrid's solver shares them (equal weights; a
// flow that crosses a resource twice consumes twice its rate there), by progressive filling:
// raise the rates of the unfixed flows together until a resource saturates or a flow reaches
// its own cap, fix those flows at that level, repeat. The one solver behind a move's
// prediction alone (models/move_estimate.hpp) and the plan replay of concurrent moves
// (models/plan_replay.hpp).
#pragma once

#include <limits>
#include <span>
#include <vector>

namespace coexlab {

// A resource a flow crosses and how many times (a LAN crossed on both legs in the same
// direction, or one database disk as source and target: 2).
struct PathCrossing {
  int resource = -1;  // index into the capacities the solver is given
  int crossings = 1;
};

// One flow: what it has left to move, the resources it crosses, its own cap; the solver
// writes its rate. Units are the resources' (bytes for disks and links, cycles for a CPU).
struct FairFlow {
  double remaining = 0;  // a flow with nothing left takes no share
  const std::vector<PathCrossing>* crossings = nullptr;
  double cap = std::numeric_limits<double>::infinity();
  double rate = 0;
};

// Reusable scratch space: solving many times over the same resources allocates once.
class MaxMinSolver {
 public:
  // `capacity[r]`: resource r's rate. Every flow's crossings index into it.
  void solve(std::span<FairFlow> flows, std::span<const double> capacity);

 private:
  std::vector<double> left_;    // by resource: capacity not yet taken by fixed flows
  std::vector<double> weight_;  // by resource: crossings of the unfixed flows
  std::vector<int> touched_;    // the resources some flow crosses, in first-seen order
  std::vector<unsigned> seen_;  // by resource: the solve that last touched it
  unsigned solves_ = 0;
  std::vector<char> fixed_;     // by flow
  std::vector<size_t> active_;  // the flows not fixed yet, in order
  std::vector<size_t> saturated_;
};

}  // namespace coexlab
