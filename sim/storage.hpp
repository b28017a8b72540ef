// Per-server storage during the run (SPEC §1): the space the transaction logs and the
// databases use, and whether the databases are mounted. The moves and the users' logs fill
// it; a full log disk dismounts the server's databases until the nightly backup truncates
// the logs; a chunk that does not fit on the database disk dismounts them for good (nothing
// in the run frees the space; an administrator would have to). Each dismount and remount is
// recorded as an event.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "platform.hpp"
#include "recording.hpp"
#include "scenario.hpp"

namespace coexlab::sim {

class Storage {
 public:
  // Every mailbox's size counts on its server's databases from the start. `events` receives
  // the dismounts and remounts; it and `s` must outlive the storage.
  Storage(const Scenario& s, const std::vector<Mailbox>& mailboxes, std::vector<SimEvent>& events);

  bool mounted(int server) const { return !at(server).log_full && !at(server).database_full; }
  // Dismounted for good by a full database disk.
  bool database_full(int server) const { return at(server).database_full; }
  // Dismounted by a full log disk, until a backup truncates the logs.
  bool log_full(int server) const { return at(server).log_full; }
  double log_used_bytes(int server) const { return at(server).log_used_bytes; }
  // In the databases, and reserved by the chunks under way.
  double database_used_bytes(int server) const { return at(server).database_used_bytes; }
  // Room left before the log disk fills; infinite with circular logging.
  Bytes log_space_left(int server) const;

  // The users' transaction logs: they fill the log disk up to its capacity, and a full disk
  // dismounts the databases. Nothing with circular logging.
  void write_user_logs(int server, double bytes, Seconds now);
  // A move's chunk reserves its bytes on the target's database disk and their logs on its log
  // disk before it starts. False when either does not fit: that disk dismounts the databases
  // (the chunk waits for a remount).
  bool reserve_chunk(int server, double bytes, double log_bytes, Seconds now);
  // Database bytes that leave a server: a rolled-back move's, a moved mailbox's on its source.
  void release_database(int server, double bytes);
  // What a backup reads: the databases' live bytes.
  double backup_bytes(int server) const;
  // A backup truncates the logs; true when that remounted the databases.
  bool truncate_logs(int server, Seconds now);

 private:
  struct Levels {
    double log_used_bytes = 0;       // transaction logs not yet truncated
    double database_used_bytes = 0;  // in the databases (and reserved by chunks under way)
    bool log_full = false;
    bool database_full = false;
  };
  const Levels& at(int server) const { return servers_[size_t(server)]; }
  void dismount_log_full(int server, Seconds now);
  void dismount_database_full(int server, Seconds now, double chunk_bytes);
  // Marks one of the two reasons for a dismount (a full log disk, a full database disk);
  // the dismount's event, to be completed, when that took the databases off line.
  std::optional<SimEvent> set_full(int server, bool Levels::*full, EventCause cause,
                                   const char* resource, Seconds now);
  // A dismount or remount: kept for the results, and logged (coexlab_storage) as it happens.
  void record(SimEvent e);

  const Scenario& s_;
  std::vector<SimEvent>& events_;
  std::vector<Levels> servers_;  // by server
};

// The nightly backup of one server (an actor): at the backup's local time it reads the
// databases at the backup's throughput (loading the database disk), then truncates the logs.
class Backup {
 public:
  // Creates the backup's channel (before Platform::seal). `on_remount` is called when a
  // truncation remounts the databases.
  Backup(const Scenario& s, const CostModel& cost, Platform& platform, Storage& storage, int server,
         std::function<void()> on_remount);
  void operator()() const;

 private:
  const Scenario& s_;
  const CostModel& cost_;
  Platform& platform_;
  Storage& storage_;
  int server_;
  std::function<void()> on_remount_;
  Channel channel_;
};

}  // namespace coexlab::sim
