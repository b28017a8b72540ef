#include "migration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include "random.hpp"

// `--log coexlab_migration.thres:verbose` (debug messages are compiled out under NDEBUG, so
// verbose, the level above): the model's decisions, not only the engine's.
XBT_LOG_EXTERNAL_CATEGORY(coexlab);
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(coexlab_migration, coexlab,
                                "coexlab: the scheduler's decisions and cancels");

namespace coexlab::sim {

namespace {

double clock_s() {
  return sg4::Engine::get_clock();
}

// Sleeps until `t`; false when the deadline comes first (then it has slept to the deadline).
bool sleep_bounded(double t, double deadline) {
  if (t > deadline) {
    sg4::this_actor::sleep_until(deadline);
    return false;
  }
  sg4::this_actor::sleep_until(t);
  return true;
}

Channel disk_channel(const ServerPlatform& sp) {
  return Channel{sp.disk_only.source, sp.disk_only.destination};
}

}  // namespace

// One mover thread (an actor): it asks the dispatcher for a request, moves it, and asks
// again, until the queue is empty or the horizon comes.
class MoverThread {
 public:
  MoverThread(MigrationModel& model, int thread) : m_(model), thread_(thread) {}
  void operator()() const;

 private:
  enum class ChunkEnd { done, interrupted };
  void run_move(int q) const;
  // Waits until both servers are mounted and the target has room for the chunk, and reserves
  // it; false at the deadline.
  bool reserve(const MoveRequest& r, double bytes, double deadline) const;
  // The chunk's RPC delay, then its flows and CPU work; false when the deadline cut it.
  bool transfer(const MoveRequest& r, const MoveChannel& path, double bytes, std::int64_t items,
                double rpc_time, double deadline) const;

  MigrationModel& m_;
  int thread_;
};

MigrationModel::MigrationModel(const Scenario& s, const CostModel& cost, Platform& platform,
                               Recording& recording, Storage& storage,
                               const std::vector<Mailbox>& mailboxes,
                               const std::vector<MoveRequest>& queue,
                               std::unique_ptr<MoveScheduler> scheduler)
    : s_(s),
      cost_(cost),
      platform_(platform),
      rec_(recording),
      storage_(storage),
      mailboxes_(mailboxes),
      queue_(queue),
      windows_(expand_windows(s.migration.windows, s.start, s.simulation.horizon)),
      horizon_s_(s.simulation.horizon.value),
      mover_(s.server_index(s.migration.mover)),
      dispatcher_(s, cost, mailboxes, queue, windows_, std::move(scheduler)),
      recent_window_s_(s.simulation.sample_interval.value) {
  recent_source_.resize(s.servers.size());
  recent_target_.resize(s.servers.size());
  attempts_.assign(queue_.size(), 0);
  bad_items_.reserve(queue_.size());
  for (const MoveRequest& r : queue_) {
    bad_items_.push_back(
        draw_bad_items(cost_, s_.seed, mailboxes_[size_t(r.mailbox)], s_.migration.bad_item_limit));
  }
  make_paths();
  for (size_t i = 0; i < s.servers.size(); ++i) {
    if (s.servers[i].backup) {
      backups_.emplace_back(s, cost, platform, storage, int(i), [this] { wake_->notify_all(); });
    }
  }
}

void MigrationModel::make_paths() {
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
    // Each leg is its own RPC connection: the slower leg's window / RTT bounds every move's
    // stream on this path, each on its own.
    if (const double cap = window_cap_bytes_per_s(cost_, path.rtt_max); std::isfinite(cap)) {
      links.emplace_back(platform_.add_rate_limit("window:" + name, cap), Dir::NONE);
    }
    path.data = platform_.add_channel("move:" + name, links);
    paths_.emplace(key, path);
  }
}

