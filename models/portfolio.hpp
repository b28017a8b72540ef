// The portfolio scheduler: at its first decision it replays the whole plan under each of the
// other built-in schedulers in a fluid model of contention (models/plan_replay.hpp) and then
// follows the one whose replay ends first. A scheduler that asks MoveEstimator for the
// predicted makespan of a few candidate orders (SPEC §5.7's lookahead).
#pragma once

#include <memory>

#include "scheduler.hpp"

namespace coexlab {

std::unique_ptr<MoveScheduler> make_portfolio_scheduler();

}  // namespace coexlab
