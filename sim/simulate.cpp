#include "simulate.hpp"

#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <unordered_map>

#include <simgrid/plugins/load.h>
#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include "atomic_file.hpp"
#include "calibration.hpp"
#include "mail_flow.hpp"
#include "migration.hpp"
#include "platform.hpp"
#include "site_graph.hpp"
#include "storage.hpp"

// The parent of coexlab's own log categories (coexlab_migration in sim/migration.cpp,
// coexlab_storage in sim/storage.cpp).
XBT_LOG_NEW_CATEGORY(coexlab, "coexlab's own log categories");

namespace coexlab::sim {
namespace {

// Cumulative counters of one resource, read at each sample.
struct Probe {
  enum class Kind { cpu, link, duplex, level } kind = Kind::cpu;
  sg4::Host* host = nullptr;
  sg4::Link* link = nullptr;       // link / duplex UP
  sg4::Link* link_down = nullptr;  // duplex DOWN
  double full_rate = 0;            // cpu: cycles/s of all cores; links: bytes/s
  std::function<double()> level;   // level: bytes used
  double level_capacity = 0;
  double last_a = 0;  // counters at the previous sample
  double last_b = 0;
};

class Sampler {
 public:
  Sampler(Recording& rec, double interval) : rec_(rec), interval_(interval) {}

  // Bytes that crossed a link beside SimGrid's flows (the users' background load).
  std::function<double(const sg4::Link*, double)> extra_bytes = [](const sg4::Link*, double) {
    return 0.0;
  };

  // SimGrid's link-load plugin integrates a link's current rate since its last update, and
  // updates only when a comm over that very link starts or ends: a rate that changes for any
  // other reason (a flow elsewhere ends, the users' load changes the link's bandwidth) would
  // be integrated wrongly. Updating a tracked link whenever simulated time advances, with the
  // rates that held during the step, makes the counts exact. Only a link that carries a flow
  // has a rate, so only those are updated: a link's flows are counted from the channels'
  // routes (Platform::channel_links) as they start (start_flow) and complete; when its first
  // flow starts, the link is updated once, which closes its idle stretch at rate 0. A flow
  // whose source is no channel makes every link count until it completes.
  void update_links_on_time_advance(const Platform& platform) {
    for (size_t i = 0; i < tracked_.size(); ++i) tracked_index_.emplace(tracked_[i], int(i));
    flows_.assign(tracked_.size(), 0);
    set_flow_observer([this, &platform](const sg4::CommPtr& c) {
      if (started_.emplace(c.get(), c).second) count_flows(platform, *c, +1);
    });
    sg4::Activity::on_completion_cb([this, &platform](const sg4::Activity& a) {
      const auto* c = dynamic_cast<const sg4::Comm*>(&a);
      if (!c) return;
      const auto it = started_.find(c);
      if (it == started_.end()) return;
      count_flows(platform, *c, -1);
      started_.erase(it);
    });
    sg4::Engine::on_time_advance_cb([this](double) {
      for (size_t i = 0; i < tracked_.size(); ++i) {
        if (flows_[i] > 0 || unknown_flows_ > 0) sg_link_get_cum_load(tracked_[i]);
      }
    });
  }

  void add(ResourceSeries series, Probe probe) {
    if (probe.link) {
      sg_link_load_track(probe.link);
      tracked_.push_back(probe.link);
    }
    if (probe.link_down) {
      sg_link_load_track(probe.link_down);
      tracked_.push_back(probe.link_down);
    }
    rec_.resources.push_back(std::move(series));
    probes_.push_back(std::move(probe));
  }

  void sample(double now) {
    const double dt = now - last_time_;
    if (dt <= 0) return;
    rec_.sample_times.push_back(now);
    for (size_t i = 0; i < probes_.size(); ++i) {
      Probe& p = probes_[i];
      std::optional<double> u;
      switch (p.kind) {
        case Probe::Kind::cpu: {
          const double flops = sg_host_get_computed_flops(p.host);
          u = (flops - p.last_a) / (dt * p.full_rate);
          p.last_a = flops;
          break;
        }
        case Probe::Kind::link: {
          const double bytes = sg_link_get_cum_load(p.link) + extra_bytes(p.link, now);
          u = (bytes - p.last_a) / (dt * p.full_rate);
          p.last_a = bytes;
          break;
        }
        case Probe::Kind::duplex: {  // the busier direction
          const double up = sg_link_get_cum_load(p.link) + extra_bytes(p.link, now);
          const double down = sg_link_get_cum_load(p.link_down) + extra_bytes(p.link_down, now);
          u = std::max(up - p.last_a, down - p.last_b) / (dt * p.full_rate);
          p.last_a = up;
          p.last_b = down;
          break;
        }
        case Probe::Kind::level:
          if (p.level_capacity > 0) u = std::max(0.0, p.level()) / p.level_capacity;
          break;
      }
      if (u) rec_.resources[i].samples.push_back(std::max(0.0, *u));
    }
    last_time_ = now;
  }