void MigrationModel::start() {
  mutex_ = sg4::Mutex::create();
  wake_ = sg4::ConditionVariable::create();
  sg4::Host* host = platform_.server(mover_).host;
  threads_running_ = s_.migration.max_threads;
  for (int t = 1; t <= s_.migration.max_threads; ++t) {
    sg4::Actor::create(fmt::format("mover-{}", t), host, MoverThread(*this, t));
  }
  size_t b = 0;
  for (size_t i = 0; i < s_.servers.size(); ++i) {
    if (s_.servers[i].backup) {
      sg4::Actor::create("backup-" + s_.servers[i].name, platform_.server(int(i)).host,
                         backups_[b++])
          ->daemonize();
    }
  }
}

Seconds MigrationModel::finish(Seconds engine_clock) {
  const double end_s = finished_at_s_.value_or(engine_clock.value);
  for (size_t row : open_rows_) rec_.attempts[row].end = Seconds{end_s};
  open_rows_.clear();
  const bool unfinished =
      std::any_of(rec_.attempts.begin(), rec_.attempts.end(),
                  [](const MoveAttempt& a) { return a.state == MoveState::unfinished; });
  if (!dispatcher_.done() || unfinished) rec_.reached_horizon = true;
  rec_.stopped_by = StopReason::done;
  if (rec_.reached_horizon) stop_reason(end_s);
  return Seconds{end_s};
}

