#include "mpi_sweep.hpp"

#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#ifdef COEXLAB_HAVE_MPI
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include <mpi.h>
#include <unistd.h>

#include "atomic_file.hpp"
#endif

namespace coexlab {

namespace {

bool asks_for_mpi(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return false;
    if (std::strcmp(argv[i], "--mpi") == 0) return true;
  }
  return false;
}

}  // namespace

#ifndef COEXLAB_HAVE_MPI

bool mpi_built() {
  return false;
}

std::optional<int> mpi_start(int argc, char** argv) {
  if (!asks_for_mpi(argc, argv)) return std::nullopt;
  std::cerr << "coexlab: --mpi: this coexlab was built without MPI (install libopenmpi-dev and "
               "openmpi-bin, e.g. with scripts/setup.sh, and build again)\n";
  return 2;  // kExitUsage
}

int mpi_workers() {
  return 0;
}

std::vector<VariantResult> mpi_run_sweep(const std::vector<Variant>& variants,
                                         const SweepOptions& options,
                                         const std::function<void(const VariantResult&)>& on_done) {
  return run_sweep_here(variants, options, on_done);
}

#else

namespace {
namespace fs = std::filesystem;

constexpr int kTagJob = 1;
constexpr int kTagResult = 2;
constexpr int kTagStop = 3;

int g_rank = 0;
int g_size = 1;
bool g_running = false;  // between MPI_Init and MPI_Finalize

// Messages are lists of byte strings, each as LENGTH ':' BYTES: a child's stderr tail may hold
// any bytes, and the row must get them as a local sweep would.
std::string pack(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) out += fmt::format("{}:", f.size()) + f;
  return out;
}

std::vector<std::string> unpack(std::string_view text) {
  std::vector<std::string> fields;
  while (!text.empty()) {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) break;
    const size_t n = std::stoul(std::string(text.substr(0, colon)));
    fields.emplace_back(text.substr(colon + 1, n));
    text.remove_prefix(std::min(text.size(), colon + 1 + n));
  }
  return fields;
}

