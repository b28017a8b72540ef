// Engine speed: simulated activities per wall second of coexlab's simulator at growing sizes,
// moves only and with the users' load (BM_CoexlabWithLoad: every mailbox an average user,
// office hours, mail aggregated per 5 min), beside a raw SimGrid program that runs the same
// activity mix — the same mailboxes, chunks, sleeps, flows over the same links and CPU work, but no
// scheduler, throttles, windows, log space, probes or recording — so that coexlab's overhead over
// the bare engine is a ratio measured in one run.
//
// SimGrid allows one engine per process: every benchmark iteration forks a child that
// builds and runs one simulation and reports through a pipe; this process never creates an
// engine. An activity is a comm (flow) or exec, counted when it completes by SimGrid's
// Activity::on_completion signal in both programs. Wall time covers building the platform and
// running it.
//
//   build-*/bench/engine_bench [--benchmark_filter=...]     (table of ratios at the end)
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include "calibration.hpp"
#include "loader.hpp"
#include "mailboxes.hpp"
#include "move_estimate.hpp"
#include "rules.hpp"
#include "simulate.hpp"

namespace sg4 = simgrid::s4u;
using namespace coexlab;

namespace {

constexpr int kSourceServers = 8;
constexpr int kDatabasesPerSource = 2;
constexpr int kThreads = 16;

// N mailboxes on eight 2003 back-ends (two databases each) moving to one 2007 server, which
// is also the mover, in one site: realistic costs, no windows, circular logging (no backups:
// the users' logs would otherwise fill the sources' log disks); users only `with_load`.
std::string case_yaml(int mailboxes, bool with_load) {
  std::string servers, batches;
  const int per_database = mailboxes / (kSourceServers * kDatabasesPerSource);
  for (int s = 1; s <= kSourceServers; ++s) {
    servers += fmt::format(R"(
  - name: EX03-BE{s}
    version: 2003
    site: HQ
    roles: [{roles}]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: {{ iops: 1500 }},
                log_disk: {{ throughput: 60 MB/s, capacity: 100 GiB, circular_logging: true }} }}
    databases:)",
                           fmt::arg("s", s),
                           fmt::arg("roles", s == 1 ? "mailbox, bridgehead" : "mailbox"));
    for (int d = 1; d <= kDatabasesPerSource; ++d) {
      servers += fmt::format(R"(
      - {{ name: SG{d}, mailboxes: {{ count: {n}, size: {{ distribution: lognormal, mean: 150 MB, stddev: 120 MB }}, items_per_mb: 8 }} }})",
                             fmt::arg("d", d), fmt::arg("n", per_database));
      batches += fmt::format("\n    - {{ from: EX03-BE{}/SG{}, to: EX07-MBX1/DB{} }}", s, d, d);
    }
  }
  return fmt::format(R"(
scenario: engine-{n}
seed: 1
start: 2007-06-01T20:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: 0.2 ms }} }} ]
servers:{servers}
  - name: EX07-MBX1
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 16, clock: 3 GHz, memory: 32 GiB, nic: 10 Gbps, database_disk: {{ iops: 20000 }},
                log_disk: {{ throughput: 500 MB/s, capacity: 10 TB, circular_logging: true }} }}
    databases: [ {{ name: DB1 }}, {{ name: DB2 }} ]
connectors: {{ routing_group: [ {{ between: [EX03-BE1, EX07-MBX1] }} ] }}
workload: {workload}
migration:
  mover: EX07-MBX1
  max_threads: {threads}
  bad_item_limit: 1000000
  batches:{batches}
simulation: {{ horizon: 365 d, sample_interval: 1 h }}
)",
                     fmt::arg("n", mailboxes), fmt::arg("servers", servers),
                     fmt::arg("threads", kThreads), fmt::arg("batches", batches),
                     fmt::arg("workload", with_load ? "{ day_shape: office_hours }" : "none"));
}

Scenario load_case(int mailboxes, bool with_load = false) {
  LoadResult r = load_scenario_text(case_yaml(mailboxes, with_load), "engine.yaml");
  if (r.scenario) check_rules(*r.scenario, r.diagnostics);
  if (!r.scenario || r.diagnostics.has_errors()) {
    for (const Diagnostic& d : r.diagnostics.all())
      std::fprintf(stderr, "%s\n", d.format().c_str());
    std::abort();
  }
  return *r.scenario;
}

struct Report {
  double activities = 0;
  double wall_s = 0;
  double simulated_s = 0;
};

