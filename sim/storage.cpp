#include "storage.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include <simgrid/s4u.hpp>

// `--log coexlab_storage.thres:verbose`: dismounts and remounts as they happen.
XBT_LOG_EXTERNAL_CATEGORY(coexlab);
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(coexlab_storage, coexlab,
                                "coexlab: database dismounts and remounts");

namespace coexlab::sim {

Storage::Storage(const Scenario& s, const std::vector<Mailbox>& mailboxes,
                 std::vector<SimEvent>& events)
    : s_(s), events_(events), servers_(s.servers.size()) {
  for (const Mailbox& m : mailboxes) servers_[size_t(m.server)].database_used_bytes += m.size.value;
}

Bytes Storage::log_space_left(int server) const {
  const LogDisk& disk = s_.servers[size_t(server)].hardware.log_disk;
  if (disk.circular_logging) return Bytes{std::numeric_limits<double>::infinity()};
  return Bytes{std::max(0.0, disk.capacity.value - at(server).log_used_bytes)};
}

void Storage::write_user_logs(int server, double bytes, Seconds now) {
  const LogDisk& disk = s_.servers[size_t(server)].hardware.log_disk;
  if (disk.circular_logging || bytes <= 0) return;
  Levels& st = servers_[size_t(server)];
  st.log_used_bytes += bytes;
  if (st.log_used_bytes > disk.capacity.value) {
    st.log_used_bytes = disk.capacity.value;
    dismount_log_full(server, now);
  }
}

bool Storage::reserve_chunk(int server, double bytes, double log_bytes, Seconds now) {
  const Hardware& hw = s_.servers[size_t(server)].hardware;
  Levels& st = servers_[size_t(server)];
  if (hw.database_disk.capacity &&
      st.database_used_bytes + bytes > hw.database_disk.capacity->value) {
    dismount_database_full(server, now, bytes);
    return false;
  }
  if (!hw.log_disk.circular_logging) {
    if (st.log_used_bytes + log_bytes > hw.log_disk.capacity.value) {
      dismount_log_full(server, now);
      return false;
    }
    st.log_used_bytes += log_bytes;
  }
  st.database_used_bytes += bytes;
  return true;
}

void Storage::release_database(int server, double bytes) {
  servers_[size_t(server)].database_used_bytes -= bytes;
}

void Storage::record(SimEvent e) {
  XBT_VERB("%s: %s", std::string(to_string(e.kind)).c_str(), describe(e).c_str());
  events_.push_back(std::move(e));
}

double Storage::backup_bytes(int server) const {
  return std::max(0.0, at(server).database_used_bytes);
}

bool Storage::truncate_logs(int server, Seconds now) {
  Levels& st = servers_[size_t(server)];
  st.log_used_bytes = 0;
  if (!st.log_full) return false;
  st.log_full = false;
  if (!mounted(server)) return false;
  SimEvent e;
  e.time = now;
  e.kind = EventKind::remount;
  e.cause = EventCause::logs_truncated;
  e.server = s_.servers[size_t(server)].name;
  e.resource = e.server + "/log_space";
  record(std::move(e));
  return true;
}

std::optional<SimEvent> Storage::set_full(int server, bool Levels::*full, EventCause cause,
                                          const char* resource, Seconds now) {
  Levels& st = servers_[size_t(server)];
  if (st.*full) return std::nullopt;
  const bool was_mounted = mounted(server);
  st.*full = true;
  if (!was_mounted) return std::nullopt;  // the other reason dismounted them already
  SimEvent e;
  e.time = now;
  e.kind = EventKind::dismount;
  e.cause = cause;
  e.server = s_.servers[size_t(server)].name;
  e.resource = e.server + "/" + resource;
  return e;
}

void Storage::dismount_log_full(int server, Seconds now) {
  auto e = set_full(server, &Levels::log_full, EventCause::log_disk_full, "log_space", now);
  if (!e) return;
  const Server& sv = s_.servers[size_t(server)];
  e->used = Bytes{at(server).log_used_bytes};
  e->capacity = sv.hardware.log_disk.capacity;
  e->no_backup = !sv.backup;
  record(std::move(*e));
}

void Storage::dismount_database_full(int server, Seconds now, double chunk_bytes) {
  auto e = set_full(server, &Levels::database_full, EventCause::database_disk_full,
                    "database_space", now);
  if (!e) return;
  e->used = Bytes{at(server).database_used_bytes};
  e->capacity = *s_.servers[size_t(server)].hardware.database_disk.capacity;
  e->needed = Bytes{chunk_bytes};
  record(std::move(*e));
}

// A streaming backup reads large sequential blocks: on the database disk (a link of iops x
// page bytes/s) a backup_io_size read costs one page, so its bytes and its throughput cap
// both scale by page_size / backup_io_size.
Backup::Backup(const Scenario& s, const CostModel& cost, Platform& platform, Storage& storage,
               int server, std::function<void()> on_remount)
    : s_(s),
      cost_(cost),
      platform_(platform),
      storage_(storage),
      server_(server),
      on_remount_(std::move(on_remount)) {
  const Server& sv = s.servers[size_t(server)];
  const ServerPlatform& sp = platform.server(server);
  const double scale = sp.page_size / cost.backup_io_size.value;
  sg4::Link* limit =
      platform.add_rate_limit("backup:" + sv.name, sv.backup->throughput.value * scale);
  channel_ = platform.add_channel("backup:" + sv.name,
                                  {sg4::LinkInRoute(sp.database_disk), sg4::LinkInRoute(limit)});
}

void Backup::operator()() const {
  const Server& sv = s_.servers[size_t(server_)];
  const Site& site = *s_.find_site(sv.site);
  const double horizon_s = s_.simulation.horizon.value;
  // Seconds from start to local midnight of day 0, on the site's clock.
  const double local_start =
      double(s_.start.hour * 3600 + s_.start.minute * 60 + s_.start.second) + site.utc_offset.value;
  double next = sv.backup->at.value - local_start;
  while (next < 0) next += 86400;
  while (next < horizon_s) {
    sg4::this_actor::sleep_until(next);
    const double bytes = storage_.backup_bytes(server_);
    if (bytes >= 1) {
      const double scale = platform_.server(server_).page_size / cost_.backup_io_size.value;
      start_flow(channel_, bytes * scale)->wait();
    }
    if (storage_.truncate_logs(server_, Seconds{sg4::Engine::get_clock()}) && on_remount_)
      on_remount_();
    next += 86400;
  }
}

}  // namespace coexlab::sim
