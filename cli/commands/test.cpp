// coexlab test FILE_OR_DIR... [--junit FILE] [--json] [--out DIR] [--resume] [--timeout S]:
// every scenario that has `checks`, each simulated by a child `coexlab run` (SimGrid allows one
// engine per process), pass/fail per check with the measured value. Rows
// variant_index,status,error,scenario,expr,passed,value,message (variant_index: the
// scenario's place in the run, one row per check); a table on stdout or the rows as JSON;
// JUnit XML (one testsuite per scenario, one testcase per check) for CI systems; exit 1 on any
// failure.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "atomic_file.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "loader.hpp"
#include "rules.hpp"
#include "support.hpp"
#include "svg.hpp"
#include "sweep.hpp"
#include "sweep_support.hpp"
#include "table.hpp"

namespace coexlab {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

struct TestOptions {
  std::vector<std::string> paths;
  std::string junit;
  bool json = false;
  std::string out_dir;
  bool resume = false;
  double timeout_s = 0;
  bool mpi = false;
};

const RowTable& test_table() {
  static const RowTable table{
      {"variant_index", "status", "error", "scenario", "expr", "passed", "value", "message"}};
  return table;
}

// One scenario file to test, and what came of it.
struct ScenarioRun {
  int index = 0;
  std::string file;
  std::string name;                 // `scenario:` of the file (its path when it does not load)
  std::vector<std::string> checks;  // the expressions, in file order
  std::string load_error;           // the file does not load: its errors
  double seconds = 0;               // wall time of the child
  std::vector<ojson> rows;
};

// Files named on the command line, directories expanded to their *.yaml / *.yml (not
// recursive), sorted; each file once.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const std::string& p : paths) {
    std::vector<std::string> found;
    if (fs::is_directory(p)) {
      for (const fs::directory_entry& e : fs::directory_iterator(p)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
    } else {
      found.push_back(p);
    }
    for (const std::string& f : found) {
      if (seen.insert(fs::weakly_canonical(f).string()).second) files.push_back(f);
    }
  }
  return files;
}

// The rows of a scenario from its child's result: one per check.
void rows_from_result(ScenarioRun& run, const VariantResult& r) {
  const nlohmann::json* outcomes = nullptr;
  if (r.status == "ok" && r.summary.is_object() && r.summary.contains("checks") &&
      r.summary["checks"].is_array()) {
    outcomes = &r.summary["checks"];
  }
  for (size_t i = 0; i < run.checks.size(); ++i) {
    ojson row{{"variant_index", run.index}, {"status", r.status},    {"error", r.error},
              {"scenario", run.file},       {"expr", run.checks[i]}, {"passed", false},
              {"value", nullptr},           {"message", ""}};
    if (outcomes && i < outcomes->size()) {
      const nlohmann::json& o = (*outcomes)[i];
      row["passed"] = o.value("passed", false);
      row["value"] = o.contains("value") ? ojson::parse(o["value"].dump()) : ojson(nullptr);
      row["message"] = o.value("message", "");
    } else if (r.status == "ok") {
      // The child wrote a summary without this check: it cannot have been evaluated.
      row["status"] = "failed";
      row["error"] = "summary.json has no result for this check";
    }
    run.rows.push_back(row);
  }
}

void rows_for_load_error(ScenarioRun& run) {
  run.rows.push_back(ojson{{"variant_index", run.index},
                           {"status", "failed"},
                           {"error", run.load_error},
                           {"scenario", run.file},
                           {"expr", ""},
                           {"passed", false},
                           {"value", nullptr},
                           {"message", ""}});
}

// ---- JUnit XML ------------------------------------------------------------------------------

// Text and attribute values: the one escaper of HTML and XML (analysis/svg.hpp).
std::string xml_escape(const std::string& s) {
  return svg::escape(s);
}

std::string value_text(const ojson& v) {
  return v.is_null() ? "null" : v.dump();
}

