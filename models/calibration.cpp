#include "calibration.hpp"

#include <stdexcept>
#include <string>

namespace coexlab {

using units::Dimension;

const std::vector<CalibrationConstant>& calibration_constants() {
  static const std::vector<CalibrationConstant> constants{
      {"rpc_round_trips_per_item",
       [](CostModel& c) -> double& { return c.rpc_round_trips_per_item; }, std::nullopt, 4.8, 0,
       "round trips",
       "Microsoft Learn RPC table, row 1: 15,775 RPCs for 3,297 items (4.8 per item; rows 2 "
       "and 3 give 2.8 and 33)"},
      {"rpc_server_time", [](CostModel& c) -> double& { return c.rpc_server_time.value; },
       Dimension::time, 0.006, 0, "s",
       "store service time per RPC on each side (exchange-facts.md: averaged RPC latency above "
       "50 ms is a warning; a healthy store answers in a few ms); with item_server_time chosen so "
       "that one thread on a LAN moves 8-15 items/s (Priasoft)"},
      {"item_server_time", [](CostModel& c) -> double& { return c.item_server_time.value; },
       Dimension::time, 0.025, 0, "s",
       "store work per item not bound by CPU (folder and property handling); with rpc_server_time "
       "it puts one LAN thread at about 10 items/s for average mailboxes (Priasoft: 8-15, range "
       "1-35)"},
      {"move_chunk_size", [](CostModel& c) -> double& { return c.move_chunk_size.value; },
       Dimension::size, 32e6, 32e6, "B",
       "DESIGN.md: a move is a handful of activities per chunk of tens of MB"},
      {"database_ios_per_item", [](CostModel& c) -> double& { return c.database_ios_per_item; },
       std::nullopt, 2, 0, "I/Os",
       "model choice: an item costs a message-table and an attachment/property page "
       "lookup beyond its own pages (unverified)"},
      {"move_cpu_cycles_per_item",
       [](CostModel& c) -> double& { return c.move_cpu_cycles_per_item; }, std::nullopt, 2e6, 0,
       "cycles", "model choice: about 1 ms of one 2 GHz core per item on each side (unverified)"},
      {"move_cpu_cycles_per_byte",
       [](CostModel& c) -> double& { return c.move_cpu_cycles_per_byte; }, std::nullopt, 10, 0,
       "cycles",
       "model choice: MAPI property encoding and checksums, ~10 cycles per byte (unverified)"},
      {"tcp_window", [](CostModel& c) -> double& { return c.tcp_window.value; }, Dimension::size, 0,
       0, "B",
       "0 (no cap) by default: a move's data rides in its RPC replies, each smaller than the "
       "64 KiB Windows Server 2003 receive window, and those replies are already counted in "
       "rpc_round_trips_per_item (Microsoft's RPC table counts every RPC: 15,775 for 202 MB, "
       "12.8 KB each); capping the bytes at window / RTT on top charged the round trips twice. "
       "Set it to bound one stream to window / RTT (a bulk protocol with large replies)"},
      {"item_time_cv", [](CostModel& c) -> double& { return c.item_time_cv; }, std::nullopt, 1.0, 0,
       "",
       "model choice (unverified): the coefficient of variation of one item's RPC and store "
       "time (items differ in size, properties and attachments; 1: as varied as an exponential "
       "time). A chunk of n items varies by item_time_cv / sqrt(n) (seeded per attempt), so "
       "identical mailboxes do not stay in lockstep; 0 in ideal mode"},
      {"store_rpc_concurrency", [](CostModel& c) -> double& { return c.store_rpc_concurrency; },
       std::nullopt, 100, 0, "moves",
       "exchange-facts.md: a store serves at most 100 concurrent RPC requests; a move holds one "
       "at a time on its source and on its target store, so at most this many moves use one "
       "server's store at once, the others wait (0: no limit, ideal mode)"},
      {"log_bytes_per_moved_byte",
       [](CostModel& c) -> double& { return c.log_bytes_per_moved_byte; }, std::nullopt, 1.0, 1.0,
       "B/B",
       "exchange-facts.md: target transaction logs grow by about the size of the moved data"},
      {"bad_item_rate", [](CostModel& c) -> double& { return c.bad_item_rate; }, std::nullopt, 2e-6,
       0, "per item",
       "model choice: one unreadable item in 500,000, so that about 1.5 % of 300 MB / 7,500-item "
       "mailboxes fail with bad_item_limit 0 (unverified; legacy stores vary widely)"},
      {"backup_io_size", [](CostModel& c) -> double& { return c.backup_io_size.value; },
       Dimension::size, 65536, 65536, "B",
       "ESE streaming backup reads the database in 64 KB blocks (unverified): one disk I/O "
       "per 64 KB, against the database disk's IOPS"},
      {"hub_cpu_cycles_per_message",
       [](CostModel& c) -> double& { return c.hub_cpu_cycles_per_message; }, std::nullopt, 1.7e8, 0,
       "cycles",
       "exchange-facts.md role ratio mailbox:hub cores 7:1 without antivirus (unverified): an "
       "average user's 250 client requests a day at mailbox_cpu_cycles_per_operation, over the "
       "about 41 messages a day that pass a hub for that user, divided by 7"},
      {"smtp_cpu_cycles_per_message",
       [](CostModel& c) -> double& { return c.smtp_cpu_cycles_per_message; }, std::nullopt, 8.5e7,
       0, "cycles",
       "model choice (unverified): a 2003 SMTP virtual server or an Edge relaying a message, half "
       "a Hub's work (no categoriser against AD for every recipient)"},
      {"store_cpu_cycles_per_message",
       [](CostModel& c) -> double& { return c.store_cpu_cycles_per_message; }, std::nullopt, 1e7, 0,
       "cycles", "model choice (unverified): the store submitting or delivering one message"},
      {"hub_queue_ios_per_message",
       [](CostModel& c) -> double& { return c.hub_queue_ios_per_message; }, std::nullopt, 4, 0,
       "I/Os",
       "model choice (unverified): the ESE queue database writes a message on receipt, updates "
       "and deletes it; exchange-facts.md: Hub queue disk latency should stay under 20 ms"},
      {"smtp_round_trips_per_message",
       [](CostModel& c) -> double& { return c.smtp_round_trips_per_message; }, std::nullopt, 6, 0,
       "round trips",
       "SMTP conversation EHLO, MAIL FROM, RCPT TO, DATA, end of data, QUIT (RFC 5321)"},
      {"rpc_round_trips_per_message",
       [](CostModel& c) -> double& { return c.rpc_round_trips_per_message; }, std::nullopt, 3, 0,
       "round trips", "model choice (unverified): store driver open, submit or deliver, commit"},
      {"client_operations_per_message",
       [](CostModel& c) -> double& { return c.client_operations_per_message; }, std::nullopt, 5, 0,
       "requests",
       "model choice (unverified): a client reads, files and syncs each message in a few "
       "requests"},
      {"mailbox_cpu_cycles_per_operation",
       [](CostModel& c) -> double& { return c.mailbox_cpu_cycles_per_operation; }, std::nullopt,
       2e8, 0, "cycles",
       "model choice from the planning rule of about 1,000 average mailboxes per 2.66 GHz core "
       "at 70 % busy in the busy hour (unverified): 1.9 Mcycles/s per user over 250 requests a "
       "day with 11 % of them in the busy hour; covers all store work of a request"},
      {"cas_cpu_cycles_per_operation",
       [](CostModel& c) -> double& { return c.cas_cpu_cycles_per_operation; }, std::nullopt, 2.5e8,
       0, "cycles",
       "exchange-facts.md role ratio mailbox:client access cores 4:1 (unverified) with 20 % of "
       "requests from OWA and POP/IMAP: 1.25 x mailbox_cpu_cycles_per_operation"},
      {"client_bytes_per_message_byte",
       [](CostModel& c) -> double& { return c.client_bytes_per_message_byte; }, std::nullopt, 1.3,
       0, "B/B",
       "model choice (unverified): protocol overhead and re-reads of a message by its client"},
      {"load_interval", [](CostModel& c) -> double& { return c.load_interval.value; },
       Dimension::time, 300, 300, "s",
       "model choice: the users' background load is aggregated per interval of 5 min, the "
       "default sample interval; arrivals within it are Poisson in per-message mode"},
      {"per_message_limit", [](CostModel& c) -> double& { return c.per_message_limit; },
       std::nullopt, 25000, 25000, "messages/day",
       "model choice: mail_flow auto simulates message by message up to 25,000 messages a "
       "working day (about 500 average users), aggregated flows above"},
  };
  return constants;
}

const CalibrationConstant* find_calibration_constant(std::string_view name) {
  for (const CalibrationConstant& c : calibration_constants()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {
double& field_of(CostModel& m, std::string_view name) {
  if (const CalibrationConstant* c = find_calibration_constant(name)) return c->field(m);
  throw std::logic_error("no calibration constant named " + std::string(name));
}

}  // namespace

CostModel CostModel::from(const Calibration& calibration) {
  CostModel m;
  m.ideal = calibration.mode == CalibrationMode::ideal;
  for (const CalibrationConstant& c : calibration_constants()) {
    c.field(m) = m.ideal ? c.ideal : c.realistic;
  }
  for (const CalibrationOverride& o : calibration.overrides) field_of(m, o.name) = o.base_value;
  return m;
}

double CostModel::get(std::string_view name) const {
  CostModel copy = *this;  // field_of hands out references to a mutable model
  return field_of(copy, name);
}

}  // namespace coexlab
