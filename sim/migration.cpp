#include "migration.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include "move_cost.hpp"
#include "move_estimate.hpp"
#include "random.hpp"
#include "scheduler.hpp"

// `--log coexlab_migration.thres:verbose` (debug messages are compiled out under NDEBUG, so
// verbose, the level above): the model's decisions, not only the engine's.
XBT_LOG_EXTERNAL_CATEGORY(coexlab);
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(coexlab_migration, coexlab,
                                "coexlab: the scheduler's decisions, dismounts, remounts, cancels");

namespace coexlab::sim {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}

// Where a move runs its data flow: the channel over the whole path (the predictor's view of
// the same path is coexlab::MovePath, models/move_estimate.hpp).
struct MoveChannel {
  Channel data;
  Seconds setup_latency{0};  // one way, source -> mover -> target
  Seconds rtt_sum{0};        // round trip of the source leg + round trip of the target leg
  Seconds rtt_max{0};        // the slower leg's round trip: bounds a TCP window
};

// The simulator is also what the schedulers query about live per-server state.
class MigrationModel final : private ResourceView {
 public:
  MigrationModel(const Scenario& s, const CostModel& cost, Platform& platform, Recording& recording,
                 std::vector<ServerState>& servers, std::unique_ptr<MoveScheduler> scheduler)
      : s_(s), cost_(cost), platform_(platform), rec_(recording), servers_(servers) {
    mailboxes_ = generate_mailboxes(s);
    queue_ = build_move_queue(s, mailboxes_);
    windows_ = expand_windows(s.migration.windows, s.start, s.simulation.horizon);
    horizon_ = s.simulation.horizon.value;
    mover_ = s.server_index(s.migration.mover);
    scheduler_ = scheduler ? std::move(scheduler) : make_scheduler(s.migration.scheduler);
    if (!scheduler_) throw std::invalid_argument("unknown scheduler " + s.migration.scheduler);
    estimator_ = std::make_unique<MoveEstimator>(s, cost, mailboxes_, queue_);
    recent_window_ = s.simulation.sample_interval.value;
    recent_source_.resize(s.servers.size());
    recent_target_.resize(s.servers.size());
    for (const MoveRequest& r : queue_) pending_.push_back(r.queue_index);
    attempts_.assign(queue_.size(), 0);
    queued_at_.assign(queue_.size(), 0.0);
    for (const MoveRequest& r : queue_)
      queued_at_[size_t(r.queue_index)] = std::max(0.0, r.not_before.value);
    bad_items_.reserve(queue_.size());
    for (const MoveRequest& r : queue_) {
      bad_items_.push_back(draw_bad_items(cost_, s_.seed, mailboxes_[size_t(r.mailbox)],
                                          s_.migration.bad_item_limit));
    }
    for (size_t i = 0; i < s.servers.size(); ++i) {
      db_in_flight_src_.emplace_back(s.servers[i].databases.size(), 0);
      db_in_flight_tgt_.emplace_back(s.servers[i].databases.size(), 0);
    }
    srv_in_flight_src_.assign(s.servers.size(), 0);
    srv_in_flight_tgt_.assign(s.servers.size(), 0);
    make_paths();
    make_backup_channels();
  }

