#include "calibration.hpp"

#include <stdexcept>
#include <string>

namespace coexlab {

using units::Dimension;

const std::vector<CalibrationConstant>& calibration_constants() {
  static const std::vector<CalibrationConstant> constants{
      {"rpc_round_trips_per_item", std::nullopt, 4.8, 0, "round trips",
       "Microsoft Learn RPC table, row 1: 15,775 RPCs for 3,297 items (4.8 per item; rows 2 "
       "and 3 give 2.8 and 33)"},
      {"rpc_server_time", Dimension::time, 0.006, 0, "s",
       "store service time per RPC on each side (exchange-facts.md: averaged RPC latency above "
       "50 ms is a warning; a healthy store answers in a few ms); with item_server_time chosen so "
       "that one thread on a LAN moves 8-15 items/s (Priasoft)"},
      {"item_server_time", Dimension::time, 0.025, 0, "s",
       "store work per item not bound by CPU (folder and property handling); with rpc_server_time "
       "it puts one LAN thread at about 10 items/s for average mailboxes (Priasoft: 8-15, range "
       "1-35)"},
      {"move_chunk_size", Dimension::size, 32e6, 32e6, "B",
       "DESIGN.md: a move is a handful of activities per chunk of tens of MB"},
      {"database_ios_per_item", std::nullopt, 2, 0, "I/Os",
       "model choice: an item costs a message-table and an attachment/property page "
       "lookup beyond its own pages (unverified)"},
      {"move_cpu_cycles_per_item", std::nullopt, 2e6, 0, "cycles",
       "model choice: about 1 ms of one 2 GHz core per item on each side (unverified)"},
      {"move_cpu_cycles_per_byte", std::nullopt, 10, 0, "cycles",
       "model choice: MAPI property encoding and checksums, ~10 cycles per byte (unverified)"},
      {"tcp_window", Dimension::size, 65536, 0, "B",
       "Windows Server 2003 default TCP receive window 64 KiB (no window scaling): one RPC "
       "stream moves at most window / RTT"},
      {"log_bytes_per_moved_byte", std::nullopt, 1.0, 1.0, "B/B",
       "exchange-facts.md: target transaction logs grow by about the size of the moved data"},
      {"bad_item_rate", std::nullopt, 2e-6, 0, "per item",
       "model choice: one unreadable item in 500,000, so that about 1.5 % of 300 MB / 7,500-item "
       "mailboxes fail with bad_item_limit 0 (unverified; legacy stores vary widely)"},
      {"backup_io_size", Dimension::size, 65536, 65536, "B",
       "ESE streaming backup reads the database in 64 KB blocks (unverified): one disk I/O "
       "per 64 KB, against the database disk's IOPS"},
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
void set_constant(CostModel& m, std::string_view name, double v) {
  if (name == "rpc_round_trips_per_item")
    m.rpc_round_trips_per_item = v;
  else if (name == "item_server_time")
    m.item_server_time = Seconds{v};
  else if (name == "rpc_server_time")
    m.rpc_server_time = Seconds{v};
  else if (name == "move_chunk_size")
    m.move_chunk_size = Bytes{v};
  else if (name == "database_ios_per_item")
    m.database_ios_per_item = v;
  else if (name == "move_cpu_cycles_per_item")
    m.move_cpu_cycles_per_item = v;
  else if (name == "move_cpu_cycles_per_byte")
    m.move_cpu_cycles_per_byte = v;
  else if (name == "tcp_window")
    m.tcp_window = Bytes{v};
  else if (name == "log_bytes_per_moved_byte")
    m.log_bytes_per_moved_byte = v;
  else if (name == "bad_item_rate")
    m.bad_item_rate = v;
  else if (name == "backup_io_size")
    m.backup_io_size = Bytes{v};
  else
    throw std::logic_error("calibration constant without a CostModel field: " + std::string(name));
}
}  // namespace

CostModel CostModel::from(const Calibration& calibration) {
  CostModel m;
  m.ideal = calibration.mode == CalibrationMode::ideal;
  for (const CalibrationConstant& c : calibration_constants()) {
    set_constant(m, c.name, m.ideal ? c.ideal : c.realistic);
  }
  for (const CalibrationOverride& o : calibration.overrides) set_constant(m, o.name, o.base_value);
  return m;
}

double CostModel::get(std::string_view name) const {
  if (name == "rpc_round_trips_per_item") return rpc_round_trips_per_item;
  if (name == "item_server_time") return item_server_time.value;
  if (name == "rpc_server_time") return rpc_server_time.value;
  if (name == "move_chunk_size") return move_chunk_size.value;
  if (name == "database_ios_per_item") return database_ios_per_item;
  if (name == "move_cpu_cycles_per_item") return move_cpu_cycles_per_item;
  if (name == "move_cpu_cycles_per_byte") return move_cpu_cycles_per_byte;
  if (name == "tcp_window") return tcp_window.value;
  if (name == "log_bytes_per_moved_byte") return log_bytes_per_moved_byte;
  if (name == "bad_item_rate") return bad_item_rate;
  if (name == "backup_io_size") return backup_io_size.value;
  throw std::logic_error("unknown calibration constant: " + std::string(name));
}

}  // namespace coexlab
