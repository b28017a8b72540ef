// Sweeps that are killed, time out or whose children crash (SPEC §3, the reliability issue):
// kill -9 a whatif midway, resume it, and get the rows of an uninterrupted run; a variant
// past --timeout is a `timeout` row, a crashing child a `failed` row with its stderr's tail,
// and the sweep goes on.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sweep.hpp"

namespace fs = std::filesystem;

namespace {

// Moves only, realistic costs: `count` mailboxes of one 2003 database to a 2007 box. A
// thousand take a fraction of a second of wall time; tens of thousands several seconds.
std::string scenario(int count) {
  return fmt::format(R"(
scenario: interrupted
seed: 2
start: 2007-06-01T20:00
sites: [ {{ name: HQ }} ]
links: []
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: {{ iops: 2000 }},
                log_disk: {{ throughput: 60 MB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB, mailboxes: {{ count: {}, size: 50 MB }} }} ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: {{ iops: 4000 }},
                log_disk: {{ throughput: 200 MB/s, capacity: 100 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration: {{ mover: NEW, max_threads: 4, bad_item_limit: 100000, batches: [ {{ from: OLD/DB, to: NEW/DB }} ] }}
)",
                     count);
}

class InterruptedSweeps : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("coexlab-interrupted-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static int lines_in(const fs::path& p) {
    const std::string text = read(p);
    return int(std::count(text.begin(), text.end(), '\n'));
  }
  static int run(const std::string& args) {
    const int status =
        std::system(fmt::format("{} {} >/dev/null 2>&1", COEXLAB_BINARY, args).c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  fs::path dir_;
};

}  // namespace

TEST_F(InterruptedSweeps, KillNineMidwayThenResumeGivesTheRowsOfAnUninterruptedRun) {
  const std::string file = write("s.yaml", scenario(1500));
  const std::string vary = "--vary migration.max_threads=1,2,3,4,5,6,7,8 --jobs 1";
  const fs::path whole = dir_ / "whole";
  ASSERT_EQ(run(fmt::format("whatif {} {} --out {}", file, vary, whole.string())), 0);
  const std::string expected = read(whole / "whatif.csv");
  ASSERT_EQ(lines_in(whole / "whatif.csv"), 9);

  // The same sweep in its own process group, killed with SIGKILL once two rows are durable.
  const fs::path killed = dir_ / "killed";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setpgid(0, 0);
    const std::string cmd = fmt::format("exec {} whatif {} {} --out {} >/dev/null 2>&1",
                                        COEXLAB_BINARY, file, vary, killed.string());
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline &&
         (!fs::exists(killed / "whatif.csv") || lines_in(killed / "whatif.csv") < 3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // the sweep and its running child
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep ended before it could be killed";
  const int kept = lines_in(killed / "whatif.csv");
  EXPECT_GE(kept, 3);
  EXPECT_LT(kept, 9) << "every row was already there: nothing was interrupted";

  ASSERT_EQ(run(fmt::format("whatif {} {} --out {} --resume", file, vary, killed.string())), 0);
  EXPECT_EQ(read(killed / "whatif.csv"), expected);
}

TEST_F(InterruptedSweeps, AVariantPastTheTimeoutIsATimeoutRowAndTheSweepGoesOn) {
  const std::string file = write("s.yaml", scenario(10));
  const fs::path out = dir_ / "out";
  // 10 mailboxes take milliseconds; 200,000 take far longer than 3 s.
  ASSERT_EQ(
      run(fmt::format("whatif {} --vary servers.OLD.databases.DB.mailboxes.count=10,200000,20 "
                      "--timeout 3 --out {}",
                      file, out.string())),
      0);
  const auto rows = coexlab::read_csv((out / "whatif.csv").string());
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].at("status"), "ok");
  EXPECT_EQ((*rows)[1].at("status"), "timeout");
  EXPECT_NE((*rows)[1].at("error"), "");
  EXPECT_EQ((*rows)[1].at("duration_s"), "");
  EXPECT_EQ((*rows)[2].at("status"), "ok");  // the sweep went on
}

TEST_F(InterruptedSweeps, ACrashingChildIsAFailedRowWithItsStderrTail) {
  const std::string file = write("s.yaml", scenario(10));
  const fs::path out = dir_ / "out";
  // Every child's SimGrid is handed a setting it does not know: each run dies at start.
  ASSERT_EQ(std::system(fmt::format("COEXLAB_SIMGRID_CFG=no/such-setting:1 {} whatif {} --vary "
                                    "migration.max_threads=1,2 --out {} >/dev/null 2>&1",
                                    COEXLAB_BINARY, file, out.string())
                            .c_str()),
            0);
  const auto rows = coexlab::read_csv((out / "whatif.csv").string());
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& row : *rows) {
    EXPECT_EQ(row.at("status"), "failed");
    // The child's exit (3: internal error) and the tail of what it printed (SimGrid's list
    // of the settings it knows, after "Bad config key").
    EXPECT_EQ(row.at("error").rfind("exit 3: ", 0), 0u) << row.at("error");
    EXPECT_NE(row.at("error").find("tracing/"), std::string::npos) << row.at("error");
    EXPECT_EQ(row.at("duration_s"), "");
  }
}

