// What a simulation recorded, as plain data (no SimGrid): every move attempt, the sampled
// utilisation of every resource, and the events. analysis/ turns it into result files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resource_kind.hpp"
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
  std::string id;  // e.g. "EX07-HQ1/cpu", "site/HQ/lan", "link/HQ-Branch"
  ResourceKind kind = ResourceKind::cpu;
  std::string unit;                // Hz, IOPS, B/s, bit/s, B
  std::optional<double> capacity;  // in `unit`; nullopt: not tracked
  // Utilisation in [0, 1] per sample (time-average over the interval for rates, the level
  // at the sample time for space); empty when not tracked.
  std::vector<double> samples;
};

enum class EventKind { dismount, remount, failure };
std::string_view to_string(EventKind k);  // summary.json migration.events[].kind

enum class EventCause {
  log_disk_full,       // dismount: the transaction logs filled the log disk
  database_disk_full,  // dismount: a chunk did not fit on the database disk
  logs_truncated,      // remount: a backup truncated the logs
  bad_items,           // failure: a mailbox's unreadable items exceeded bad_item_limit
};

// What happened, as data; describe() renders the text for people where it is printed.
struct SimEvent {
  units::Seconds time{0};
  EventKind kind = EventKind::failure;
  EventCause cause = EventCause::bad_items;
  std::string server;    // the server concerned ("" for a mailbox's failure)
  std::string mailbox;   // the mailbox's id (failure; "" otherwise)
  std::string resource;  // dismount, remount: what filled, "SERVER/log_space" or
                         // "SERVER/database_space" ("" for a failure)
  // The figures the text quotes: space in use and capacity of what filled, and the chunk that
  // did not fit (database_disk_full); no backup configured (log_disk_full: never remounts).
  units::Bytes used{0};
  units::Bytes capacity{0};
  units::Bytes needed{0};
  bool no_backup = false;
  int bad_items = 0;       // failure: unreadable items met
  int bad_item_limit = 0;  // failure: migration.bad_item_limit
};
// For people: "SERVER: log disk full (...); databases dismounted until ...".
std::string describe(const SimEvent& e);

// Why the simulation of the migration ended (summary.json migration.stopped_by).
enum class StopReason {
  done,     // every planned mailbox moved or failed for good
  horizon,  // the simulation horizon came with work left that could still have run
  stalled,  // work was left that nothing in the run could ever start again
};
std::string_view to_string(StopReason r);

// The users' mail during the run (the coexistence-load model, sim/mail_flow.hpp).
struct DeliveredMail {
  std::string path_class;  // 2003->2003, 2003<->2007, 2007->2007 same site, ..., internet
  double time_s = 0;       // when it was delivered (aggregate: the interval's end)
  double latency_s = 0;    // submission to delivery (or hand-off to the internet)
  double weight = 1;       // messages it stands for: 1 per message, a count in aggregate mode
};

// A Hub Transport's queue: messages in the hub (waiting or being processed) over time.
struct HubQueueStats {
  std::string server;
  double messages = 0;        // messages that left the hub
  double mean_wait_s = 0;     // in the queue before processing
  double mean_sojourn_s = 0;  // in the hub: waiting and processing
  double mean_in_hub = 0;     // time-average number of messages in the hub (Little: L)
  double peak_in_hub = 0;     // the most at once (aggregate: the highest interval mean)
};

struct MailRecording {
  bool simulated = false;           // false without workload (null in summary.json)
  std::string mode;                 // per_message | aggregate
  std::vector<DeliveredMail> mail;  // per message, or per interval and path class
  std::vector<HubQueueStats> hubs;  // every 2007 hub, in server order
  double undelivered = 0;           // still on their way when the simulation stopped
  // Mail to a mailbox being moved, held until its move ended (the store refuses a locked
  // mailbox): how many messages, their total and longest wait (seconds).
  double delayed_messages = 0;
  double delayed_seconds_sum = 0;
  double delayed_max_s = 0;
};

struct Recording {
  std::vector<MoveAttempt> attempts;      // in order of their start
  std::vector<double> sample_times;       // end of each sample interval, seconds from start
  std::vector<ResourceSeries> resources;  // in a fixed order (servers, sites, links)
  std::vector<SimEvent> events;           // in time order
  MailRecording mail;
  units::Seconds end_time{0};    // when the simulation stopped
  bool reached_horizon = false;  // stopped by the horizon with work left
  StopReason stopped_by = StopReason::done;
  std::string stop_detail;  // for people, when not done: what was left and why
};

}  // namespace coexlab
