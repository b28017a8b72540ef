// The Move-Mailbox model (SPEC §1): a pool of `max_threads` mover threads takes requests
// from the queue as the dispatcher and its scheduler pick them (models/dispatcher.hpp), and
// moves each one as a chunked pipeline:
//
//   once per move:   the route latency (source -> mover -> target), connection set-up
//   per chunk:       items x (RPC round trips per item x both legs' RTT + store time per item)
//                    then one flow of the chunk's bytes over every resource of the path
//                    (source database disk, network to the mover and on to the target,
//                    target database disk, target log disk), capped at tcp_window / RTT,
//                    beside the per-item page I/O on both databases and the CPU work on
//                    source, mover and target.
//
// A chunk reserves room on the target's log and database disks first (sim/storage.hpp): a
// full disk dismounts the target's databases. Moves start only inside a window; on its end
// they finish or are cancelled (rolled back and requeued in place). Bad items past
// bad_item_limit fail a mailbox.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "calibration.hpp"
#include "dispatcher.hpp"
#include "mailboxes.hpp"
#include "move_cost.hpp"
#include "platform.hpp"
#include "recording.hpp"
#include "scenario.hpp"
#include "scheduler.hpp"
#include "storage.hpp"
#include "windows.hpp"

namespace coexlab::sim {

// Told when a mailbox goes offline for a move and where it lives when the attempt ends (the
// users' load follows their mailboxes: sim/mail_flow.hpp).
class MoveObserver {
 public:
  virtual ~MoveObserver() = default;
  virtual void move_started(int mailbox) = 0;
  // `server`, `database`: where the mailbox is now (the target if it moved, else the source).
  virtual void move_ended(int mailbox, int server, int database) = 0;
};

// Where a move runs its data flow: the channel over the whole path (the predictor's view of
// the same path is coexlab::MovePath, models/move_estimate.hpp).
struct MoveChannel {
  Channel data;
  Seconds setup_latency{0};  // one way, source -> mover -> target
  Seconds rtt_sum{0};        // round trip of the source leg + round trip of the target leg
  Seconds rtt_max{0};        // the slower leg's round trip: bounds a TCP window
};

class MigrationModel final : private ResourceView {
 public:
  // Creates the channels the moves and the backups need (call before Platform::seal).
  // `mailboxes` and `queue` as simulate() generated them; they, the storage and the
  // recording must outlive the model. `scheduler`: nullptr takes migration.scheduler from
  // the registry.
  MigrationModel(const Scenario& s, const CostModel& cost, Platform& platform, Recording& recording,
                 Storage& storage, const std::vector<Mailbox>& mailboxes,
                 const std::vector<MoveRequest>& queue, std::unique_ptr<MoveScheduler> scheduler);

  void set_observer(MoveObserver* observer) { observer_ = observer; }
  // After Platform::seal: the mover threads and the backups.
  void start();
  // After the engine ran: closes the rows of moves still running as unfinished and says why
  // the migration stopped; returns the end of the simulated period (the last mover thread's
  // stop, else the engine's clock).
  Seconds finish(Seconds engine_clock);
  // Wall time the scheduler spent deciding (MoveDispatcher::scheduler_wall).
  std::chrono::duration<double> scheduler_wall() const { return dispatcher_.scheduler_wall(); }

 private:
  friend class MoverThread;

  // (completion time, bytes) of the chunks that completed within the last recent_window_s_.
  using RecentChunks = std::deque<std::pair<double, double>>;

  Bytes log_space_left(int server) const override { return storage_.log_space_left(server); }
  BytesPerSecond recent_throughput_source(int server) const override;
  BytesPerSecond recent_throughput_target(int server) const override;
  bool mounted(int server) const override { return storage_.mounted(server); }

  BytesPerSecond recent_throughput(const RecentChunks& chunks) const;
  void note_chunk(const MoveRequest& r, double bytes);
  void make_paths();
  void stop_reason(double end_s);

  const Scenario& s_;
  const CostModel& cost_;
  Platform& platform_;
  Recording& rec_;
  Storage& storage_;
  const std::vector<Mailbox>& mailboxes_;
  const std::vector<MoveRequest>& queue_;
  std::vector<Interval> windows_;
  double horizon_s_ = 0;
  int mover_ = -1;
  MoveDispatcher dispatcher_;                                // after windows_: it refers to them
  double recent_window_s_ = 0;                               // what "recent" throughput spans
  std::vector<RecentChunks> recent_source_, recent_target_;  // by server
  std::vector<int> attempts_;                                // by queue index
  std::vector<BadItems> bad_items_;                          // by queue index
  std::map<std::pair<int, int>, MoveChannel> paths_;         // by (source, target) server
  std::vector<Backup> backups_;                              // of the servers with a backup
  MoveObserver* observer_ = nullptr;

  int threads_running_ = 0;
  int idle_threads_ = 0;                 // threads waiting for something to start
  std::optional<double> finished_at_s_;  // when the last mover thread stopped
  std::vector<size_t> open_rows_;        // recording rows of the attempts under way
  sg4::MutexPtr mutex_;
  sg4::ConditionVariablePtr wake_;
};

}  // namespace coexlab::sim
