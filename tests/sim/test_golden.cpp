// Golden results of the shipped reference scenarios and determinism: `coexlab run` as a
// user runs it, compared byte for byte with tests/golden/<scenario>/. Regenerate on purpose
// only, with scripts/update-golden.sh, and say why in the commit.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs the CLI; returns its exit code.
int coexlab(const std::string& args) {
  const std::string cmd = fmt::format("{} {} >/dev/null 2>&1", COEXLAB_BINARY, args);
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("coexlab-test-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  return dir;
}

// The first line where two texts differ, for a readable failure.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(ia, la));
    const bool gb = static_cast<bool>(std::getline(ib, lb));
    if (!ga && !gb) return "identical";
    if (la != lb || ga != gb)
      return fmt::format("line {}:\n  golden: {}\n  actual: {}", line, la, lb);
  }
}

void expect_golden(const std::string& scenario) {
  const fs::path out = fresh_dir(scenario);
  ASSERT_EQ(coexlab(fmt::format("run {}/scenarios/{}.yaml --out {} --quiet", COEXLAB_SOURCE_DIR,
                                scenario, out.string())),
            0);
  for (const char* file : {"summary.json", "moves.csv", "mailboxes.csv"}) {
    const fs::path golden = fs::path(COEXLAB_SOURCE_DIR) / "tests/golden" / scenario / file;
    ASSERT_TRUE(fs::exists(golden)) << golden << " missing: run scripts/update-golden.sh";
    const std::string expected = read(golden);
    const std::string actual = read(out / file);
    EXPECT_TRUE(expected == actual)
        << scenario << "/" << file << " differs from the golden file at "
        << first_difference(expected, actual)
        << "\n(if the change is intended: scripts/update-golden.sh)";
  }
  fs::remove_all(out);
}

}  // namespace

TEST(Golden, ContosoWeekend) {
  expect_golden("contoso-weekend");
}
TEST(Golden, HqBranchEdge) {
  expect_golden("hq-branch-edge");
}
TEST(Golden, Hairpin) {
  expect_golden("hairpin");
}

TEST(Determinism, SameScenarioAndSeedGiveIdenticalFiles) {
  const std::string scenario = fmt::format("{}/scenarios/contoso-weekend.yaml", COEXLAB_SOURCE_DIR);
  const fs::path a = fresh_dir("det-a"), b = fresh_dir("det-b"), c = fresh_dir("det-c");
  ASSERT_EQ(coexlab(fmt::format("run {} --out {} --quiet", scenario, a.string())), 0);
  ASSERT_EQ(coexlab(fmt::format("run {} --out {} --quiet", scenario, b.string())), 0);
  ASSERT_EQ(coexlab(fmt::format("run {} --out {} --quiet --seed 8", scenario, c.string())), 0);
  for (const char* file : {"summary.json", "moves.csv", "utilisation.csv"}) {
    EXPECT_TRUE(read(a / file) == read(b / file)) << file << " differs between two identical runs";
  }
  // Another seed draws other mailbox sizes: the results must change.
  EXPECT_FALSE(read(a / "moves.csv") == read(c / "moves.csv"));
  for (const auto& d : {a, b, c}) fs::remove_all(d);
}

TEST(RunCommand, WritesNoFileForAnInvalidScenarioAndExits1) {
  const fs::path out = fresh_dir("invalid");
  const fs::path bad = fs::temp_directory_path() / fmt::format("coexlab-bad-{}.yaml", ::getpid());
  std::ofstream(bad)
      << "scenario: bad\nstart: 2007-06-01T20:00\nsites: [ { name: HQ } ]\nservers: []\n";
  EXPECT_EQ(coexlab(fmt::format("run {} --out {}", bad.string(), out.string())), 1);
  EXPECT_FALSE(fs::exists(out));
  fs::remove(bad);
}

TEST(RunCommand, BadSetPathIsAUsageError) {
  const std::string scenario = fmt::format("{}/scenarios/contoso-weekend.yaml", COEXLAB_SOURCE_DIR);
  EXPECT_EQ(coexlab(fmt::format("run {} --set servers.NOPE.hardware.cores=8", scenario)), 2);
  EXPECT_EQ(coexlab(fmt::format("run {} --set migration.max_thread=8", scenario)), 2);
  EXPECT_EQ(coexlab(fmt::format("run {} --set 'migration.max_threads=[1,' ", scenario)), 2);
  // A valid path with a value the loader rejects is an invalid scenario, not a usage error.
  EXPECT_EQ(coexlab(fmt::format("run {} --set 'servers.EX07-HQ1.hardware.nic=10'", scenario)), 1);
}

TEST(RunCommand, SigtermExits143AndLeavesNoResultFile) {
  // The field case takes seconds to simulate: stop it after half a second.
  const fs::path out = fresh_dir("sigterm");
  const std::string cmd = fmt::format(
      "timeout --preserve-status -s TERM 0.5 {} run {}/scenarios/field-case-1.yaml --out {} "
      "--quiet "
      ">/dev/null 2>&1",
      COEXLAB_BINARY, COEXLAB_SOURCE_DIR, out.string());
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  EXPECT_FALSE(fs::exists(out / "moves.csv"));
  fs::remove_all(out);
}
TEST(Golden, InventoryExample) {
  expect_golden("inventory-example");
}