// The format CI systems read (Jenkins, GitLab, GitHub actions): <testsuites> of <testsuite>
// per scenario with a <testcase> per check; a failed check is a <failure>, a scenario that
// could not be simulated an <error> on each of its checks.
std::string junit_xml(const std::vector<ScenarioRun>& runs) {
  int tests = 0, failures = 0, errors = 0;
  double seconds = 0;
  std::string suites;
  for (const ScenarioRun& run : runs) {
    int suite_failures = 0, suite_errors = 0;
    std::string cases;
    for (const ojson& row : run.rows) {
      const std::string expr = row.value("expr", "");
      const std::string status = row.value("status", "");
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"0\">",
                           xml_escape(run.name), xml_escape(expr.empty() ? "(scenario)" : expr),
                           xml_escape(run.file));
      if (status != "ok") {
        ++suite_errors;
        const std::string error = row.value("error", "");
        cases += fmt::format("\n      <error type=\"{}\" message=\"{}\">{}</error>\n    ",
                             xml_escape(status), xml_escape(error), xml_escape(error));
      } else if (!row.value("passed", false)) {
        ++suite_failures;
        const std::string message = row.value("message", "");
        cases += fmt::format(
            "\n      <failure type=\"check\" message=\"{}\">value: {}\n{}</failure>\n    ",
            xml_escape(message), xml_escape(value_text(row["value"])), xml_escape(message));
      } else {
        cases += fmt::format("\n      <system-out>value: {}</system-out>\n    ",
                             xml_escape(value_text(row["value"])));
      }
      cases += "</testcase>\n";
    }
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
        "time=\"{:.3f}\" file=\"{}\">\n{}"
        "  </testsuite>\n",
        xml_escape(run.name), run.rows.size(), suite_failures, suite_errors, run.seconds,
        xml_escape(run.file), cases);
    tests += int(run.rows.size());
    failures += suite_failures;
    errors += suite_errors;
    seconds += run.seconds;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"coexlab test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "time=\"{:.3f}\">\n{}</testsuites>\n",
      tests, failures, errors, seconds, suites);
}

// ---- --out DIR/test.csv and --resume ----------------------------------------------------------

// Rows of an earlier run kept by --resume: a scenario counts as done when test.csv holds a
// row for each of its current checks, in order, with the same file (a scenario cut short by
// an interruption is simulated again).
std::map<int, std::vector<ojson>> finished_rows(const std::string& csv,
                                                const std::vector<ScenarioRun>& runs) {
  std::map<int, std::vector<ojson>> by_index;
  const auto rows = read_csv(csv);
  if (!rows) return by_index;
  for (const auto& r : *rows) {
    if (!r.count("variant_index") || r.at("variant_index").empty()) continue;
    ojson row;
    for (const std::string& c : test_table().columns()) {
      const auto it = r.find(c);
      row[c] = it == r.end() ? ojson(nullptr) : cell_to_json(it->second);
    }
    // Texts stay texts even when they look like numbers.
    for (const char* text : {"status", "error", "scenario", "expr", "message"}) {
      const auto it = r.find(text);
      row[text] = it == r.end() ? "" : it->second;
    }
    by_index[std::stoi(r.at("variant_index"))].push_back(row);
  }
  std::map<int, std::vector<ojson>> done;
  for (const ScenarioRun& run : runs) {
    const auto it = by_index.find(run.index);
    if (it == by_index.end() || !run.load_error.empty() || it->second.size() != run.checks.size())
      continue;
    bool same = true;
    for (size_t i = 0; i < run.checks.size(); ++i) {
      same = same && it->second[i].value("scenario", "") == run.file &&
             it->second[i].value("expr", "") == run.checks[i];
    }
    if (same) done[run.index] = it->second;
  }
  return done;
}

std::string append_rows(const std::string& csv, const std::vector<ojson>& rows) {
  if (csv.empty() || rows.empty()) return {};
  // One durable write per scenario: its rows arrive together.
  std::string lines;
  for (const ojson& r : rows) lines += (lines.empty() ? "" : "\n") + test_table().csv_line(r);
  return append_line_durably(csv, lines);
}