  void run_actor(double horizon) {
    for (double next = interval_; next <= horizon; next += interval_) {
      sg4::this_actor::sleep_until(next);
      sample(next);
    }
  }

 private:
  Recording& rec_;
  double interval_;
  double last_time_ = 0;
  void count_flows(const Platform& platform, const sg4::Comm& c, int delta) {
    const std::vector<const sg4::Link*>& links = platform.channel_links(c.get_source());
    if (links.empty()) {
      if (delta > 0 && unknown_flows_ == 0) {
        for (const sg4::Link* l : tracked_) sg_link_get_cum_load(l);
      }
      unknown_flows_ += delta;
      return;
    }
    for (const sg4::Link* l : links) {
      const auto it = tracked_index_.find(l);
      if (it == tracked_index_.end()) continue;
      int& n = flows_[size_t(it->second)];
      if (delta > 0 && n == 0 && unknown_flows_ == 0) sg_link_get_cum_load(l);
      n += delta;
    }
  }

  std::vector<Probe> probes_;
  std::vector<const sg4::Link*> tracked_;
  std::unordered_map<const sg4::Link*, int> tracked_index_;
  std::vector<int> flows_;  // per tracked link: comms over it now
  // Comms counted in flows_, held until they complete (an address is not reused meanwhile).
  std::unordered_map<const sg4::Comm*, sg4::CommPtr> started_;
  int unknown_flows_ = 0;  // comms whose links are not known
};

void add_probes(const Scenario& s, const CostModel& cost, const Platform& p, const Storage& storage,
                const std::vector<std::pair<int, sg4::Link*>>& hub_meters, Sampler& sampler) {
  for (size_t i = 0; i < s.servers.size(); ++i) {
    const Server& sv = s.servers[i];
    const ServerPlatform& sp = p.server(int(i));
    const double page = page_size(cost, sv).value;
    const double cpu_hz = sv.hardware.clock.value * sv.hardware.cores;
    sampler.add({sv.name + "/cpu", ResourceKind::cpu, "Hz", cpu_hz, {}},
                {Probe::Kind::cpu, sp.host, nullptr, nullptr, cpu_hz, nullptr, 0, 0, 0});
    sampler.add({sv.name + "/database_disk",
                 ResourceKind::database_disk,
                 "IOPS",
                 sv.hardware.database_disk.iops,
                 {}},
                {Probe::Kind::link, nullptr, sp.database_disk, nullptr,
                 sv.hardware.database_disk.iops * page, nullptr, 0, 0, 0});
    sampler.add({sv.name + "/log_disk",
                 ResourceKind::log_disk,
                 "B/s",
                 sv.hardware.log_disk.throughput.value,
                 {}},
                {Probe::Kind::link, nullptr, sp.log_disk, nullptr,
                 sv.hardware.log_disk.throughput.value, nullptr, 0, 0, 0});
    sampler.add(
        {sv.name + "/nic", ResourceKind::nic, "bit/s", units::bits_per_second(sv.hardware.nic), {}},
        {Probe::Kind::duplex, nullptr, sp.nic->get_link_up(), sp.nic->get_link_down(),
         sv.hardware.nic.value, nullptr, 0, 0, 0});
    sampler.add({sv.name + "/log_space",
                 ResourceKind::log_space,
                 "B",
                 sv.hardware.log_disk.capacity.value,
                 {}},
                {Probe::Kind::level, nullptr, nullptr, nullptr, 0,
                 [&storage, i] { return storage.log_used_bytes(int(i)); },
                 sv.hardware.log_disk.capacity.value, 0, 0});
    const auto& cap = sv.hardware.database_disk.capacity;
    sampler.add({sv.name + "/database_space",
                 ResourceKind::database_space,
                 "B",
                 cap ? std::optional<double>(cap->value) : std::nullopt,
                 {}},
                {Probe::Kind::level, nullptr, nullptr, nullptr, 0,
                 [&storage, i] { return storage.database_used_bytes(int(i)); },
                 cap ? cap->value : 0, 0, 0});
    // A hub's queue database shares the server's database disk; its own I/O crosses a meter.
    for (const auto& [server, meter] : hub_meters) {
      if (server != int(i)) continue;
      sampler.add({sv.name + "/hub_queue_disk",
                   ResourceKind::hub_queue_disk,
                   "IOPS",
                   sv.hardware.database_disk.iops,
                   {}},
                  {Probe::Kind::link, nullptr, meter, nullptr,
                   sv.hardware.database_disk.iops * page, nullptr, 0, 0, 0});
    }
  }
  for (size_t i = 0; i < s.sites.size(); ++i) {
    auto* lan = p.lan(int(i));
    sampler.add({"site/" + s.sites[i].name + "/lan",
                 ResourceKind::lan,
                 "bit/s",
                 units::bits_per_second(s.sites[i].lan.bandwidth),
                 {}},
                {Probe::Kind::duplex, nullptr, lan->get_link_up(), lan->get_link_down(),
                 s.sites[i].lan.bandwidth.value, nullptr, 0, 0, 0});
  }
  for (size_t i = 0; i < s.links.size(); ++i) {
    auto* wan = p.wan(int(i));
    sampler.add({"link/" + s.links[i].name,
                 ResourceKind::link,
                 "bit/s",
                 units::bits_per_second(s.links[i].bandwidth),
                 {}},
                {Probe::Kind::duplex, nullptr, wan->get_link_up(), wan->get_link_down(),
                 s.links[i].bandwidth.value, nullptr, 0, 0, 0});
  }
}

std::vector<std::string> engine_arguments(const SimulationOptions& options) {
  // Exact flow-level sharing: latency and TCP effects are the actors' business (DESIGN.md).
  std::vector<std::string> args{"coexlab", "--cfg=network/model:CM02",
                                "--cfg=network/crosstraffic:0", "--cfg=network/TCP-gamma:1e15"};
  std::vector<std::string> cfg = options.simgrid_cfg;
  if (const char* env = std::getenv("COEXLAB_SIMGRID_CFG")) {
    std::istringstream in(env);
    for (std::string item; in >> item;) cfg.push_back(item);
  }
  for (const std::string& c : cfg) args.push_back("--cfg=" + c);
  if (!options.log.empty()) args.push_back("--log=" + options.log);
  return args;
}

}  // namespace

SimulationOutput simulate(const Scenario& s, const SimulationOptions& options) {
  if (options.log.empty()) xbt_log_control_set("root.thres:critical");
  std::vector<std::string> args = engine_arguments(options);
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (std::string& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  // The engine installs its own SIGINT handler (it prints a backtrace and exits 1): coexlab's
  // takes over again, so that an interrupted run exits 130 / 143 and leaves no temporary file.
  install_interrupt_handlers();
  sg_host_load_plugin_init();
  sg_link_load_plugin_init();

  const CostModel cost = CostModel::from(s.calibration);
  const SiteGraph graph(s);
  Platform platform(s, graph, cost);
  SimulationOutput out;
  out.mailboxes = generate_mailboxes(s);
  out.queue = build_move_queue(s, out.mailboxes);
  Storage storage(s, out.mailboxes, out.recording.events);
  MigrationModel migration(s, cost, platform, out.recording, storage, out.mailboxes, out.queue,
                           options.make_scheduler ? options.make_scheduler() : nullptr);
  std::shared_ptr<MailFlowModel> mail;
  if (has_mail_flow(s, cost)) {
    mail = prepare_mail_flow(s, cost, platform, graph, out.recording, storage, out.mailboxes);
    migration.set_observer(&mail_flow_observer(*mail));
  }
  platform.seal();

  Sampler sampler(out.recording, s.simulation.sample_interval.value);
  std::vector<std::pair<int, sg4::Link*>> hub_meters;
  if (mail) {
    hub_meters = hub_queue_meters(*mail);
    sampler.extra_bytes = [m = mail.get()](const sg4::Link* link, double now) {
      return background_bytes(*m, link, now);
    };
  }
  add_probes(s, cost, platform, storage, hub_meters, sampler);
  sampler.update_links_on_time_advance(platform);
  const double horizon = s.simulation.horizon.value;
  sg4::Actor::create("sampler", platform.server(0).host, [&sampler, horizon] {
    sampler.run_actor(horizon);
  })->daemonize();
  migration.start();
  if (mail) start_mail_flow(mail);

  // Every actor is bounded by the horizon: the mover threads stop there at the latest, and the
  // last one ends the daemons. (run_until(horizon) could stop a hair before the horizon, on an
  // activity that ended there by rounding, and leave the threads waiting.)
  install_interrupt_handlers();  // in case the engine installs it lazily, at its first run
  engine.run();
  set_flow_observer(nullptr);  // it refers to the sampler
  const double end = migration.finish(Seconds{sg4::Engine::get_clock()}).value;
  sampler.sample(end);  // the last, partial interval
  if (mail) finish_mail_flow(mail, end);
  out.recording.end_time = Seconds{end};
  out.scheduler_wall_s = migration.scheduler_wall().count();
  return out;
}

}  // namespace coexlab::sim
