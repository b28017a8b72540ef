// `coexlab calibrate` end to end (issue 13, part 2): a synthetic pilot simulated with known,
// non-default constants is fitted back, and the fitted calibration predicts the whole migration
// under the true constants within 3 %; with 15 % lognormal noise on the durations within 10 %;
// and the bad pilots are positioned errors from the command too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "calendar.hpp"
#include "csv.hpp"
#include "harness.hpp"

namespace coexlab {
namespace {
using test::CliOutput;
using test::read_text;
using test::run_cli;
using test::TempDir;

// HQ and a branch 30 ms away; 16 HQ and 8 branch mailboxes of 100-300 MB move to HQ.
const char* const kScenario = R"(scenario: calib
start: 2007-06-01T20:00
seed: 5
sites:
  - name: HQ
  - name: Branch
links:
  - { between: [HQ, Branch], bandwidth: 100 Mbps, latency: 30 ms }
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 1600 },
                log_disk: { throughput: 100 MB/s, capacity: 500 GiB } }
    databases:
      - name: DB03
        mailboxes: { count: 16, size: { distribution: uniform, min: 100 MB, max: 300 MB } }
  - name: EX03-BR
    version: 2003
    site: Branch
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 1600 },
                log_disk: { throughput: 100 MB/s, capacity: 500 GiB } }
    databases:
      - name: DBBR
        mailboxes: { count: 8, size: { distribution: uniform, min: 100 MB, max: 300 MB } }
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 3000 },
                log_disk: { throughput: 200 MB/s, capacity: 1 TiB } }
    databases:
      - name: DB07
connectors:
  routing_group:
    - { between: [EX03-BR, EX03] }
workload: none
migration:
  mover: EX07
  max_threads: 4
  batches:
    - { name: hq, from: EX03/DB03, to: EX07/DB07 }
    - { name: branch, from: EX03-BR/DBBR, to: EX07/DB07 }
calibration: { bad_item_rate: 0 }
)";

const std::string kTrue =
    "--set 'calibration.item_server_time=40 ms' --set calibration.rpc_round_trips_per_item=7";

struct Measured {
  std::string mailbox;
  double start_s;  // from the scenario's start, 2007-06-01T20:00
  double duration_s;
};

// The pilot, as the true organisation ran it: the first 10 HQ and 6 branch mailboxes.
std::vector<Measured> simulate_pilot(const TempDir& dir, const std::string& scenario) {
  const CliOutput o =
      run_cli(fmt::format("run {} --quiet --out {} {} --set migration.batches.hq.mailboxes=10 "
                          "--set migration.batches.branch.mailboxes=6",
                          scenario, (dir.path() / "pilot-run").string(), kTrue));
  EXPECT_EQ(o.code, 0);
  const CsvReadResult csv = read_csv_text(read_text(dir.path() / "pilot-run" / "moves.csv"), "m");
  std::vector<Measured> out;
  const auto& h = csv.records.at(0).fields;
  const auto col = [&](const char* name) {
    for (size_t c = 0; c < h.size(); ++c)
      if (h[c].text == name) return c;
    ADD_FAILURE() << name;
    return size_t(0);
  };
  for (size_t r = 1; r < csv.records.size(); ++r) {
    const auto& f = csv.records[r].fields;
    out.push_back({f[col("mailbox")].text, std::stod(f[col("start_s")].text),
                   std::stod(f[col("end_s")].text) - std::stod(f[col("start_s")].text)});
  }
  EXPECT_EQ(out.size(), 16u);
  return out;
}

// The pilot file, with each duration times `factor[i]`.
std::string pilot_csv(const std::vector<Measured>& moves, const std::vector<double>& factor) {
  std::string text = "mailbox,start,end,status\n";
  std::string why;
  const CivilTime t0 = *parse_iso_datetime("2007-06-01T20:00", &why);
  for (size_t i = 0; i < moves.size(); ++i) {
    const CivilTime start = civil_at(t0, moves[i].start_s);
    const CivilTime end = civil_at(start, std::round(moves[i].duration_s * factor[i]));
    text += fmt::format("{},{},{},moved\n", moves[i].mailbox, start.iso(), end.iso());
  }
  return text;
}

