// `coexlab bench` as a user runs it, on the two-scenario suite tests/bench-suite (ideal mode,
// so every makespan is arithmetic done here): rows and their order, bench.csv's columns and
// its independence of --jobs, --resume, and --baseline catching a doctored regression.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kSuite = std::string(COEXLAB_SOURCE_DIR) + "/tests/bench-suite";

using Result = coexlab::testing::CliResult;

// Runs the CLI; stdout captured, stderr dropped.
Result cli(const std::string& args) {
  return coexlab::testing::run_coexlab(args, coexlab::testing::Stderr::drop);
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("coexlab-bench-test-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The makespans of the suite, from its scenarios' figures (see their headers).
constexpr double kRoute = 0.5e-3 + 30e-3 + 0.5e-3;  // one way, OLD -> NEW (the mover)
const double kCapped = 65536 / (2 * kRoute);        // lpt-pair: one window per round trip
const double kLptFifo = 3 * kRoute + 6e9 / kCapped;
const double kLptLargest = 4 * kRoute + 4e9 / kCapped;
const double kTight = 86400 + kRoute + 1e9 / (10e6 / 8);  // tight-window: the retried move ends

const char* const kColumns =
    "variant_index,status,error,scenario,scheduler,makespan_s,lower_bound_s,ratio,downtime_mean_s,"
    "downtime_p95_s,cancelled,overrun_s,unmoved,failed,seed,coexlab_version,wait_mean_s,"
    "bounded_slowdown_mean,scheduler_cpu_s,best_known_s,best_known_ratio";

// bench.csv without its one column that is a measurement of this machine, scheduler_cpu_s
// (the 18th): every other cell is reproducible.
std::string without_scheduler_cpu(const std::string& csv) {
  std::string out;
  for (const std::string& line : lines(csv)) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    if (line.back() == ',') cells.emplace_back();
    if (cells.size() > 18) cells.erase(cells.begin() + 18);
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    out += '\n';
  }
  return out;
}

}  // namespace

TEST(Bench, RowsInVariantOrderWithTheSimulatedFigures) {
  const Result r =
      cli(fmt::format("bench {} --schedulers fifo,largest_first --jobs 2 --json", kSuite));
  ASSERT_EQ(r.exit_code, 0);
  const auto rows = nlohmann::json::parse(r.out);  // nothing else on stdout
  ASSERT_EQ(rows.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> cells{{"lpt-pair", "fifo"},
                                                               {"lpt-pair", "largest_first"},
                                                               {"tight-window", "fifo"},
                                                               {"tight-window", "largest_first"}};
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["variant_index"], int(i));
    EXPECT_EQ(rows[i]["status"], "ok");
    EXPECT_EQ(rows[i]["error"], "");
    EXPECT_EQ(rows[i]["scenario"], cells[i].first);
    EXPECT_EQ(rows[i]["scheduler"], cells[i].second);
    EXPECT_EQ(rows[i]["unmoved"], 0);
  }
  EXPECT_NEAR(rows[0]["makespan_s"].get<double>(), kLptFifo, kLptFifo * 1e-9);
  EXPECT_NEAR(rows[1]["makespan_s"].get<double>(), kLptLargest, kLptLargest * 1e-9);
  EXPECT_EQ(rows[0]["cancelled"], 0);
  EXPECT_EQ(rows[0]["seed"], 5);
  for (size_t i : {2, 3}) {
    EXPECT_NEAR(rows[i]["makespan_s"].get<double>(), kTight, kTight * 1e-9);
    EXPECT_EQ(rows[i]["cancelled"], 1);
    EXPECT_EQ(rows[i]["overrun_s"], 0.0);
    EXPECT_EQ(rows[i]["seed"], 6);
  }
  // The ratio is makespan / lower bound, null when there is no lower bound (never made up).
  for (const auto& row : rows) {
    if (row["lower_bound_s"].is_null()) {
      EXPECT_TRUE(row["ratio"].is_null());
    } else {
      EXPECT_DOUBLE_EQ(row["ratio"].get<double>(),
                       row["makespan_s"].get<double>() / row["lower_bound_s"].get<double>());
    }
  }
}