int run_tests(const TestOptions& o) {
  std::vector<ScenarioRun> runs;
  for (const std::string& file : scenario_files(o.paths)) {
    LoadResult r = load_and_check(file, {});
    ScenarioRun run;
    run.file = file;
    run.name = file;
    if (r.diagnostics.has_errors()) {
      print_diagnostics(r.diagnostics);
      const std::vector<Diagnostic> sorted = r.diagnostics.sorted();
      const auto first_error = std::find_if(sorted.begin(), sorted.end(), [](const Diagnostic& d) {
        return d.severity == Severity::error;
      });
      run.load_error = fmt::format("{} error(s), the first: {}", r.diagnostics.error_count(),
                                   first_error->format());
    } else {
      if (r.scenario->checks.empty()) {
        std::cerr << fmt::format("coexlab: {}: no checks, skipped\n", file);
        continue;
      }
      run.name = r.scenario->name;
      for (const Check& c : r.scenario->checks) run.checks.push_back(c.expr);
    }
    run.index = int(runs.size());
    runs.push_back(std::move(run));
  }
  if (runs.empty()) {
    std::cerr << "coexlab: no scenario with checks in "
              << fmt::format("{}", fmt::join(o.paths, ", ")) << '\n';
    return kExitUsage;
  }

  // Before any scenario runs: a suite of minutes must not end in "cannot write".
  if (!o.junit.empty()) {
    if (std::string err = check_output_file(o.junit); !err.empty()) {
      std::cerr << "coexlab: --junit " << o.junit << ": " << err << '\n';
      return kExitUsage;
    }
  }
  if (!o.out_dir.empty()) {
    if (std::string err = check_output_dir(o.out_dir); !err.empty()) {
      std::cerr << "coexlab: --out " << o.out_dir << ": " << err << '\n';
      return kExitUsage;
    }
  }
  const std::string csv = o.out_dir.empty() ? "" : (fs::path(o.out_dir) / "test.csv").string();
  std::map<int, std::vector<ojson>> done;
  if (!csv.empty()) {
    if (o.resume) done = finished_rows(csv, runs);
    std::string content = test_table().csv_header() + "\n";
    for (const auto& [index, rows] : done) {
      for (const ojson& r : rows) content += test_table().csv_line(r) + "\n";
    }
    if (std::string err = write_file_atomically(csv, content); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }

  const auto finished = [&](ScenarioRun& run) {
    if (!done.count(run.index)) {
      if (std::string err = append_rows(csv, run.rows); !err.empty())
        std::cerr << "coexlab: " << err << '\n';
    }
    size_t passed = 0;
    for (const ojson& r : run.rows) passed += r.value("passed", false) ? 1 : 0;
    std::cerr << fmt::format("[{}/{}] {}: {} of {} checks passed\n", run.index + 1, runs.size(),
                             run.file, passed, run.rows.size());
  };
  // The scenarios to simulate are the variants of one sweep (over MPI with --mpi: SPEC §5.6).
  std::vector<Variant> variants;
  for (ScenarioRun& run : runs) {
    if (auto it = done.find(run.index); it != done.end()) {
      run.rows = it->second;
    } else if (!run.load_error.empty()) {
      rows_for_load_error(run);
    } else {
      variants.push_back(Variant{run.index, {}, run.file});
      continue;
    }
    finished(run);
  }
  SweepOptions so;
  so.binary = self_executable();
  so.timeout_s = o.timeout_s;
  so.work_dir = (fs::temp_directory_path() / fmt::format("coexlab-test-{}-0", ::getpid())).string();
  run_sweep(variants, so, [&](const VariantResult& r) {
    ScenarioRun& run = runs.at(size_t(r.index));
    run.seconds = r.wall_s;
    rows_from_result(run, r);
    finished(run);
  });

  std::vector<ojson> rows;
  for (const ScenarioRun& run : runs) rows.insert(rows.end(), run.rows.begin(), run.rows.end());
  if (!csv.empty()) {
    if (std::string err = write_file_atomically(csv, test_table().csv(rows)); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  if (!o.junit.empty()) {
    if (std::string err = write_file_atomically(o.junit, junit_xml(runs)); !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  size_t failed = 0;
  for (const ojson& r : rows) failed += r.value("passed", false) ? 0 : 1;
  if (o.json) {
    std::cout << ojson(rows).dump(2) << '\n';
  } else {
    // The terminal shows each value in the unit of its check (SI stays in CSV and JSON).
    std::vector<ojson> shown = rows;
    for (ojson& r : shown) {
      if (!r["value"].is_number() || !r["expr"].is_string()) continue;
      const std::string text =
          check_value_text(r["value"].get<double>(), r["expr"].get<std::string>());
      if (!text.empty()) r["value"] = text;
    }
    std::cout << test_table().text(shown);
    std::cout << fmt::format("{} checks in {} scenarios: {} passed, {} failed\n", rows.size(),
                             runs.size(), rows.size() - failed, failed);
  }
  return failed == 0 ? kExitOk : kExitInvalid;
}

}  // namespace

Command add_test_command(CLI::App& app) {
  auto o = std::make_shared<TestOptions>();
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run every scenario that has checks (directories: their *.yaml files) and report pass or "
      "fail per check with the measured value; exit 1 if any check fails");
  cmd->add_option("FILE_OR_DIR", o->paths, "scenario files or directories of them")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--junit", o->junit,
                  "write JUnit XML to FILE (one testsuite per scenario, one testcase per check)");
  cmd->add_flag("--json", o->json, "print the rows as a JSON array on stdout, nothing else");
  cmd->add_option("--out", o->out_dir, "write the rows to DIR/test.csv as each scenario finishes");
  cmd->add_flag("--resume", o->resume, "with --out: keep the scenarios already in DIR/test.csv");
  cmd->add_option("--timeout", o->timeout_s,
                  "seconds a scenario may run before it is killed (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  add_mpi_option(cmd, o->mpi);
  return {cmd, [o] { return run_tests(*o); }};
}

}  // namespace coexlab
