// What a simulation recorded, as plain data (no SimGrid): every move attempt, the sampled
// utilisation of every resource, and the events. analysis/ turns it into result files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "units.hpp"

namespace coexlab {

enum class MoveState { moved, cancelled, failed, unfinished };
std::string_view to_string(MoveState s);

struct MoveAttempt {
  int queue_index = -1;      // the request (MoveRequest::queue_index)
  int mailbox = -1;          // index into the generated mailboxes
  int attempt = 1;           // 1-based per mailbox
  units::Seconds queued{0};  // when this attempt entered the queue
  units::Seconds start{0};   // when its thread took it
  units::Seconds end{0};     // when it moved, failed, was cancelled, or the horizon
  int thread = 0;            // 1-based mover thread
  MoveState state = MoveState::unfinished;
  units::Bytes bytes_copied{0};  // bytes that reached the target in this attempt
  int bad_items = 0;             // unreadable items met in this attempt
};

// One resource of SPEC §4 and its utilisation per sample interval.
struct ResourceSeries {
  std::string id;    // e.g. "EX07-HQ1/cpu", "site/HQ/lan", "link/HQ-Branch"
  std::string kind;  // cpu, database_disk, log_disk, nic, log_space, database_space, lan, link
  std::string unit;  // Hz, IOPS, B/s, bit/s, B
  std::optional<double> capacity;  // in `unit`; nullopt: not tracked
  // Utilisation in [0, 1] per sample (time-average over the interval for rates, the level
  // at the sample time for space); empty when not tracked.
  std::vector<double> samples;
};

struct SimEvent {
  units::Seconds time{0};
  std::string kind;  // dismount, remount, failure
  std::string what;  // server or mailbox, with detail
};

struct Recording {
  std::vector<MoveAttempt> attempts;      // in order of their start
  std::vector<double> sample_times;       // end of each sample interval, seconds from start
  std::vector<ResourceSeries> resources;  // in a fixed order (servers, sites, links)
  std::vector<SimEvent> events;           // in time order
  units::Seconds end_time{0};             // when the simulation stopped
  bool reached_horizon = false;           // stopped by the horizon with work left
};

}  // namespace coexlab