// ---- Issue 16: what an interrupted sweep leaves ------------------------------------------------

namespace {

// Processes whose command line mentions `needle` (the children of a sweep name its work dir).
int processes_mentioning(const std::string& needle) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(needle) != std::string::npos) ++n;
  }
  return n;
}

pid_t start_sweep(const std::string& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    const std::string cmd = fmt::format("exec {} {} >/dev/null 2>&1", COEXLAB_BINARY, args);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  return pid;
}

// Waits until `pred` or 60 s.
template <class P>
bool eventually(P pred, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace

// SIGINT / SIGTERM of the sweep left coexlab-whatif-<pid> (22-26 MB) and running children.
TEST_F(InterruptedSweeps, ASignalledSweepRemovesItsWorkDirAndItsChildren) {
  const std::string file = write("s.yaml", scenario(40000));
  for (const int sig : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(sig);
    // The signal goes to the sweep alone, not to its children (as `kill PID` does).
    const pid_t pid =
        start_sweep(fmt::format("whatif {} --vary migration.max_threads=1,2,3,4 --jobs 2", file));
    const fs::path work = fs::temp_directory_path() / fmt::format("coexlab-whatif-{}", pid);
    ASSERT_TRUE(eventually([&] { return processes_mentioning(work.string() + "/") >= 2; }))
        << "the children never started";
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), sig == SIGINT ? 130 : 143);
    EXPECT_FALSE(fs::exists(work)) << work;
    EXPECT_TRUE(eventually([&] { return processes_mentioning(work.string() + "/") == 0; }, 5))
        << "children outlived the sweep";
  }
}

// SIGKILL of the sweep: no handler runs, but the children die with it (PR_SET_PDEATHSIG) and
// the next sweep removes the dead one's work directory.
TEST_F(InterruptedSweeps, AKilledSweepsChildrenDieWithItAndTheNextSweepCleansUp) {
  const std::string file = write("s.yaml", scenario(40000));
  const pid_t pid =
      start_sweep(fmt::format("whatif {} --vary migration.max_threads=1,2,3,4 --jobs 2", file));
  const fs::path work = fs::temp_directory_path() / fmt::format("coexlab-whatif-{}", pid);
  ASSERT_TRUE(eventually([&] { return processes_mentioning(work.string() + "/") >= 2; }));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_TRUE(eventually([&] { return processes_mentioning(work.string() + "/") == 0; }, 5))
      << "children outlived the sweep";
  ASSERT_TRUE(fs::exists(work));  // nothing could remove it
  const std::string small = write("small.yaml", scenario(10));
  ASSERT_EQ(run(fmt::format("whatif {} --vary migration.max_threads=1", small)), 0);
  EXPECT_FALSE(fs::exists(work)) << "the dead sweep's work directory is still there";
}

// --resume kept whatif.csv.tmp-XXXXXX of an interrupted write, and read kept cells back
// through stod: `01,02` came back as `1,2`.
TEST_F(InterruptedSweeps, ResumeDropsStaleTempFilesAndKeepsCellsAsWritten) {
  const std::string file = write("s.yaml", scenario(200));
  const std::string vary = "--vary migration.max_threads=01,02,03,04 --jobs 1";
  const fs::path whole = dir_ / "whole";
  ASSERT_EQ(run(fmt::format("whatif {} {} --out {}", file, vary, whole.string())), 0);
  const std::string expected = read(whole / "whatif.csv");
  ASSERT_NE(expected.find(",01,"), std::string::npos) << expected;
  // An interrupted run: the header and two rows kept, and a stale temporary file beside.
  const fs::path part = dir_ / "part";
  fs::create_directories(part);
  std::istringstream lines(expected);
  std::string kept, line;
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) kept += line + "\n";
  std::ofstream(part / "whatif.csv") << kept;
  std::ofstream(part / "whatif.csv.tmp-AbC123") << "half a file";
  ASSERT_EQ(run(fmt::format("whatif {} {} --out {} --resume", file, vary, part.string())), 0);
  EXPECT_EQ(read(part / "whatif.csv"), expected);
  EXPECT_FALSE(fs::exists(part / "whatif.csv.tmp-AbC123"));
}