// Every finished activity of s4u (flows and CPU executions here; 3.32 exports no
// Comm::on_start): the same count in both programs.
void count_activities(double* counter) {
  sg4::Activity::on_completion_cb([counter](const sg4::Activity&) { *counter += 1; });
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ---- coexlab --------------------------------------------------------------------------------

Report run_coexlab_case(int mailboxes, bool with_load) {
  const Scenario s = load_case(mailboxes, with_load);
  Report r;
  count_activities(&r.activities);
  const double start = now_s();
  const sim::SimulationOutput out = sim::simulate(s);
  r.wall_s = now_s() - start;
  r.simulated_s = out.recording.end_time.value;
  return r;
}

Report run_coexlab(int mailboxes) {
  return run_coexlab_case(mailboxes, false);
}
Report run_coexlab_with_load(int mailboxes) {
  return run_coexlab_case(mailboxes, true);
}

// ---- the same activity mix on bare SimGrid --------------------------------------------------

struct RawChannel {
  sg4::Host* from = nullptr;
  sg4::Host* to = nullptr;
};

sg4::CommPtr flow(const RawChannel& c, double bytes) {
  sg4::CommPtr comm = sg4::Comm::sendto_init();
  comm->set_payload_size(static_cast<std::uint64_t>(bytes));
  comm->set_source(c.from);
  comm->set_destination(c.to);
  if (comm->get_state() == sg4::Activity::State::INITED ||
      comm->get_state() == sg4::Activity::State::STARTING) {
    comm->start();
  }
  return comm;
}

Report run_raw(int mailboxes) {
  // The case's mailboxes, queue and costs come from the models (no simulation in them).
  const Scenario s = load_case(mailboxes);
  const CostModel cost = CostModel::from(s.calibration);
  const std::vector<Mailbox> boxes = generate_mailboxes(s);
  const std::vector<MoveRequest> queue = build_move_queue(s, boxes);
  const MoveEstimator est(s, cost, boxes, queue);

  Report r;
  count_activities(&r.activities);
  const double start = now_s();
  std::vector<std::string> args{"raw", "--cfg=network/model:CM02", "--cfg=network/crosstraffic:0",
                                "--cfg=network/TCP-gamma:1e15"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  sg4::NetZone* zone = sg4::create_full_zone("raw");
  const auto endpoint_pair = [zone](const std::string& name,
                                    const std::vector<sg4::LinkInRoute>& links) {
    RawChannel c{zone->create_host(name + ":src", 1e9), zone->create_host(name + ":dst", 1e9)};
    zone->add_route(c.from->get_netpoint(), c.to->get_netpoint(), nullptr, nullptr, links, false);
    return c;
  };
  const int target = static_cast<int>(s.servers.size()) - 1;
  std::vector<sg4::Host*> hosts;
  std::vector<sg4::Link*> disks;
  std::vector<sg4::SplitDuplexLink*> nics;
  for (const Server& sv : s.servers) {
    sg4::Host* h = zone->create_host(sv.name, sv.hardware.clock.value);
    h->set_core_count(sv.hardware.cores);
    hosts.push_back(h);
    const double page = sv.is_2003() ? cost.page_size_2003.value : cost.page_size_2007.value;
    disks.push_back(
        zone->create_link(sv.name + "/disk", sv.hardware.database_disk.iops * page)->seal());
    nics.push_back(zone->create_split_duplex_link(sv.name + "/nic", sv.hardware.nic.value));
    nics.back()->seal();
  }
  sg4::Link* log =
      zone->create_link("log", s.servers[size_t(target)].hardware.log_disk.throughput.value)
          ->seal();
  sg4::SplitDuplexLink* lan = zone->create_split_duplex_link("lan", s.sites[0].lan.bandwidth.value);
  lan->seal();
  using Dir = sg4::LinkInRoute::Direction;
  std::vector<RawChannel> moves, disk_only;
  for (int i = 0; i < target; ++i) {
    const double window = cost.tcp_window.value / est.path(i, target).rtt_max.value;
    sg4::Link* limit = zone->create_link(fmt::format("limit{}", i), window)
                           ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                           ->seal();
    moves.push_back(endpoint_pair(
        fmt::format("move{}", i),
        {sg4::LinkInRoute(disks[size_t(i)]), sg4::LinkInRoute(nics[size_t(i)], Dir::UP),
         sg4::LinkInRoute(lan, Dir::UP), sg4::LinkInRoute(nics[size_t(target)], Dir::DOWN),
         sg4::LinkInRoute(disks[size_t(target)]), sg4::LinkInRoute(log), sg4::LinkInRoute(limit)}));
  }
  for (size_t i = 0; i < s.servers.size(); ++i) {
    disk_only.push_back(endpoint_pair(fmt::format("disk{}", i), {sg4::LinkInRoute(disks[i])}));
  }
  zone->seal();

  // Mover threads take the queue in order and run each move's chunks as coexlab does.
  size_t next = 0;
  for (int t = 0; t < kThreads; ++t) {
    sg4::Actor::create(fmt::format("thread{}", t), hosts[size_t(target)], [&] {
      while (next < queue.size()) {
        const MoveRequest& q = queue[next++];
        const Mailbox& m = boxes[size_t(q.mailbox)];
        const MovePath& path = est.path_of(q.queue_index);
        const double per_item =
            cost.rpc_round_trips_per_item * (path.rtt_sum.value + 2 * cost.rpc_server_time.value) +
            cost.item_server_time.value;
        const auto chunks = static_cast<std::int64_t>(
            std::max(1.0, std::ceil(m.size.value / cost.move_chunk_size.value)));
        sg4::this_actor::sleep_for(path.setup_latency.value);
        for (std::int64_t c = 0; c < chunks; ++c) {
          const auto split = [chunks, c](double whole) {
            return std::floor(whole * double(c + 1) / double(chunks)) -
                   std::floor(whole * double(c) / double(chunks));
          };
          const double bytes = split(m.size.value);
          const double items = split(double(m.items));
          sg4::this_actor::sleep_for(items * per_item);
          std::vector<sg4::ActivityPtr> running;
          if (bytes > 0) running.push_back(flow(moves[size_t(q.source_server)], bytes));
          for (int server : {q.source_server, target}) {
            const double page = s.servers[size_t(server)].is_2003() ? cost.page_size_2003.value
                                                                    : cost.page_size_2007.value;
            const double io = items * cost.database_ios_per_item * page;
            if (io >= 1) running.push_back(flow(disk_only[size_t(server)], io));
          }
          const double cycles =
              items * cost.move_cpu_cycles_per_item + bytes * cost.move_cpu_cycles_per_byte;
          for (int server : {q.source_server, target, target})
            running.push_back(hosts[size_t(server)]->exec_async(cycles));
          for (auto& a : running) a->wait();
        }
      }
    });
  }
  engine.run();
  r.wall_s = now_s() - start;
  r.simulated_s = sg4::Engine::get_clock();
  return r;
}

// ---- one simulation per child process --------------------------------------------------------

template <class Run>
Report in_child(Run run) {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    xbt_log_control_set("root.thres:critical");
    const Report r = run();
    const ssize_t written = ::write(fds[1], &r, sizeof r);
    ::_exit(written == sizeof r ? 0 : 1);
  }
  ::close(fds[1]);
  Report r;
  const ssize_t got = ::read(fds[0], &r, sizeof r);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (got != sizeof r || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "engine_bench: the child failed\n");
    std::abort();
  }
  return r;
}