double whole_duration(const TempDir& dir, const std::string& scenario) {
  const CliOutput o = run_cli(
      fmt::format("run {} --quiet --out {} {}", scenario, (dir.path() / "truth").string(), kTrue));
  EXPECT_EQ(o.code, 0);
  return nlohmann::json::parse(
             read_text(dir.path() / "truth" / "summary.json"))["migration"]["duration_s"]
      .get<double>();
}

nlohmann::json calibrate(const TempDir& dir, const std::string& scenario, const std::string& pilot,
                         const std::string& out) {
  const CliOutput o = run_cli(fmt::format("calibrate {} --pilot {} --out {} --jobs 2", scenario,
                                          pilot, (dir.path() / out).string()),
                              true);
  EXPECT_EQ(o.code, 0) << o.out;
  std::cout << o.out;
  return nlohmann::json::parse(read_text(dir.path() / out / "fit.json"));
}

const nlohmann::json& constant(const nlohmann::json& fit, const std::string& name) {
  for (const auto& c : fit["constants"])
    if (c["name"] == name) return c;
  throw std::runtime_error(name);
}

TEST(CalibrateCli, SyntheticPilotIsIdentifiedAndPredictsTheWholeMigrationWithin3Percent) {
  TempDir dir("coexlab-calibrate-identify");
  const std::string scenario = dir.write("calib.yaml", kScenario);
  const auto moves = simulate_pilot(dir, scenario);
  const std::string pilot =
      dir.write("pilot.csv", pilot_csv(moves, std::vector<double>(moves.size(), 1.0)));
  const nlohmann::json fit = calibrate(dir, scenario, pilot, "fit");
  const double truth = whole_duration(dir, scenario);
  const double predicted = fit["prediction"]["duration_s"].get<double>();
  std::cout << fmt::format("identification: predicted {:.0f} s, truth {:.0f} s ({:+.2f} %)\n",
                           predicted, truth, (predicted / truth - 1) * 100);
  RecordProperty("prediction_error", std::to_string(predicted / truth - 1));
  EXPECT_NEAR(predicted / truth, 1.0, 0.03);
  // Both constants the branch moves separate are fitted, near the truth.
  EXPECT_TRUE(constant(fit, "item_server_time")["determined"].get<bool>());
  EXPECT_TRUE(constant(fit, "rpc_round_trips_per_item")["determined"].get<bool>());
  EXPECT_NEAR(constant(fit, "item_server_time")["value"].get<double>(), 0.040, 0.004);
  EXPECT_NEAR(constant(fit, "rpc_round_trips_per_item")["value"].get<double>(), 7, 0.5);
  EXPECT_FALSE(constant(fit, "rpc_server_time")["determined"].get<bool>());
  EXPECT_LT(fit["rmse_relative"].get<double>(), 0.03);
  EXPECT_EQ(fit["residuals"].size(), 16u);
  // The outputs beside it.
  const std::string yaml = read_text(dir.path() / "fit" / "calibration.yaml");
  EXPECT_NE(yaml.find("\n  item_server_time: "), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("# rpc_server_time: not determined"), std::string::npos) << yaml;
  EXPECT_NE(read_text(dir.path() / "fit" / "report.html").find("<html"), std::string::npos);
}