// Work is left: stalled when nothing in the run could ever start it again (no move window
// opens any more, or every request left needs a server dismounted for good), else the
// horizon cut it.
void MigrationModel::stop_reason(double end_s) {
  // What is left: the requests waiting, and those whose attempt the end cut (unfinished).
  std::vector<int> requests = dispatcher_.pending();
  for (const MoveAttempt& a : rec_.attempts) {
    if (a.state == MoveState::unfinished) requests.push_back(a.queue_index);
  }
  const size_t left = requests.size();
  bool recurring = s_.migration.windows.empty();
  for (const Window& w : s_.migration.windows) recurring = recurring || w.weekly;
  if (!recurring && !window_at_or_after(windows_, Seconds{end_s})) {
    rec_.stopped_by = StopReason::stalled;
    rec_.stop_detail = fmt::format("{} mailboxes left and no move window opens again", left);
    return;
  }
  std::map<std::string, int> blocked;  // why, and how many requests
  for (int q : requests) {
    const MoveRequest& r = queue_[size_t(q)];
    std::string why;
    for (int server : {r.source_server, r.target_server}) {
      const Server& sv = s_.servers[size_t(server)];
      if (storage_.database_full(server))
        why = sv.name + "'s database disk is full";
      else if (storage_.log_full(server) && !sv.backup)
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

BytesPerSecond MigrationModel::recent_throughput_source(int server) const {
  return recent_throughput(recent_source_[size_t(server)]);
}
BytesPerSecond MigrationModel::recent_throughput_target(int server) const {
  return recent_throughput(recent_target_[size_t(server)]);
}

BytesPerSecond MigrationModel::recent_throughput(const RecentChunks& chunks) const {
  if (recent_window_s_ <= 0) return BytesPerSecond{0};
  const double since = clock_s() - recent_window_s_;
  double bytes = 0;
  for (const auto& [t, b] : chunks) {
    if (t > since) bytes += b;
  }
  return BytesPerSecond{bytes / recent_window_s_};
}

void MigrationModel::note_chunk(const MoveRequest& r, double bytes) {
  const double now = clock_s();
  for (RecentChunks* chunks :
       {&recent_source_[size_t(r.source_server)], &recent_target_[size_t(r.target_server)]}) {
    chunks->emplace_back(now, bytes);
    while (!chunks->empty() && chunks->front().first <= now - recent_window_s_) chunks->pop_front();
  }
}

void MoverThread::operator()() const {
  std::unique_lock<sg4::Mutex> lock(*m_.mutex_);
  while (true) {
    const double now = clock_s();
    if (now >= m_.horizon_s_) break;
    if (m_.dispatcher_.done()) break;
    const DispatchDecision d = m_.dispatcher_.decide(Seconds{now}, m_);
    if (d.start) {
      m_.dispatcher_.take(*d.start);
      XBT_VERB("decision: start request %d (%zu in flight, %zu pending)", *d.start,
               m_.dispatcher_.in_flight().size(), m_.dispatcher_.pending().size());
      lock.unlock();
      run_move(*d.start);
      lock.lock();
      // A throttle slot or a requeued mailbox may be free for an idle thread. (This thread
      // decides again itself: waking the others when none is idle only costs time.)
      if (m_.idle_threads_ > 0) m_.wake_->notify_all();
      continue;
    }
    // Nothing to start: wait for a move to end, a remount, or the next time-driven change.
    ++m_.idle_threads_;
    m_.wake_->wait_until(lock,
                         d.wake_at ? std::min(d.wake_at->value, m_.horizon_s_) : m_.horizon_s_);
    --m_.idle_threads_;
  }
  m_.wake_->notify_all();  // let the others see that the work is done
  if (--m_.threads_running_ == 0) {
    m_.finished_at_s_ = clock_s();
    // The migration is over: stop the daemons (backups, sampler) so that the simulated
    // period ends with the last move, not at the horizon.
    sg4::Actor::kill_all();
  }
}

bool MoverThread::reserve(const MoveRequest& r, double bytes, double deadline) const {
  const double log_bytes = bytes * m_.cost_.log_bytes_per_moved_byte;
  std::unique_lock<sg4::Mutex> lock(*m_.mutex_);
  while (true) {
    while (!m_.storage_.mounted(r.source_server) || !m_.storage_.mounted(r.target_server)) {
      if (clock_s() >= deadline) return false;
      m_.wake_->wait_until(lock, deadline);
    }
    lock.unlock();
    if (m_.storage_.reserve_chunk(r.target_server, bytes, log_bytes, Seconds{clock_s()}))
      return true;
    lock.lock();
  }
}

bool MoverThread::transfer(const MoveRequest& r, const MoveChannel& path, double bytes,
                           std::int64_t items, double rpc_time, double deadline) const {
  // RPC round trips and store work per item: latency, not bandwidth.
  if (!sleep_bounded(clock_s() + rpc_time, deadline)) return false;
  std::vector<sg4::ActivityPtr> running;
  if (bytes > 0) running.emplace_back(start_flow(path.data, bytes));
  // Per-item page lookups on both databases, each in its own page size.
  for (int server : {r.source_server, r.target_server}) {
    const ServerPlatform& sp = m_.platform_.server(server);
    const double io_bytes = chunk_page_io_bytes(m_.cost_, items, Bytes{sp.page_size});
    if (io_bytes >= 1) running.emplace_back(start_flow(disk_channel(sp), io_bytes));
  }
  const double cycles = chunk_cycles(m_.cost_, bytes, items);
  if (cycles >= 1) {
    for (int server : {r.source_server, m_.mover_, r.target_server}) {
      running.emplace_back(start_exec(m_.platform_.server(server).host, cycles));
    }
  }
  try {
    for (auto& a : running) a->wait_until(deadline);
  } catch (const simgrid::TimeoutException&) {
    for (auto& a : running) {
      if (!a->test()) a->cancel();
    }
    return false;
  }
  return true;
}

void MoverThread::run_move(int q) const {
  const MoveRequest& r = m_.queue_[size_t(q)];
  const Mailbox& mb = m_.mailboxes_[size_t(r.mailbox)];
  const MoveChannel& path = m_.paths_.at({r.source_server, r.target_server});
  const double start = clock_s();
  const auto window = window_at_or_after(m_.windows_, Seconds{start});
  const bool cancel_at_end = m_.s_.migration.on_window_end == WindowEndPolicy::cancel;
  const double deadline =
      std::min(m_.horizon_s_, cancel_at_end && window ? window->to.value : m_.horizon_s_);

  const size_t row = m_.rec_.attempts.size();
  const int attempt = ++m_.attempts_[size_t(q)];
  {
    MoveAttempt a;
    a.queue_index = q;
    a.mailbox = r.mailbox;
    a.attempt = attempt;
    a.queued = m_.dispatcher_.queued_at(q);
    a.start = Seconds{start};
    a.thread = thread_;
    a.state = MoveState::unfinished;
    m_.rec_.attempts.push_back(a);
    m_.open_rows_.push_back(row);
  }
  if (m_.observer_) m_.observer_->move_started(r.mailbox);
  const auto close = [&](MoveState state) {
    MoveAttempt& a = m_.rec_.attempts[row];
    a.state = state;
    a.end = Seconds{clock_s()};
    m_.open_rows_.erase(std::find(m_.open_rows_.begin(), m_.open_rows_.end(), row));
    if (!m_.observer_) return;
    if (state == MoveState::moved)
      m_.observer_->move_ended(r.mailbox, r.target_server, r.target_database);
    else
      m_.observer_->move_ended(r.mailbox, r.source_server, r.source_database);
  };

  const BadItems& bad = m_.bad_items_[size_t(q)];
  const ChunkPlan plan(m_.cost_, mb.size, mb.items);  // models/move_cost.hpp
  const Seconds per_item = per_item_time(m_.cost_, path.rtt_sum);
  // Each chunk's RPC delay varies with its items (item_time_cv), seeded per attempt.
  const std::vector<double> delay_factor =
      attempt_delay_factors(m_.cost_, plan, m_.s_.seed, mb.id, attempt);

  double reserved = 0;  // database bytes the chunk under way holds on the target
  bool interrupted = !sleep_bounded(start + path.setup_latency.value, deadline);
  for (std::int64_t c = 0; c < plan.count() && !interrupted; ++c) {
    double bytes = plan.bytes(c);
    std::int64_t chunk_items = plan.items(c);
    const std::int64_t first_item = plan.first_item(c);
    const bool fails_here = bad.fail_item >= first_item && bad.fail_item < first_item + chunk_items;
    if (fails_here) {
      // The move reads up to the bad item that exceeds the limit, then gives up.
      const ChunkPlan::Part read = plan.before_item(c, bad.fail_item);
      bytes = read.bytes;
      chunk_items = read.items;
    }
    // Both databases must be mounted, and the target's logs and database disk must have
    // room for the chunk: it reserves both before it starts.
    if (!reserve(r, bytes, deadline)) {
      interrupted = true;
      break;
    }
    reserved = bytes;
    const double rpc_time = chunk_rpc_delay(chunk_items, per_item, delay_factor, c);
    if (!transfer(r, path, bytes, chunk_items, rpc_time, deadline)) {
      interrupted = true;
      break;
    }
    m_.rec_.attempts[row].bytes_copied += Bytes{bytes};
    reserved = 0;
    m_.note_chunk(r, bytes);
    if (fails_here) {
      m_.rec_.attempts[row].bad_items = bad.count;
      close(MoveState::failed);
      SimEvent e;
      e.time = Seconds{clock_s()};
      e.kind = EventKind::failure;
      e.cause = EventCause::bad_items;
      e.mailbox = mb.id;
      e.bad_items = bad.count;
      e.bad_item_limit = m_.s_.migration.bad_item_limit;
      m_.rec_.events.push_back(std::move(e));
      m_.dispatcher_.release(q);
      return;
    }
  }

  if (interrupted) {
    const bool cancelled = cancel_at_end && deadline < m_.horizon_s_;
    // Rolled back: the copied data is lost work; the target discards it and the chunk under
    // way (its logs stay).
    m_.storage_.release_database(r.target_server,
                                 m_.rec_.attempts[row].bytes_copied.value + reserved);
    close(cancelled ? MoveState::cancelled : MoveState::unfinished);
    m_.dispatcher_.release(q);
    if (cancelled) {
      XBT_VERB("cancel: %s at the window's end, requeued", mb.id.c_str());
      m_.dispatcher_.requeue(q, Seconds{clock_s()});
    }
    return;
  }
  m_.rec_.attempts[row].bad_items = bad.count;
  close(MoveState::moved);
  // The mailbox now lives on the target: its space leaves the source's count of live data.
  m_.storage_.release_database(r.source_server, mb.size.value);
  m_.dispatcher_.release(q);
}

}  // namespace coexlab::sim
