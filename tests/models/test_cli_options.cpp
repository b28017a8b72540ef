// Command-line options of `coexlab run` as a user types them (issue 14 §7): `--help` names
// every file run writes, and a negative `--seed` is bad usage (exit 2), not a seed that
// wrapped around to 2^64 - 1.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kSource = COEXLAB_SOURCE_DIR;
const std::string kBinary = COEXLAB_BINARY;

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

CliRun run(const std::string& args) {
  const auto c = coexlab::testing::run_coexlab(args, coexlab::testing::Stderr::merge);
  return {c.exit_code, c.out};
}

class CliOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kBinary)) GTEST_SKIP() << "build the coexlab target first: " << kBinary;
  }
  const std::string scenario_ = "'" + kSource + "/scenarios/hairpin.yaml'";
};

}  // namespace

TEST_F(CliOptions, RunHelpNamesEveryResultFile) {
  const CliRun r = run("run --help");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const char* file :
       {"summary.json", "moves.csv", "mailboxes.csv", "utilisation.csv", "report.html"})
    EXPECT_NE(r.out.find(file), std::string::npos) << file << " not in:\n" << r.out;
}

TEST_F(CliOptions, NegativeSeedIsBadUsage) {
  const std::string out = "'" + ::testing::TempDir() + "coexlab_negative_seed'";
  for (const char* seed : {"-1", "-18446744073709551615", "' -5'"}) {
    const CliRun r = run("run " + scenario_ + " --out " + out + " --quiet --seed " + seed);
    EXPECT_EQ(r.exit_code, 2) << seed << ": " << r.out;
    EXPECT_NE(r.out.find("--seed"), std::string::npos) << r.out;  // said, not wrapped
    EXPECT_FALSE(fs::exists(::testing::TempDir() + "coexlab_negative_seed/summary.json")) << seed;
  }
  const CliRun r = run("run " + scenario_ + " --out " + out + " --quiet --seed=-1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(run("run " + scenario_ + " --out " + out + " --quiet --seed x").exit_code, 2);
}

TEST_F(CliOptions, ZeroAndTheLargestSeedAreAccepted) {
  for (const std::string seed : {"0", "9223372036854775807"}) {  // the file's range too
    const std::string dir = ::testing::TempDir() + "coexlab_seed_" + seed;
    const CliRun r = run("run " + scenario_ + " --out '" + dir + "' --quiet --seed " + seed);
    EXPECT_EQ(r.exit_code, 0) << seed << ": " << r.out;
    std::ifstream in(dir + "/summary.json");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("\"seed\": " + seed + ","), std::string::npos)
        << text.str().substr(0, 300);
    fs::remove_all(dir);
  }
}
