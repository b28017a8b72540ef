// `coexlab validate` as a user runs it: exit codes (0 valid, also with warnings; 1 invalid;
// 2 bad usage) and every diagnostic line on stderr as FILE:LINE:COLUMN: error|warning: MESSAGE.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string kSource = COEXLAB_SOURCE_DIR;
const std::string kBinary = COEXLAB_BINARY;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::vector<std::string> err_lines;
};

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

CliRun run(const std::string& args) {
  CliRun r;
  // One file per process and call: ctest runs the tests of this file in parallel.
  static int calls = 0;
  const std::string err_file = ::testing::TempDir() + "coexlab_cli_stderr_" +
                               std::to_string(getpid()) + "_" + std::to_string(++calls) + ".txt";
  const std::string cmd = quoted(kBinary) + " " + args + " 2>" + quoted(err_file);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::string line;
  while (std::getline(in, line)) r.err_lines.push_back(line);
  std::remove(err_file.c_str());
  return r;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

class CliValidate : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kBinary)) GTEST_SKIP() << "build the coexlab target first: " << kBinary;
  }
};

}  // namespace

TEST_F(CliValidate, ReferenceScenarioIsValidExitZero) {
  const std::string file = kSource + "/scenarios/contoso-weekend.yaml";
  const CliRun r = run("validate " + quoted(file));
  EXPECT_EQ(r.exit_code, 0) << joined(r.err_lines);
  EXPECT_NE(r.out.find(file + ": valid"), std::string::npos) << r.out;
  // Warnings only, each with its position.
  std::string pattern(1, '^');  // built by appends: GCC 12 -Wrestrict misfires on "^" + string
  pattern += std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
  pattern += R"(:\d+:\d+: warning: .+$)";
  const std::regex warning(pattern);
  for (const std::string& l : r.err_lines) EXPECT_TRUE(std::regex_match(l, warning)) << l;
}

TEST_F(CliValidate, MultiErrorFileExitOneEveryErrorPositioned) {
  const std::string file = kSource + "/tests/corpus/75-multi-error-one-pass.yaml";
  ASSERT_TRUE(fs::exists(file));
  const CliRun r = run("validate " + quoted(file));
  EXPECT_EQ(r.exit_code, 1);
  const std::regex error(R"(^.+/75-multi-error-one-pass\.yaml:(\d+):(\d+): error: .+$)");
  int errors = 0;
  for (const std::string& l : r.err_lines) {
    if (std::regex_match(l, error)) {
      ++errors;
      EXPECT_EQ(l.rfind(file + ":", 0), 0u) << l;
    } else {
      EXPECT_EQ(l, file + ": 6 error(s)") << "neither a diagnostic nor the summary";
    }
  }
  EXPECT_EQ(errors, 6) << joined(r.err_lines);
  // In order of position.
  ASSERT_GE(r.err_lines.size(), 2u);
  EXPECT_NE(r.err_lines[0].find(":17:24: error: server 'EX03' hardware cores = -1"),
            std::string::npos)
      << r.err_lines[0];
}

TEST_F(CliValidate, SyntaxErrorAlone) {
  const std::string file = kSource + "/tests/corpus/01-yaml-unclosed-flow-map.yaml";
  const CliRun r = run("validate " + quoted(file));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.err_lines.size(), 2u) << joined(r.err_lines);
  EXPECT_EQ(r.err_lines[0], file + ":17:9: error: YAML syntax: end of map flow not found");
  EXPECT_EQ(r.err_lines[1], file + ": 1 error(s)");
}

TEST_F(CliValidate, SeveralFilesTheWorstWins) {
  const CliRun r = run("validate " + quoted(kSource + "/scenarios/contoso-weekend.yaml") + " " +
                       quoted(kSource + "/tests/corpus/16-range-zero-cores.yaml"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("contoso-weekend.yaml: valid"), std::string::npos) << r.out;
}

TEST_F(CliValidate, BadUsageExitTwo) {
  EXPECT_EQ(run("validate /nonexistent/scenario.yaml").exit_code, 2);
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("no-such-command").exit_code, 2);
}