// Every run of every case, for the summary table.
std::map<std::pair<std::string, int>, std::vector<Report>>& results() {
  static std::map<std::pair<std::string, int>, std::vector<Report>> r;
  return r;
}

// The run of median wall time (repetitions with --benchmark_repetitions).
Report median(std::vector<Report> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const Report& a, const Report& b) { return a.wall_s < b.wall_s; });
  return runs[runs.size() / 2];
}

template <Report (*Run)(int)>
void bench_case(benchmark::State& state, const char* which) {
  const int n = static_cast<int>(state.range(0));
  Report last;
  for (auto _ : state) {
    last = in_child([n] { return Run(n); });
    state.SetIterationTime(last.wall_s);
  }
  state.counters["activities"] = last.activities;
  state.counters["activities_per_s"] = last.activities / last.wall_s;
  state.counters["simulated_d"] = last.simulated_s / 86400;
  results()[{which, n}].push_back(last);
}

void BM_Coexlab(benchmark::State& state) {
  bench_case<run_coexlab>(state, "coexlab");
}
void BM_CoexlabWithLoad(benchmark::State& state) {
  bench_case<run_coexlab_with_load>(state, "coexlab+load");
}
void BM_RawSimGrid(benchmark::State& state) {
  bench_case<run_raw>(state, "raw");
}

BENCHMARK(BM_Coexlab)
    ->Arg(1000)
    ->Arg(4000)
    ->Arg(16000)
    ->Arg(40000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CoexlabWithLoad)
    ->Arg(1000)
    ->Arg(4000)
    ->Arg(16000)
    ->Arg(40000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawSimGrid)
    ->Arg(1000)
    ->Arg(4000)
    ->Arg(16000)
    ->Arg(40000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // coexlab's overhead over the bare engine, per size run in both programs (median runs).
  if (results().empty()) return 0;
  std::printf("\n%13s %10s %14s %14s %10s %12s %12s\n", "run", "mailboxes", "coexlab act/s",
              "raw act/s", "overhead", "coexlab act", "raw act");
  for (const auto& [key, co_runs] : results()) {
    if (key.first == "raw") continue;
    const auto raw_runs = results().find({"raw", key.second});
    if (raw_runs == results().end()) continue;
    const Report co = median(co_runs);
    const Report raw = median(raw_runs->second);
    const double co_rate = co.activities / co.wall_s;
    const double raw_rate = raw.activities / raw.wall_s;
    std::printf("%13s %10d %14.0f %14.0f %9.2fx %12.0f %12.0f\n", key.first.c_str(), key.second,
                co_rate, raw_rate, raw_rate / co_rate, co.activities, raw.activities);
  }
  return 0;
}