TEST(CalibrateCli, LanOnlyPilotKeepsTheRoundTripsAndSaysWhatToAdd) {
  TempDir dir("coexlab-calibrate-lan");
  const std::string scenario = dir.write("calib.yaml", kScenario);
  auto moves = simulate_pilot(dir, scenario);
  moves.erase(std::remove_if(moves.begin(), moves.end(),
                             [](const Measured& m) { return m.mailbox.rfind("EX03-BR", 0) == 0; }),
              moves.end());
  const std::string pilot =
      dir.write("pilot.csv", pilot_csv(moves, std::vector<double>(moves.size(), 1.0)));
  const nlohmann::json fit = calibrate(dir, scenario, pilot, "fit");
  const auto& trips = constant(fit, "rpc_round_trips_per_item");
  EXPECT_FALSE(trips["determined"].get<bool>());
  EXPECT_EQ(trips["value"].get<double>(), 4.8);
  EXPECT_NE(trips["note"].get<std::string>().find("HQ-Branch link (30 ms"), std::string::npos)
      << trips["note"];
  EXPECT_TRUE(constant(fit, "item_server_time")["determined"].get<bool>());
}

double normal(std::mt19937_64& rng) {  // Box-Muller on our own uniforms
  const double u1 = (double(rng() >> 11) + 0.5) / 9007199254740992.0;
  const double u2 = (double(rng() >> 11) + 0.5) / 9007199254740992.0;
  return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

TEST(CalibrateCli, NoisyPilotPredictsWithin10PercentAndItsIntervalCovers) {
  TempDir dir("coexlab-calibrate-noise");
  const std::string scenario = dir.write("calib.yaml", kScenario);
  const auto moves = simulate_pilot(dir, scenario);
  const double truth = whole_duration(dir, scenario);
  const int seeds = 4;  // the many-seed coverage figure is tests/analysis/test_calibrate.cpp's
  int covered = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::mt19937_64 rng{static_cast<std::uint64_t>(seed)};
    std::vector<double> factor;
    for (size_t i = 0; i < moves.size(); ++i) factor.push_back(std::exp(0.15 * normal(rng)));
    const std::string pilot =
        dir.write(fmt::format("pilot-{}.csv", seed), pilot_csv(moves, factor));
    const nlohmann::json fit = calibrate(dir, scenario, pilot, fmt::format("fit-{}", seed));
    const auto& p = fit["prediction"];
    const double predicted = p["duration_s"].get<double>();
    const bool in = p["low_s"].get<double>() <= truth && truth <= p["high_s"].get<double>();
    covered += in;
    std::cout << fmt::format(
        "seed {}: predicted {:.0f} s ({:+.1f} %), 90 % interval {:.0f} .. "
        "{:.0f} s, truth {:.0f} s {}\n",
        seed, predicted, (predicted / truth - 1) * 100, p["low_s"].get<double>(),
        p["high_s"].get<double>(), truth, in ? "covered" : "not covered");
    EXPECT_NEAR(predicted / truth, 1.0, 0.10) << "seed " << seed;
    EXPECT_LT(p["low_s"].get<double>(), predicted);
    EXPECT_GT(p["high_s"].get<double>(), predicted);
  }
  std::cout << fmt::format("simulated coverage: {} of {} noisy pilots\n", covered, seeds);
  RecordProperty("covered", std::to_string(covered));
  EXPECT_GE(covered, seeds / 2);  // a loose band: 4 seeds cannot measure 90 %
}

TEST(CalibrateCli, BadPilotIsAPositionedErrorAndExit1) {
  TempDir dir("coexlab-calibrate-bad");
  const std::string scenario = dir.write("calib.yaml", kScenario);
  const std::string pilot = dir.write("pilot.csv",
                                      "mailbox,start,end,status\n"
                                      "EX03/DB03/0001,2007-05-25T20:00,2007-05-25T20:30,moved\n"
                                      "EX03/DB03/0042,2007-05-25T20:00,2007-05-25T20:30,moved\n");
  const CliOutput o = run_cli(fmt::format("calibrate {} --pilot {} --out {}", scenario, pilot,
                                          (dir.path() / "out").string()),
                              true);
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find(pilot + ":3:1: error: unknown mailbox 'EX03/DB03/0042'"), std::string::npos)
      << o.out;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "fit.json"));
  // --fit names only move constants.
  EXPECT_EQ(run_cli(fmt::format("calibrate {} --pilot {} --fit hub_cpu_cycles_per_message",
                                scenario, pilot))
                .code,
            2);
}

}  // namespace
}  // namespace coexlab
