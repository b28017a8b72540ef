#include "sweep_runner.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "mpi_sweep.hpp"

namespace coexlab {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& text, size_t max_chars) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  if (t.size() > max_chars) t = fmt::format("...{}", t.substr(t.size() - max_chars));
  std::replace(t.begin(), t.end(), '\n', ' ');
  return t;
}

// The running children and the work directory, for the SIGINT / SIGTERM hook (plain
// buffers: a handler may not allocate).
constexpr size_t kMaxChildren = 512;
volatile pid_t g_children[kMaxChildren] = {};
char g_work_dir[4096] = {0};

void set_child(size_t slot, pid_t pid) {
  if (slot < kMaxChildren) g_children[slot] = pid;
}

// Async-signal-safe: kill and reap the children, then `rm -rf` the work directory (fork and
// execve are async-signal-safe; std::filesystem is not).
void on_interrupt_sweep() noexcept {
  for (size_t i = 0; i < kMaxChildren; ++i) {
    if (g_children[i] > 0) ::kill(g_children[i], SIGKILL);
  }
  for (size_t i = 0; i < kMaxChildren; ++i) {
    if (g_children[i] > 0) ::waitpid(g_children[i], nullptr, 0);
  }
  if (g_work_dir[0] == '\0') return;
  const pid_t rm = ::fork();
  if (rm == 0) {
    char arg0[] = "rm";
    char arg1[] = "-rf";
    char* const argv[] = {arg0, arg1, g_work_dir, nullptr};
    char* const envp[] = {nullptr};
    ::execve("/bin/rm", argv, envp);
    ::_exit(127);
  }
  if (rm > 0) ::waitpid(rm, nullptr, 0);
}

// Work directories of sweeps whose process is gone (killed with SIGKILL, which no handler
// sees): coexlab-COMMAND-PID in the temp directory, PID not running.
void remove_stale_work_dirs(const fs::path& work_dir) {
  const std::string name = work_dir.filename().string();
  const auto dash = name.rfind('-');
  if (dash == std::string::npos) return;
  // Only for a directory named after this process (coexlab-test-PID-N is not).
  if (name.substr(dash + 1) != std::to_string(::getpid())) return;
  const std::string prefix = name.substr(0, dash + 1);  // coexlab-whatif-
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(work_dir.parent_path(), ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) != 0 || n == name) continue;
    const std::string digits = n.substr(prefix.size());
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  std::vector<std::string> storage = args;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = (dir / "stdout.txt").string();
  const std::string err = (dir / "stderr.txt").string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the sweep, also when the sweep is killed with SIGKILL.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    const int fo = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fe = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fo >= 0) ::dup2(fo, STDOUT_FILENO);
    if (fe >= 0) ::dup2(fe, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

VariantResult collect(int index, int status, const fs::path& dir,
                      const std::vector<std::string>& return_files) {
  VariantResult r;
  r.index = index;
  const fs::path summary = dir / "out" / "summary.json";
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFEXITED(status) && (r.exit_code == 0 || r.exit_code == 1) && fs::exists(summary)) {
    r.status = "ok";
    try {
      r.summary = json::parse(read_file(summary));
    } catch (const json::exception& e) {
      r.status = "failed";
      r.error = std::string("unreadable summary.json: ") + e.what();
    }
    for (const std::string& name : return_files) {
      if (fs::exists(dir / "out" / name)) r.files[name] = read_file(dir / "out" / name);
    }
    return r;
  }
  r.status = "failed";
  const std::string err = tail(read_file(dir / "stderr.txt"), 400);
  if (WIFSIGNALED(status)) {
    r.error =
        fmt::format("killed by signal {}{}{}", WTERMSIG(status), err.empty() ? "" : ": ", err);
  } else {
    r.error = fmt::format("exit {}{}{}", r.exit_code, err.empty() ? "" : ": ", err);
  }
  return r;
}

}  // namespace

std::string self_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("coexlab") : p.string();
}