TEST(Bench, MarkdownTableAndRanking) {
  const Result r = cli(fmt::format("bench {} --schedulers fifo,largest_first --markdown", kSuite));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("| scenario | scheduler | status |"), std::string::npos);
  // largest_first is best on lpt-pair and ties on tight-window: it ranks first, and fifo's
  // mean normalised makespan is (kLptFifo / kLptLargest + 1) / 2.
  const std::regex first(R"(\| 1 \| largest_first \| 1\.000 \|)");
  EXPECT_TRUE(std::regex_search(r.out, first)) << r.out;
  const std::string fifo = fmt::format("| 2 | fifo | {:.3f} |", (kLptFifo / kLptLargest + 1) / 2);
  EXPECT_NE(r.out.find(fifo), std::string::npos) << fifo << "\n" << r.out;
}

TEST(Bench, CsvIsTheSameWhateverTheJobsAndResumeKeepsFinishedRows) {
  const fs::path one = fresh_dir("one"), two = fresh_dir("two");
  ASSERT_EQ(cli(fmt::format("bench {} --schedulers fifo,largest_first --jobs 1 --out {}", kSuite,
                            one.string()))
                .exit_code,
            0);
  ASSERT_EQ(cli(fmt::format("bench {} --schedulers fifo,largest_first --jobs 2 --out {}", kSuite,
                            two.string()))
                .exit_code,
            0);
  const std::string csv = read(one / "bench.csv");
  EXPECT_EQ(without_scheduler_cpu(csv), without_scheduler_cpu(read(two / "bench.csv")));
  const auto rows = lines(csv);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], kColumns);
  EXPECT_EQ(rows[1].substr(0, 20), "0,ok,,lpt-pair,fifo,");

  // Resume: drop the last row, doctor a kept one; the doctored row stays (it was not run
  // again), the dropped one comes back, nothing is duplicated.
  const std::string doctored =
      fmt::format("{}\n{}\n{}\n", rows[0],
                  std::regex_replace(rows[1], std::regex(",fifo,[0-9.e+]+,"), ",fifo,1,"), rows[2]);
  write(one / "bench.csv", doctored + rows[3] + "\n");
  ASSERT_EQ(cli(fmt::format("bench {} --schedulers fifo,largest_first --out {} --resume", kSuite,
                            one.string()))
                .exit_code,
            0);
  const auto resumed = lines(read(one / "bench.csv"));
  ASSERT_EQ(resumed.size(), 5u);
  EXPECT_EQ(resumed[1].substr(0, 22), "0,ok,,lpt-pair,fifo,1,");
  EXPECT_EQ(without_scheduler_cpu(resumed[4]), without_scheduler_cpu(rows[4]));  // run again
  fs::remove_all(one);
  fs::remove_all(two);
}

