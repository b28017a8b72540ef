// The Move-Mailbox model (SPEC §1): a pool of `max_threads` mover threads takes requests
// from the queue as the scheduler picks them, and moves each one as a chunked pipeline:
//
//   once per move:   the route latency (source -> mover -> target), connection set-up
//   per chunk:       items x (RPC round trips per item x both legs' RTT + store time per item)
//                    then one flow of the chunk's bytes over every resource of the path
//                    (source database disk, network to the mover and on to the target,
//                    target database disk, target log disk), capped at tcp_window / RTT,
//                    beside the per-item page I/O on both databases and the CPU work on
//                    source, mover and target.
//
// The target's transaction logs fill with the moved bytes unless circular logging is on; a
// full log disk dismounts that server's databases until a backup truncates the logs; a chunk
// that does not fit on the target's database disk dismounts its databases for good. Moves
// start only inside a window; on its end they finish or are cancelled (rolled back and
// requeued in place). Bad items past bad_item_limit fail a mailbox.
#pragma once

#include <memory>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "platform.hpp"
#include "recording.hpp"
#include "scenario.hpp"
#include "scheduler.hpp"
#include "windows.hpp"

namespace coexlab::sim {

// Per-server levels that the moves (and later the users) change.
struct ServerState {
  double log_used = 0;         // bytes of transaction logs not yet truncated
  double database_used = 0;    // bytes in the databases (and reserved by chunks under way)
  bool log_full = false;       // dismounted by a full log disk, until a backup truncates the logs
  bool database_full = false;  // dismounted by a full database disk: for good (nothing in the
                               // run frees the space; an administrator would have to)
  bool mounted() const { return !log_full && !database_full; }
};

class MigrationModel;

// Told when a mailbox goes offline for a move and where it lives when the attempt ends (the
// users' load follows their mailboxes: sim/mail_flow.hpp).
class MoveObserver {
 public:
  virtual ~MoveObserver() = default;
  virtual void move_started(int mailbox) = 0;
  // `server`, `database`: where the mailbox is now (the target if it moved, else the source).
  virtual void move_ended(int mailbox, int server, int database) = 0;
};

// Creates the channels the moves need (before Platform::seal) and, after sealing, the
// actors. The model lives until the engine is done; read the recording afterwards.
// `scheduler`: nullptr takes migration.scheduler from the registry.
std::shared_ptr<MigrationModel> prepare_migration(
    const Scenario& s, const CostModel& cost, Platform& platform, Recording& recording,
    std::vector<ServerState>& servers, std::unique_ptr<MoveScheduler> scheduler = nullptr);
void start_migration(const std::shared_ptr<MigrationModel>& model);
// Closes the rows of moves still running as unfinished; returns the end of the simulated
// period (the last mover thread's stop).
double finish_migration(const std::shared_ptr<MigrationModel>& model, double engine_clock);

void set_move_observer(MigrationModel& m, MoveObserver* observer);
// A log disk that something else filled (the users' logs): dismounts like a move would.
void dismount_full_log_disk(MigrationModel& m, int server);

// Queue size, for summaries.
const std::vector<Mailbox>& migration_mailboxes(const MigrationModel& m);
const std::vector<MoveRequest>& migration_queue(const MigrationModel& m);

}  // namespace coexlab::sim