  void start() {
    mutex_ = sg4::Mutex::create();
    wake_ = sg4::ConditionVariable::create();
    sg4::Host* host = platform_.server(mover_).host;
    threads_running_ = s_.migration.max_threads;
    for (int t = 1; t <= s_.migration.max_threads; ++t) {
      sg4::Actor::create(fmt::format("mover-{}", t), host, [this, t] { thread_main(t); });
    }
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      if (s_.servers[i].backup) {
        sg4::Actor::create("backup-" + s_.servers[i].name, platform_.server(int(i)).host,
                           [this, i] { backup_main(int(i)); })
            ->daemonize();
      }
    }
  }

  void finish(double end_time) {
    for (MoveAttempt& a : rec_.attempts) {
      if (a.state == MoveState::unfinished && a.end.value == 0) a.end = Seconds{end_time};
    }
    const bool unfinished =
        std::any_of(rec_.attempts.begin(), rec_.attempts.end(),
                    [](const MoveAttempt& a) { return a.state == MoveState::unfinished; });
    if (!pending_.empty() || !in_flight_.empty() || unfinished) rec_.reached_horizon = true;
    rec_.stopped_by = StopReason::done;
    if (rec_.reached_horizon) stop_reason(end_time);
  }

  // Work is left: stalled when nothing in the run could ever start it again (no move window
  // opens any more, or every request left needs a server dismounted for good), else the
  // horizon cut it.
  void stop_reason(double end_time) {
    // What is left: the requests waiting, and those whose attempt the end cut (unfinished).
    std::vector<int> requests = pending_;
    for (const MoveAttempt& a : rec_.attempts) {
      if (a.state == MoveState::unfinished) requests.push_back(a.queue_index);
    }
    const size_t left = requests.size();
    bool recurring = s_.migration.windows.empty();
    for (const Window& w : s_.migration.windows) recurring = recurring || w.weekly;
    if (!recurring && !window_at_or_after(windows_, Seconds{end_time})) {
      rec_.stopped_by = StopReason::stalled;
      rec_.stop_detail = fmt::format("{} mailboxes left and no move window opens again", left);
      return;
    }
    std::map<std::string, int> blocked;  // why, and how many requests
    for (int q : requests) {
      const MoveRequest& r = queue_[size_t(q)];
      std::string why;
      for (int server : {r.source_server, r.target_server}) {
        const ServerState& st = servers_[size_t(server)];
        const Server& sv = s_.servers[size_t(server)];
        if (st.database_full)
          why = sv.name + "'s database disk is full";
        else if (st.log_full && !sv.backup)
          why = sv.name + "'s log disk is full and no backup truncates it";
        if (!why.empty()) break;
      }
      if (why.empty()) {
        rec_.stopped_by = StopReason::horizon;
        rec_.stop_detail = fmt::format("{} mailboxes left when the horizon came", left);
        return;
      }
      ++blocked[why];
    }
    rec_.stopped_by = StopReason::stalled;
    std::string causes;
    for (const auto& [why, n] : blocked) {
      causes += fmt::format("{}{} ({} mailboxes)", causes.empty() ? "" : "; ", why, n);
    }
    rec_.stop_detail = fmt::format("{} mailboxes left, none can move again: {}", left, causes);
  }

  // The end of the simulated period: the last thread's stop (or the engine's clock).
  double finished_at(double engine_clock) const {
    return finished_at_ >= 0 ? finished_at_ : engine_clock;
  }
  const std::vector<Mailbox>& mailboxes() const { return mailboxes_; }
  const std::vector<MoveRequest>& queue() const { return queue_; }
  void set_observer(MoveObserver* o) { observer_ = o; }

  // A full log disk dismounts the server's databases until a backup truncates the logs.
  void dismount_log_full(int server, double now) {
    ServerState& st = servers_[size_t(server)];
    if (st.log_full) return;
    const bool was_mounted = st.mounted();
    st.log_full = true;
    if (!was_mounted) return;
    const Server& sv = s_.servers[size_t(server)];
    rec_.events.push_back({Seconds{now}, "dismount",
                           fmt::format("{}: log disk full ({} of {}); databases dismounted until a "
                                       "backup truncates the logs{}",
                                       sv.name, units::format_bytes(Bytes{st.log_used}),
                                       units::format_bytes(sv.hardware.log_disk.capacity),
                                       sv.backup ? "" : " (no backup configured: never)"),
                           sv.name, sv.name + "/log_space"});
    XBT_VERB("dismount: %s", rec_.events.back().what.c_str());
  }

  // A chunk that does not fit on the database disk: the store dismounts the databases, and
  // nothing in the run frees the space again.
  void dismount_database_full(int server, double now, double chunk_bytes) {
    ServerState& st = servers_[size_t(server)];
    if (st.database_full) return;
    const bool was_mounted = st.mounted();
    st.database_full = true;
    if (!was_mounted) return;
    const Server& sv = s_.servers[size_t(server)];
    rec_.events.push_back(
        {Seconds{now}, "dismount",
         fmt::format("{}: database disk full ({} of {}, the next {} do not fit); databases "
                     "dismounted for the rest of the run",
                     sv.name, units::format_bytes(Bytes{st.database_used}),
                     units::format_bytes(*sv.hardware.database_disk.capacity),
                     units::format_bytes(Bytes{chunk_bytes})),
         sv.name, sv.name + "/database_space"});
    XBT_VERB("dismount: %s", rec_.events.back().what.c_str());
  }

 private:
  // ---- set-up -------------------------------------------------------------------------------
  void make_paths() {
    using Dir = sg4::LinkInRoute::Direction;
    for (const MoveRequest& r : queue_) {
      const auto key = std::make_pair(r.source_server, r.target_server);
      if (paths_.count(key)) continue;
      const ServerPlatform& src = platform_.server(r.source_server);
      const ServerPlatform& tgt = platform_.server(r.target_server);
      const LegLinks in = platform_.leg(r.source_server, mover_);
      const LegLinks out = platform_.leg(mover_, r.target_server);
      std::vector<sg4::LinkInRoute> links;
      links.emplace_back(src.database_disk, Dir::NONE);
      links.insert(links.end(), in.links.begin(), in.links.end());
      links.insert(links.end(), out.links.begin(), out.links.end());
      links.emplace_back(tgt.database_disk, Dir::NONE);
      links.emplace_back(tgt.log_disk, Dir::NONE);
      const std::string name =
          s_.servers[size_t(r.source_server)].name + ">" + s_.servers[size_t(r.target_server)].name;
      MoveChannel path;
      path.setup_latency = in.latency + out.latency;
      path.rtt_sum = (in.latency + out.latency) * 2.0;
      path.rtt_max = std::max(in.latency, out.latency) * 2.0;
      // Each leg is its own RPC connection: the slower leg's window / RTT bounds every
      // move's stream on this path, each on its own.
      if (const double cap = window_cap_bytes_per_s(cost_, path.rtt_max); std::isfinite(cap)) {
        links.emplace_back(platform_.add_rate_limit("window:" + name, cap), Dir::NONE);
      }
      path.data = platform_.add_channel("move:" + name, links);
      paths_.emplace(key, path);
    }
  }

  // A backup streams over the database disk at most at its throughput. On the disk link
  // (iops x page bytes/s) a backup_io_size read costs one page, so both scale by that ratio.
  void make_backup_channels() {
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      const Server& sv = s_.servers[i];
      if (!sv.backup) continue;
      const ServerPlatform& sp = platform_.server(int(i));
      const double scale = sp.page_size / cost_.backup_io_size.value;
      sg4::Link* limit =
          platform_.add_rate_limit("backup:" + sv.name, sv.backup->throughput.value * scale);
      backup_channels_.emplace(
          int(i), platform_.add_channel("backup:" + sv.name, {sg4::LinkInRoute(sp.database_disk),
                                                              sg4::LinkInRoute(limit)}));
    }
  }

  static Channel disk_channel(const ServerPlatform& sp) {
    return Channel{sp.disk_only.source, sp.disk_only.destination};
  }

  // ---- the queue ------------------------------------------------------------------------------
  struct Decision {
    int queue_index = -1;     // >= 0: start it
    double wake_at = kNever;  // otherwise: re-check no later than this
  };

  bool throttled(const MoveRequest& r) const {
    const Throttles& t = s_.migration.throttles;
    const auto over = [](const std::optional<int>& limit, int n) { return limit && n >= *limit; };
    // A store serves at most store_rpc_concurrency RPC requests at once; each move holds one
    // on its source and one on its target.
    if (cost_.store_rpc_concurrency > 0) {
      for (int server : {r.source_server, r.target_server}) {
        if (srv_in_flight_src_[size_t(server)] + srv_in_flight_tgt_[size_t(server)] >=
            cost_.store_rpc_concurrency)
          return true;
      }
    }
    return over(t.per_source_database,
                db_in_flight_src_[size_t(r.source_server)][size_t(r.source_database)]) ||
           over(t.per_target_database,
                db_in_flight_tgt_[size_t(r.target_server)][size_t(r.target_database)]) ||
           over(t.per_source_server, srv_in_flight_src_[size_t(r.source_server)]) ||
           over(t.per_target_server, srv_in_flight_tgt_[size_t(r.target_server)]);
  }

  Decision decide(double now) {
    Decision d;
    const auto window = window_at_or_after(windows_, Seconds{now});
    if (!window) return d;  // no window before the horizon
    if (!window->contains(Seconds{now})) {
      d.wake_at = window->from.value;
      return d;
    }
    eligible_.clear();
    for (int q : pending_) {
      const MoveRequest& r = queue_[size_t(q)];
      if (r.not_before.value > now) {
        d.wake_at = std::min(d.wake_at, r.not_before.value);
        continue;
      }
      if (!servers_[size_t(r.source_server)].mounted() ||
          !servers_[size_t(r.target_server)].mounted())
        continue;
      if (throttled(r)) continue;
      eligible_.push_back(q);
    }
    if (eligible_.empty()) return d;
    SchedulerContext ctx;
    ctx.now = Seconds{now};
    ctx.window = window;
    ctx.windows = windows_;
    ctx.queue = &queue_;
    ctx.mailboxes = &mailboxes_;
    ctx.in_flight = in_flight_;
    ctx.threads = s_.migration.max_threads;
    ctx.resources = this;
    ctx.estimates = estimator_.get();
    if (auto pick = scheduler_->pick(ctx, eligible_)) {
      d.queue_index = *pick;
    } else {
      // The scheduler waits: the end of the open window changes what it may start.
      d.wake_at = std::min(d.wake_at, window->to.value);
    }
    return d;
  }

  // ---- what schedulers may query (ResourceView) -----------------------------------------------
  Bytes log_space_left(int server) const override {
    const LogDisk& disk = s_.servers[size_t(server)].hardware.log_disk;
    if (disk.circular_logging) return Bytes{kNever};
    return Bytes{std::max(0.0, disk.capacity.value - servers_[size_t(server)].log_used)};
  }
  BytesPerSecond recent_throughput_source(int server) const override {
    return recent_throughput(recent_source_[size_t(server)]);
  }
  BytesPerSecond recent_throughput_target(int server) const override {
    return recent_throughput(recent_target_[size_t(server)]);
  }
  bool mounted(int server) const override { return servers_[size_t(server)].mounted(); }

  // (completion time, bytes) of the chunks that completed within the last recent_window_.
  using RecentChunks = std::deque<std::pair<double, double>>;

  BytesPerSecond recent_throughput(const RecentChunks& chunks) const {
    if (recent_window_ <= 0) return BytesPerSecond{0};
    const double since = sg4::Engine::get_clock() - recent_window_;
    double bytes = 0;
    for (const auto& [t, b] : chunks) {
      if (t > since) bytes += b;
    }
    return BytesPerSecond{bytes / recent_window_};
  }

  void note_chunk(const MoveRequest& r, double bytes) {
    const double now = sg4::Engine::get_clock();
    for (RecentChunks* chunks :
         {&recent_source_[size_t(r.source_server)], &recent_target_[size_t(r.target_server)]}) {
      chunks->emplace_back(now, bytes);
      while (!chunks->empty() && chunks->front().first <= now - recent_window_) chunks->pop_front();
    }
  }

  void take(int q) {
    pending_.erase(std::lower_bound(pending_.begin(), pending_.end(), q));
    in_flight_.push_back(q);
    count_in_flight(queue_[size_t(q)], +1);
    XBT_VERB("decision: start request %d (%zu in flight, %zu pending)", q, in_flight_.size(),
             pending_.size());
  }

  void release(int q) {
    in_flight_.erase(std::find(in_flight_.begin(), in_flight_.end(), q));
    count_in_flight(queue_[size_t(q)], -1);
  }

  void requeue(int q, double now) {
    // Back to its original place: pending is kept in queue order.
    pending_.insert(std::lower_bound(pending_.begin(), pending_.end(), q), q);
    queued_at_[size_t(q)] = now;
  }

  void count_in_flight(const MoveRequest& r, int delta) {
    db_in_flight_src_[size_t(r.source_server)][size_t(r.source_database)] += delta;
    db_in_flight_tgt_[size_t(r.target_server)][size_t(r.target_database)] += delta;
    srv_in_flight_src_[size_t(r.source_server)] += delta;
    srv_in_flight_tgt_[size_t(r.target_server)] += delta;
  }

  // ---- actors ---------------------------------------------------------------------------------
  void thread_main(int thread) {
    std::unique_lock<sg4::Mutex> lock(*mutex_);
    while (true) {
      const double now = sg4::Engine::get_clock();
      if (now >= horizon_) break;
      if (pending_.empty() && in_flight_.empty()) break;
      const Decision d = decide(now);
      if (d.queue_index >= 0) {
        take(d.queue_index);
        lock.unlock();
        run_move(d.queue_index, thread);
        lock.lock();
        // A throttle slot or a requeued mailbox may be free for an idle thread. (This thread
        // decides again itself: waking the others when none is idle only costs time.)
        if (idle_threads_ > 0) wake_->notify_all();
        continue;
      }
      // Nothing to start: wait for a move to end, a remount, or the next time-driven change.
      ++idle_threads_;
      wake_->wait_until(lock, std::min(d.wake_at, horizon_));
      --idle_threads_;
    }
    wake_->notify_all();  // let the others see that the work is done
    if (--threads_running_ == 0) {
      finished_at_ = sg4::Engine::get_clock();
      // The migration is over: stop the daemons (backups, sampler) so that the simulated
      // period ends with the last move, not at the horizon.
      sg4::Actor::kill_all();
    }
  }

  // Sleeps until `t`; false when the deadline comes first (then it has slept to the deadline).
  static bool sleep_bounded(double t, double deadline) {
    if (t > deadline) {
      sg4::this_actor::sleep_until(deadline);
      return false;
    }
    sg4::this_actor::sleep_until(t);
    return true;
  }

  // Waits until both servers are mounted; false at the deadline.
  bool wait_mounted(int a, int b, double deadline) {
    std::unique_lock<sg4::Mutex> lock(*mutex_);
    while (!servers_[size_t(a)].mounted() || !servers_[size_t(b)].mounted()) {
      if (sg4::Engine::get_clock() >= deadline) return false;
      wake_->wait_until(lock, deadline);
    }
    return true;
  }

  void run_move(int q, int thread) {
    const MoveRequest& r = queue_[size_t(q)];
    const Mailbox& m = mailboxes_[size_t(r.mailbox)];
    const MoveChannel& path = paths_.at({r.source_server, r.target_server});
    const double start = sg4::Engine::get_clock();
    const auto window = window_at_or_after(windows_, Seconds{start});
    const bool cancel_at_end = s_.migration.on_window_end == WindowEndPolicy::cancel;
    const double deadline =
        std::min(horizon_, cancel_at_end && window ? window->to.value : horizon_);

    const size_t row = rec_.attempts.size();
    {
      MoveAttempt a;
      a.queue_index = q;
      a.mailbox = r.mailbox;
      a.attempt = ++attempts_[size_t(q)];
      a.queued = Seconds{queued_at_[size_t(q)]};
      a.start = Seconds{start};
      a.thread = thread;
      a.state = MoveState::unfinished;
      rec_.attempts.push_back(a);
    }
    if (observer_) observer_->move_started(r.mailbox);
    const auto close = [&](MoveState state) {
      MoveAttempt& a = rec_.attempts[row];
      a.state = state;
      a.end = Seconds{sg4::Engine::get_clock()};
      if (!observer_) return;
      if (state == MoveState::moved)
        observer_->move_ended(r.mailbox, r.target_server, r.target_database);
      else
        observer_->move_ended(r.mailbox, r.source_server, r.source_database);
    };

    const BadItems& bad = bad_items_[size_t(q)];
    const ChunkPlan plan(cost_, m.size, m.items);  // models/move_cost.hpp
    const double per_item = per_item_time(cost_, path.rtt_sum).value;
    // Each chunk's RPC delay varies with its items (item_time_cv), seeded per attempt.
    std::vector<double> delay_factor;
    if (cost_.item_time_cv > 0) {
      RandomStream rng(s_.seed, fmt::format("rpc-delay/{}/{}", m.id, attempts_[size_t(q)]));
      delay_factor = chunk_delay_factors(cost_, plan, rng);
    }
    const Server& tgt_server = s_.servers[size_t(r.target_server)];
    ServerState& tgt_state = servers_[size_t(r.target_server)];

    double reserved = 0;  // database bytes the chunk under way holds on the target
    bool interrupted = !sleep_bounded(start + path.setup_latency.value, deadline);
    for (std::int64_t c = 0; c < plan.count() && !interrupted; ++c) {
      double bytes = plan.bytes(c);
      std::int64_t chunk_items = plan.items(c);
      const std::int64_t first_item = plan.first_item(c);
      const bool fails_here =
          bad.fail_item >= first_item && bad.fail_item < first_item + chunk_items;
      if (fails_here) {
        // The move reads up to the bad item that exceeds the limit, then gives up.
        const ChunkPlan::Part read = plan.before_item(c, bad.fail_item);
        bytes = read.bytes;
        chunk_items = read.items;
      }
      // Both databases must be mounted, and the target's logs and database disk must have
      // room for the chunk: it reserves both before it starts.
      const std::optional<Bytes>& db_capacity = tgt_server.hardware.database_disk.capacity;
      while (true) {
        if (!wait_mounted(r.source_server, r.target_server, deadline)) {
          interrupted = true;
          break;
        }
        if (db_capacity && tgt_state.database_used + bytes > db_capacity->value) {
          dismount_database_full(r.target_server, sg4::Engine::get_clock(), bytes);
          continue;
        }
        const double log_bytes = bytes * cost_.log_bytes_per_moved_byte;
        if (tgt_server.hardware.log_disk.circular_logging ||
            tgt_state.log_used + log_bytes <= tgt_server.hardware.log_disk.capacity.value) {
          if (!tgt_server.hardware.log_disk.circular_logging) tgt_state.log_used += log_bytes;
          break;
        }
        dismount_log_full(r.target_server, sg4::Engine::get_clock());
      }
      if (interrupted) break;
      tgt_state.database_used += bytes;
      reserved = bytes;
      // RPC round trips and store work per item: latency, not bandwidth.
      const double rpc_time =
          double(chunk_items) * per_item * (delay_factor.empty() ? 1.0 : delay_factor[size_t(c)]);
      if (!sleep_bounded(sg4::Engine::get_clock() + rpc_time, deadline)) {
        interrupted = true;
        break;
      }
      std::vector<sg4::ActivityPtr> running;
      if (bytes > 0) {
        running.push_back(start_flow(path.data, bytes));
      }
      // Per-item page lookups on both databases, each in its own page size.
      for (int server : {r.source_server, r.target_server}) {
        const ServerPlatform& sp = platform_.server(server);
        const double io_bytes = chunk_page_io_bytes(cost_, chunk_items, Bytes{sp.page_size});
        if (io_bytes >= 1) running.push_back(start_flow(disk_channel(sp), io_bytes));
      }
      const double cycles = chunk_cycles(cost_, bytes, chunk_items);
      if (cycles >= 1) {
        for (int server : {r.source_server, mover_, r.target_server}) {
          running.push_back(start_exec(platform_.server(server).host, cycles));
        }
      }
      try {
        for (auto& a : running) a->wait_until(deadline);
      } catch (const simgrid::TimeoutException&) {
        for (auto& a : running) {
          if (!a->test()) a->cancel();
        }
        interrupted = true;
        break;
      }
      rec_.attempts[row].bytes_copied += Bytes{bytes};
      reserved = 0;
      note_chunk(r, bytes);
      if (fails_here) {
        rec_.attempts[row].bad_items = bad.count;
        close(MoveState::failed);
        rec_.events.push_back({Seconds{sg4::Engine::get_clock()}, "failure",
                               fmt::format("{}: {} unreadable items exceed bad_item_limit {}", m.id,
                                           bad.count, s_.migration.bad_item_limit),
                               "", ""});
        release(q);
        return;
      }
    }

    if (interrupted) {
      const bool cancelled = cancel_at_end && deadline < horizon_;
      // Rolled back: the copied data is lost work; the target discards it and the chunk under
      // way (its logs stay).
      tgt_state.database_used -= rec_.attempts[row].bytes_copied.value + reserved;
      close(cancelled ? MoveState::cancelled : MoveState::unfinished);
      release(q);
      if (cancelled) {
        XBT_VERB("cancel: %s at the window's end, requeued", m.id.c_str());
        requeue(q, sg4::Engine::get_clock());
      }
      return;
    }
    rec_.attempts[row].bad_items = bad.count;
    close(MoveState::moved);
    // The mailbox now lives on the target: its space leaves the source's count of live data.
    servers_[size_t(r.source_server)].database_used -= m.size.value;
    release(q);
  }

  // Nightly backup: reads the databases at the backup's throughput (loading the database
  // disk), then truncates the logs and remounts dismounted databases.
  void backup_main(int server) {
    const Server& sv = s_.servers[size_t(server)];
    const Site& site = *s_.find_site(sv.site);
    const Channel channel = backup_channels_.at(server);
    // Seconds from start to local midnight of day 0, on the site's clock.
    const double local_start =
        double(s_.start.hour * 3600 + s_.start.minute * 60 + s_.start.second) +
        site.utc_offset.value;
    double next = sv.backup->at.value - local_start;
    while (next < 0) next += 86400;
    while (next < horizon_) {
      sg4::this_actor::sleep_until(next);
      ServerState& st = servers_[size_t(server)];
      const double bytes = std::max(0.0, st.database_used);
      if (bytes >= 1) {
        // A streaming backup reads large sequential blocks: on the database disk (a link of
        // iops x page bytes/s) it costs one page-sized I/O per backup_io_size bytes.
        const double scale = platform_.server(server).page_size / cost_.backup_io_size.value;
        start_flow(channel, bytes * scale)->wait();
      }
      st.log_used = 0;
      if (st.log_full) {
        st.log_full = false;
        if (st.mounted()) {
          rec_.events.push_back(
              {Seconds{sg4::Engine::get_clock()}, "remount",
               fmt::format("{}: backup truncated the logs; databases mounted", sv.name), sv.name,
               sv.name + "/log_space"});
          XBT_VERB("remount: %s", rec_.events.back().what.c_str());
          wake_->notify_all();
        }
      }
      next += 86400;
    }
  }

  const Scenario& s_;
  const CostModel& cost_;
  Platform& platform_;
  Recording& rec_;
  std::vector<ServerState>& servers_;

  std::vector<Mailbox> mailboxes_;
  std::vector<MoveRequest> queue_;
  std::vector<Interval> windows_;
  double horizon_ = 0;
  int mover_ = -1;
  std::unique_ptr<MoveScheduler> scheduler_;
  std::unique_ptr<MoveEstimator> estimator_;  // after mailboxes_ and queue_: it refers to them
  double recent_window_ = 0;                  // seconds of "recent" throughput
  std::vector<RecentChunks> recent_source_, recent_target_;  // by server

  std::vector<int> pending_;    // queue indices waiting, in queue order
  std::vector<int> in_flight_;  // queue indices running
  std::vector<int> eligible_;   // scratch
  std::vector<int> attempts_;
  std::vector<double> queued_at_;
  std::vector<BadItems> bad_items_;  // by queue index
  std::vector<std::vector<int>> db_in_flight_src_, db_in_flight_tgt_;
  std::vector<int> srv_in_flight_src_, srv_in_flight_tgt_;
  std::map<std::pair<int, int>, MoveChannel> paths_;
  std::map<int, Channel> backup_channels_;  // by server, for those with a backup
  MoveObserver* observer_ = nullptr;

  int threads_running_ = 0;
  int idle_threads_ = 0;     // threads waiting in thread_main for something to start
  double finished_at_ = -1;  // when the last mover thread stopped
  sg4::MutexPtr mutex_;
  sg4::ConditionVariablePtr wake_;
};

std::shared_ptr<MigrationModel> prepare_migration(const Scenario& s, const CostModel& cost,
                                                  Platform& platform, Recording& recording,
                                                  std::vector<ServerState>& servers,
                                                  std::unique_ptr<MoveScheduler> scheduler) {
  return std::make_shared<MigrationModel>(s, cost, platform, recording, servers,
                                          std::move(scheduler));
}

void start_migration(const std::shared_ptr<MigrationModel>& model) {
  model->start();
}

double finish_migration(const std::shared_ptr<MigrationModel>& model, double engine_clock) {
  const double end = model->finished_at(engine_clock);
  model->finish(end);
  return end;
}

void set_move_observer(MigrationModel& m, MoveObserver* observer) {
  m.set_observer(observer);
}

void dismount_full_log_disk(MigrationModel& m, int server) {
  m.dismount_log_full(server, sg4::Engine::get_clock());
}

const std::vector<Mailbox>& migration_mailboxes(const MigrationModel& m) {
  return m.mailboxes();
}
const std::vector<MoveRequest>& migration_queue(const MigrationModel& m) {
  return m.queue();
}

}  // namespace coexlab::sim
