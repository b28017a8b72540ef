// The max-min fair solver shared by the move predictor and the plan replay
// (models/max_min.hpp): the rates SimGrid's solver gives, by hand.
#include <gtest/gtest.h>

#include <vector>

#include "max_min.hpp"

namespace coexlab {
namespace {

TEST(MaxMin, FlowsOnOneResourceShareItEqually) {
  const std::vector<PathCrossing> link{{0, 1}};
  std::vector<FairFlow> flows{{10, &link}, {1, &link}, {5, &link}};
  MaxMinSolver solver;
  solver.solve(flows, std::vector<double>{90});
  for (const FairFlow& f : flows) EXPECT_DOUBLE_EQ(f.rate, 30);
}

TEST(MaxMin, ACappedFlowLeavesItsShareToTheOthers) {
  const std::vector<PathCrossing> link{{0, 1}};
  std::vector<FairFlow> flows{{10, &link, 10}, {10, &link}, {10, &link}};
  MaxMinSolver solver;
  solver.solve(flows, std::vector<double>{90});
  EXPECT_DOUBLE_EQ(flows[0].rate, 10);
  EXPECT_DOUBLE_EQ(flows[1].rate, 40);
  EXPECT_DOUBLE_EQ(flows[2].rate, 40);
}

TEST(MaxMin, TheBottleneckFixesAFlowAndTheRestFillTheOtherResource) {
  // Flow 0 crosses the slow link (10) and the fast one (100); flow 1 only the fast one: flow 0
  // gets 10 at the slow link, flow 1 what is left of the fast one, 90.
  const std::vector<PathCrossing> both{{0, 1}, {1, 1}};
  const std::vector<PathCrossing> fast{{1, 1}};
  std::vector<FairFlow> flows{{1, &both}, {1, &fast}};
  MaxMinSolver solver;
  solver.solve(flows, std::vector<double>{10, 100});
  EXPECT_DOUBLE_EQ(flows[0].rate, 10);
  EXPECT_DOUBLE_EQ(flows[1].rate, 90);
}

TEST(MaxMin, ACrossingTwiceConsumesTwiceTheRate) {
  // A LAN crossed on both legs: x + 2x = 90.
  const std::vector<PathCrossing> once{{0, 1}};
  const std::vector<PathCrossing> twice{{0, 2}};
  std::vector<FairFlow> flows{{1, &once}, {1, &twice}};
  MaxMinSolver solver;
  solver.solve(flows, std::vector<double>{90});
  EXPECT_DOUBLE_EQ(flows[0].rate, 30);
  EXPECT_DOUBLE_EQ(flows[1].rate, 30);
}

TEST(MaxMin, AFinishedFlowTakesNoShareAndTheSolverCanBeReused) {
  const std::vector<PathCrossing> link{{0, 1}};
  MaxMinSolver solver;
  std::vector<FairFlow> flows{{0, &link}, {4, &link}};
  solver.solve(flows, std::vector<double>{50});
  EXPECT_EQ(flows[0].rate, 0);
  EXPECT_DOUBLE_EQ(flows[1].rate, 50);
  // Again over another resource set: nothing left over from the first solve.
  const std::vector<PathCrossing> other{{1, 1}};
  std::vector<FairFlow> again{{1, &other}, {1, &link}};
  solver.solve(again, std::vector<double>{50, 20});
  EXPECT_DOUBLE_EQ(again[0].rate, 20);
  EXPECT_DOUBLE_EQ(again[1].rate, 50);
}

}  // namespace
}  // namespace coexlab