std::vector<VariantResult> run_sweep_here(
    const std::vector<Variant>& variants, const SweepOptions& o,
    const std::function<void(const VariantResult&)>& on_done) {
  struct Running {
    pid_t pid;
    size_t slot;  // position in `variants`
    double started;
    fs::path dir;
    size_t child_slot;  // in g_children
  };
  remove_stale_work_dirs(fs::path(o.work_dir));
  fs::create_directories(o.work_dir);
  {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &block, &old);
    const size_t n = std::min(o.work_dir.size(), sizeof g_work_dir - 1);
    std::memcpy(g_work_dir, o.work_dir.data(), n);
    g_work_dir[n] = '\0';
    set_interrupt_hook(on_interrupt_sweep);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
  }
  // Every way out of this function removes the work directory (an exception too).
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      set_interrupt_hook(nullptr);
      g_work_dir[0] = '\0';
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{o.work_dir};
  std::vector<VariantResult> results(variants.size());
  std::vector<Running> running;
  size_t next = 0, done = 0;
  const int jobs = std::max(1, o.jobs);
  const auto report = [&](size_t slot, VariantResult r, double started) {
    r.wall_s = now_seconds() - started;
    if (on_done) on_done(r);
    results[slot] = std::move(r);
    ++done;
    if (o.progress)
      std::cerr << fmt::format("\r{} of {} variants done", done, variants.size()) << std::flush;
  };
  while (done < variants.size()) {
    while (running.size() < size_t(jobs) && next < variants.size()) {
      const Variant& v = variants[next];
      const fs::path dir = fs::path(o.work_dir) / fmt::format("variant-{}", v.index);
      fs::remove_all(dir);
      fs::create_directories(dir);
      std::vector<std::string> args{o.binary,
                                    "run",
                                    v.scenario.empty() ? o.scenario : v.scenario,
                                    "--out",
                                    (dir / "out").string(),
                                    "--quiet"};
      args.insert(args.end(), o.run_flags.begin(), o.run_flags.end());
      for (const std::string& s : v.sets) {
        args.emplace_back("--set");
        args.push_back(s);
      }
      sigset_t block, old;
      sigemptyset(&block);
      sigaddset(&block, SIGINT);
      sigaddset(&block, SIGTERM);
      ::sigprocmask(SIG_BLOCK, &block, &old);  // the pid is recorded before a handler may run
      const pid_t pid = spawn(args, dir);
      size_t slot = 0;
      while (slot < kMaxChildren && g_children[slot] > 0) ++slot;
      set_child(slot, pid);
      ::sigprocmask(SIG_SETMASK, &old, nullptr);
      running.push_back({pid, next, now_seconds(), dir, slot});
      ++next;
    }
    bool progressed = false;
    for (size_t i = 0; i < running.size();) {
      Running& r = running[i];
      int status = 0;
      const pid_t got = ::waitpid(r.pid, &status, WNOHANG);
      if (got == r.pid) {
        set_child(r.child_slot, 0);
        report(r.slot, collect(variants[r.slot].index, status, r.dir, o.return_files), r.started);
        fs::remove_all(r.dir);
        running.erase(running.begin() + long(i));
        progressed = true;
        continue;
      }
      if (o.timeout_s > 0 && now_seconds() - r.started > o.timeout_s) {
        ::kill(r.pid, SIGKILL);
        ::waitpid(r.pid, &status, 0);
        set_child(r.child_slot, 0);
        VariantResult t;
        t.index = variants[r.slot].index;
        t.status = "timeout";
        t.error = fmt::format("no result after {:g} s", o.timeout_s);
        report(r.slot, t, r.started);
        fs::remove_all(r.dir);
        running.erase(running.begin() + long(i));
        progressed = true;
        continue;
      }
      ++i;
    }
    if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (o.progress) std::cerr << '\n';
  return results;
}

std::vector<VariantResult> run_sweep(const std::vector<Variant>& variants, const SweepOptions& o,
                                     const std::function<void(const VariantResult&)>& on_done) {
  if (mpi_workers() > 0) return mpi_run_sweep(variants, o, on_done);
  return run_sweep_here(variants, o, on_done);
}

}  // namespace coexlab