TEST(Bench, BaselineRegressionExitsOne) {
  const fs::path dir = fresh_dir("baseline");
  ASSERT_EQ(
      cli(fmt::format("bench {} --schedulers fifo,largest_first --out {}", kSuite, dir.string()))
          .exit_code,
      0);
  const fs::path baseline = dir / "bench.csv";
  // Against itself: no regression.
  const Result same = cli(fmt::format("bench {} --schedulers fifo,largest_first --baseline {}",
                                      kSuite, baseline.string()));
  EXPECT_EQ(same.exit_code, 0);
  EXPECT_NE(same.out.find("4 cells compared, tolerance 2.00 %: no regression."), std::string::npos)
      << same.out;

  // A baseline where fifo on lpt-pair was 10 % faster: the current run is a regression.
  const auto rows = lines(read(baseline));
  std::string doctored;
  for (const std::string& row : rows) {
    std::smatch m;
    if (std::regex_search(row, m, std::regex("^0,ok,,lpt-pair,fifo,([0-9.e+]+),"))) {
      const double faster = std::stod(m[1]) / 1.1;
      doctored += std::regex_replace(row, std::regex(",fifo,[0-9.e+]+,"),
                                     fmt::format(",fifo,{},", faster)) +
                  "\n";
    } else {
      doctored += row + "\n";
    }
  }
  const fs::path bad = dir / "doctored.csv";
  write(bad, doctored);
  const Result regressed = cli(
      fmt::format("bench {} --schedulers fifo,largest_first --baseline {}", kSuite, bad.string()));
  EXPECT_EQ(regressed.exit_code, 1);
  EXPECT_NE(regressed.out.find("1 regression(s)"), std::string::npos) << regressed.out;
  EXPECT_NE(regressed.out.find("- lpt-pair / fifo: makespan"), std::string::npos) << regressed.out;
  // A tolerance above the 10 % lets it pass.
  EXPECT_EQ(
      cli(fmt::format("bench {} --schedulers fifo,largest_first --baseline {} --tolerance 11%",
                      kSuite, bad.string()))
          .exit_code,
      0);
  fs::remove_all(dir);
}

