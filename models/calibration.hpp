// The named constants of the cost model: every one has a unit, a realistic default with the
// figure it comes from, an ideal-mode value (overheads off), and can be overridden under
// `calibration:` in a scenario. docs/calibration.md shows the simulated checks.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "scenario.hpp"
#include "units.hpp"

namespace coexlab {

// The constants in force for one scenario: mode defaults, then the scenario's overrides.
struct CostModel {
  bool ideal = false;
  double rpc_round_trips_per_item = 0;  // per item and per leg (source leg, target leg)
  Seconds rpc_server_time{0};           // store service time per RPC, on each leg
  Seconds item_server_time{0};          // store time per item, not CPU-bound
  Bytes move_chunk_size{0};             // the pipeline's unit of work
  double database_ios_per_item = 0;     // random page I/Os per item on each database
  double move_cpu_cycles_per_item = 0;  // on source, mover and target each
  double move_cpu_cycles_per_byte = 0;  // on source, mover and target each
  Bytes tcp_window{0};                  // bounds one RPC stream to window / RTT; 0: none
  double item_time_cv = 0;              // variation of one item's RPC and store time (jitter)
  double store_rpc_concurrency = 0;     // moves one store serves at once; 0: no limit
  double log_bytes_per_moved_byte = 1;  // target transaction log growth
  double bad_item_rate = 0;             // probability that one item cannot be read
  Bytes backup_io_size{65536};          // bytes a streaming backup reads per disk I/O
  // The users' mail and clients (zero in ideal mode, where there is no background workload).
  double hub_cpu_cycles_per_message = 0;        // Hub Transport: categoriser, routing, queue
  double smtp_cpu_cycles_per_message = 0;       // a 2003 SMTP server or an Edge relaying
  double store_cpu_cycles_per_message = 0;      // a mailbox server submitting or delivering
  double hub_queue_ios_per_message = 0;         // random I/Os on the Hub's queue database
  double smtp_round_trips_per_message = 0;      // SMTP conversation, before the data
  double rpc_round_trips_per_message = 0;       // store driver submission or delivery
  double client_operations_per_message = 0;     // client requests per message sent or received
  double mailbox_cpu_cycles_per_operation = 0;  // a mailbox server serving a client request
  double cas_cpu_cycles_per_operation = 0;      // a Client Access / front-end server
  double client_bytes_per_message_byte = 0;     // client traffic per byte of mail
  Seconds load_interval{300};                   // period of the aggregated background load
  double per_message_limit = 0;  // mail_flow auto: per message up to this many messages/day
  Bytes page_size_2003{4096};
  Bytes page_size_2007{8192};

  static CostModel from(const Calibration& calibration);
  double get(std::string_view name) const;  // by registry name, SI units
};

struct CalibrationConstant {
  std::string_view name;
  // Its field in CostModel, in SI base units: the one place that ties a name to a field.
  double& (*field)(CostModel&);
  std::optional<units::Dimension> dimension;  // nullopt: a plain number
  double realistic;                           // in SI base units
  double ideal;                               // calibration.mode: ideal
  std::string_view unit;                      // for messages and docs
  std::string_view source;                    // where the default comes from
};

const std::vector<CalibrationConstant>& calibration_constants();
const CalibrationConstant* find_calibration_constant(std::string_view name);

}  // namespace coexlab
