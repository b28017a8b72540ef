// The one way tests run a command line (tests/models, tests/sim): the coexlab binary the
// tests are built with (COEXLAB_BINARY), or a whole shell command, with its exit code and
// output. Shared so that quoting, the exit code of a signal and stderr capture agree.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace coexlab::testing {

struct CliResult {
  int exit_code = -1;  // 128 + N when killed by signal N; -1 when it could not start
  std::string out;     // stdout (and stderr with Stderr::merge)
  std::string err;     // stderr with Stderr::capture
};

enum class Stderr { drop, merge, capture };

// Runs `sh -c CMD`.
inline CliResult run_shell(const std::string& cmd, Stderr how = Stderr::capture) {
  // One stderr file per process and call: ctest runs tests of one binary in parallel.
  static std::atomic<int> calls{0};
  const std::string err_file = ::testing::TempDir() + "coexlab_test_stderr_" +
                               std::to_string(::getpid()) + "_" + std::to_string(++calls) + ".txt";
  std::string full = "( " + cmd + " )";
  switch (how) {
    case Stderr::drop:
      full += " 2>/dev/null";
      break;
    case Stderr::merge:
      full += " 2>&1";
      break;
    case Stderr::capture:
      full += " 2>'" + err_file + "'";
      break;
  }
  CliResult r;
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                      : -1;
  if (how == Stderr::capture) {
    std::ifstream in(err_file);
    std::stringstream s;
    s << in.rdbuf();
    r.err = s.str();
    std::remove(err_file.c_str());
  }
  return r;
}

// Runs `coexlab ARGS`; ARGS are shell words (quote paths with spaces).
inline CliResult run_coexlab(const std::string& args, Stderr how = Stderr::capture) {
  return run_shell("'" + std::string(COEXLAB_BINARY) + "' " + args, how);
}

}  // namespace coexlab::testing