// The scheduler researchers' columns (SPEC §5.7) on the ideal suite, by arithmetic: lpt-pair
// under fifo has two threads taking 1, 1, then 1, 1, then 4 units of work (see its header),
// and the bounded slowdown ranking beside the makespan's.
TEST(Bench, WaitSlowdownSchedulerTimeAndBestKnownColumns) {
  const fs::path suite = fresh_dir("best-known");
  fs::create_directories(suite);
  fs::copy(kSuite + "/lpt-pair.yaml", suite / "lpt-pair.yaml");
  // A best-known makespan: the LPT order's (a scenario the suite lacks is ignored).
  write(suite / "best_known.csv",
        fmt::format("scenario,best_known_s,found_by\nlpt-pair,{},scheduler=largest_first\n"
                    "not-in-the-suite,5,order_seed=1\n",
                    kLptLargest));
  const Result r =
      cli(fmt::format("bench {} --schedulers fifo,largest_first,portfolio --json", suite.string()));
  ASSERT_EQ(r.exit_code, 0);
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 3u);
  const double t1 = kRoute + 1e9 / kCapped;  // one 1 GB move
  const double t4 = kRoute + 4e9 / kCapped;  // the 4 GB move
  EXPECT_NEAR(rows[0]["wait_mean_s"].get<double>(), 4 * t1 / 5, 1e-6);
  EXPECT_NEAR(rows[0]["bounded_slowdown_mean"].get<double>(),
              (1 + 1 + 2 + 2 + (2 * t1 + t4) / t4) / 5, 1e-9);
  EXPECT_NEAR(rows[0]["best_known_ratio"].get<double>(), kLptFifo / kLptLargest, 1e-9);
  EXPECT_NEAR(rows[1]["best_known_ratio"].get<double>(), 1, 1e-9);
  EXPECT_NEAR(rows[0]["best_known_s"].get<double>(), kLptLargest, 1e-6);
  // portfolio replays the plan under each rule and follows largest_first here.
  EXPECT_NEAR(rows[2]["makespan_s"].get<double>(), kLptLargest, kLptLargest * 1e-9);
  for (const auto& row : rows) {
    ASSERT_TRUE(row["scheduler_cpu_s"].is_number()) << row.dump();
    EXPECT_GE(row["scheduler_cpu_s"].get<double>(), 0);
  }
  // Without a best-known file the columns are empty, never made up.
  const Result plain = cli(fmt::format("bench {} --schedulers fifo --json", kSuite));
  ASSERT_EQ(plain.exit_code, 0);
  for (const auto& row : nlohmann::json::parse(plain.out)) {
    EXPECT_TRUE(row["best_known_s"].is_null());
    EXPECT_TRUE(row["best_known_ratio"].is_null());
  }
  // The terminal's tables: the rows and both rankings in the one table style.
  const Result text = cli(fmt::format("bench {} --schedulers fifo,largest_first", suite.string()));
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("Ranking by makespan"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Ranking by bounded slowdown"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("| "), std::string::npos) << "Markdown only with --markdown";
  for (const std::string& line : lines(text.out)) {
    EXPECT_TRUE(line.empty() || line.back() != ' ') << "trailing blank: '" << line << "'";
  }
  // fifo's mean bounded slowdown is above 1 and largest_first's lower on lpt-pair (its 1 GB
  // moves wait for one another on one thread): it ranks first there too.
  const std::regex first_by_slowdown(R"(Ranking by bounded slowdown[\s\S]*?\n\s+1\s+(\S+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text.out, m, first_by_slowdown)) << text.out;
  const double fifo_slowdown = rows[0]["bounded_slowdown_mean"].get<double>();
  const double lpt_slowdown = rows[1]["bounded_slowdown_mean"].get<double>();
  EXPECT_EQ(m[1].str(), fifo_slowdown <= lpt_slowdown ? "fifo" : "largest_first");
  // A malformed best-known file is refused with its line.
  write(suite / "best_known.csv", "scenario,best_known_s\nlpt-pair,-3\n");
  EXPECT_EQ(cli(fmt::format("bench {} --schedulers fifo", suite.string())).exit_code, 1);
  fs::remove_all(suite);
}

TEST(Bench, UnknownSchedulerIsAUsageError) {
  EXPECT_EQ(cli(fmt::format("bench {} --schedulers fifo,lifo", kSuite)).exit_code, 2);
}

namespace {

// bench/suite/disk-bound-source.yaml with `slow` mailboxes in each of the slow server's two
// databases and `fast` in the fast one's.
std::string disk_bound(int slow, int fast) {
  std::string yaml = read(fs::path(COEXLAB_SOURCE_DIR) / "bench/suite/disk-bound-source.yaml");
  const auto swap = [&yaml](const std::string& from, const std::string& to, int times) {
    for (int i = 0; i < times; ++i) {
      const size_t at = yaml.find(from);
      if (at == std::string::npos) {
        ADD_FAILURE() << "'" << from << "' is not in disk-bound-source.yaml " << times << " times";
        return;
      }
      yaml.replace(at, from.size(), to);
    }
  };
  swap("count: 100", fmt::format("count: {}", slow), 2);
  swap("count: 200", fmt::format("count: {}", fast), 1);
  swap("scenario: disk-bound-source", fmt::format("scenario: disk-bound-{}-{}", slow, fast), 1);
  return yaml;
}

}  // namespace

TEST(Bench, PortfolioRunsAsTheBestSingleRuleWhereMovesOnASlowDiskStayInStep) {
  // The slow server's moves start together and share its disk chunk by chunk. Which rule wins
  // shifts with the counts (largest_first at 40 + 40 / 80, bottleneck_aware at 20 + 20 / 40);
  // the portfolio's replay of the chunk model ranks them as the simulator does.
  const fs::path suite = fresh_dir("disk-bound");
  fs::create_directories(suite);
  write(suite / "a.yaml", disk_bound(40, 80));
  write(suite / "b.yaml", disk_bound(20, 40));
  const Result r = cli(fmt::format("bench {} --jobs 2 --json", suite.string()));
  fs::remove_all(suite);
  ASSERT_EQ(r.exit_code, 0);
  std::map<std::string, double> best, portfolio;
  for (const auto& row : nlohmann::json::parse(r.out)) {
    ASSERT_EQ(row["status"], "ok");
    ASSERT_EQ(row["unmoved"], 0);
    const std::string scenario = row["scenario"];
    const double makespan = row["makespan_s"];
    if (row["scheduler"] == "portfolio") {
      portfolio[scenario] = makespan;
    } else if (!best.count(scenario) || makespan < best[scenario]) {
      best[scenario] = makespan;
    }
  }
  ASSERT_EQ(portfolio.size(), 2u);
  for (const auto& [scenario, makespan] : portfolio)
    EXPECT_EQ(makespan, best[scenario]) << scenario;
}
