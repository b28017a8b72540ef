// One simulation of a validated scenario: platform, actors, probes, run, recording.
// SimGrid allows one engine per process: call simulate() once per process.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mailboxes.hpp"
#include "recording.hpp"
#include "scenario.hpp"
#include "scheduler.hpp"

namespace coexlab::sim {

struct SimulationOptions {
  std::vector<std::string> simgrid_cfg;  // extra "key:value" settings (also $COEXLAB_SIMGRID_CFG)
  std::string log;                       // SimGrid --log setting; empty: silent
  // A scheduler not in the registry (tests, a scheduler under development); empty: the
  // scenario's migration.scheduler.
  std::function<std::unique_ptr<MoveScheduler>()> make_scheduler;
};

struct SimulationOutput {
  std::vector<Mailbox> mailboxes;
  std::vector<MoveRequest> queue;
  Recording recording;
  // Not reproducible, so in no result file but `run --timing`'s timing.json: the wall time
  // the scheduler spent in its decisions.
  double scheduler_wall_s = 0;
};

SimulationOutput simulate(const Scenario& s, const SimulationOptions& options = {});

}  // namespace coexlab::sim