void send(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), int(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string receive(const MPI_Status& probed) {
  int n = 0;
  MPI_Get_count(&probed, MPI_CHAR, &n);
  std::string text(size_t(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return text;
}

// Polls rather than blocks: Open MPI's blocking calls spin a core, which the children need.
bool poll(int source, int tag, MPI_Status* status, int* idle_rounds) {
  int flag = 0;
  MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, status);
  if (flag) {
    *idle_rounds = 0;
    return true;
  }
  ++*idle_rounds;
  std::this_thread::sleep_for(std::chrono::microseconds(*idle_rounds < 50 ? 100 : 1000));
  return false;
}

// A worker rank: runs each variant it is sent, one at a time, as a sweep on one machine does.
int serve() {
  install_interrupt_handlers();  // SIGTERM from mpirun: kill the child, remove its directory
  const std::string work_dir =
      (fs::temp_directory_path() / fmt::format("coexlab-mpi-{}", ::getpid())).string();
  int idle = 0;
  while (true) {
    MPI_Status st;
    if (!poll(0, MPI_ANY_TAG, &st, &idle)) continue;
    const std::string text = receive(st);
    if (st.MPI_TAG == kTagStop) break;
    // index, working directory of rank 0, scenario, timeout, the result files to hand back
    // and the child's extra run flags (one field each, a packed list), then the variant's
    // --set values
    const std::vector<std::string> job = unpack(text);
    if (job.size() < 6) continue;
    std::error_code ec;
    if (fs::current_path(ec) != fs::path(job[1])) fs::current_path(job[1], ec);
    SweepOptions o;
    o.binary = self_executable();
    o.scenario = job[2];
    o.timeout_s = std::stod(job[3]);
    o.work_dir = work_dir;
    o.return_files = unpack(job[4]);
    o.run_flags = unpack(job[5]);
    Variant v{std::stoi(job[0]), std::vector<std::string>(job.begin() + 6, job.end()), {}};
    const VariantResult r = run_sweep_here({v}, o, nullptr).front();
    // status fields, then each returned file as a name and its content
    std::vector<std::string> reply{std::to_string(r.index),
                                   r.status,
                                   r.error,
                                   std::to_string(r.exit_code),
                                   r.summary.is_null() ? std::string() : r.summary.dump(),
                                   fmt::format("{}", r.wall_s)};
    for (const auto& [name, content] : r.files) {
      reply.push_back(name);
      reply.push_back(content);
    }
    send(pack(reply), 0, kTagResult);
  }
  MPI_Finalize();
  g_running = false;
  return 0;
}

void finish() {
  if (!g_running || g_rank != 0) return;
  for (int w = 1; w < g_size; ++w) send({}, w, kTagStop);
  MPI_Finalize();
  g_running = false;
}

}  // namespace

bool mpi_built() {
  return true;
}

std::optional<int> mpi_start(int argc, char** argv) {
  if (!asks_for_mpi(argc, argv)) return std::nullopt;
  MPI_Init(&argc, &argv);
  g_running = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  if (g_rank != 0) return serve();
  std::atexit(finish);
  return std::nullopt;
}

int mpi_workers() {
  return g_running && g_rank == 0 ? g_size - 1 : 0;
}

std::vector<VariantResult> mpi_run_sweep(const std::vector<Variant>& variants,
                                         const SweepOptions& o,
                                         const std::function<void(const VariantResult&)>& on_done) {
  std::vector<VariantResult> results(variants.size());
  std::vector<int> idle_workers;
  for (int w = 1; w < g_size; ++w) idle_workers.push_back(w);
  std::map<int, size_t> in_flight;  // worker rank -> position in `variants`
  std::error_code ec;
  const std::string cwd = fs::current_path(ec).string();
  const std::string timeout = fmt::format("{}", o.timeout_s);
  const std::string return_files = pack(o.return_files);
  const std::string run_flags = pack(o.run_flags);
  size_t next = 0, done = 0;
  int idle = 0;
  while (done < variants.size()) {
    while (!idle_workers.empty() && next < variants.size()) {
      const Variant& v = variants[next];
      std::vector<std::string> job{std::to_string(v.index),
                                   cwd,
                                   v.scenario.empty() ? o.scenario : v.scenario,
                                   timeout,
                                   return_files,
                                   run_flags};
      job.insert(job.end(), v.sets.begin(), v.sets.end());
      send(pack(job), idle_workers.front(), kTagJob);
      in_flight[idle_workers.front()] = next++;
      idle_workers.erase(idle_workers.begin());
    }
    MPI_Status st;
    if (!poll(MPI_ANY_SOURCE, kTagResult, &st, &idle)) continue;
    const std::vector<std::string> f = unpack(receive(st));
    const size_t slot = in_flight.at(st.MPI_SOURCE);
    in_flight.erase(st.MPI_SOURCE);
    idle_workers.push_back(st.MPI_SOURCE);
    VariantResult r;
    r.index = variants[slot].index;
    if (f.size() >= 6 && f.size() % 2 == 0) {
      r.status = f[1];
      r.error = f[2];
      r.exit_code = std::stoi(f[3]);
      if (!f[4].empty()) r.summary = nlohmann::json::parse(f[4]);
      r.wall_s = std::stod(f[5]);
      for (size_t k = 6; k + 1 < f.size(); k += 2) r.files[f[k]] = f[k + 1];
    } else {
      r.status = "failed";
      r.error = fmt::format("unreadable reply from MPI rank {}", st.MPI_SOURCE);
    }
    if (on_done) on_done(r);
    results[slot] = std::move(r);
    ++done;
    if (o.progress)
      std::cerr << fmt::format("\r{} of {} variants done ({} MPI workers)", done, variants.size(),
                               g_size - 1)
                << std::flush;
  }
  if (o.progress && !variants.empty()) std::cerr << '\n';
  return results;
}

#endif

}  // namespace coexlab
