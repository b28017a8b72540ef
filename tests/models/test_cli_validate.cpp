// `coexlab validate` as a user runs it: exit codes (0 valid, also with warnings; 1 invalid;
// 2 bad usage) and every diagnostic line on stderr as FILE:LINE:COLUMN: error|warning: MESSAGE;
// with --json, the same diagnostics as one JSON array on stdout (docs/outputs.md).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

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
  const coexlab::testing::CliResult c = coexlab::testing::run_coexlab(args);
  CliRun r;
  r.exit_code = c.exit_code;
  r.out = c.out;
  std::istringstream in(c.err);
  std::string line;
  while (std::getline(in, line)) r.err_lines.push_back(line);
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

// ---- validate --json ------------------------------------------------------------------------

namespace {

// The array validate --json prints; a test failure (and an empty array) when it is not one
// array of objects with exactly the documented fields.
nlohmann::ordered_json diagnostics_json(const CliRun& r) {
  nlohmann::ordered_json a;
  try {
    a = nlohmann::ordered_json::parse(r.out);
  } catch (const nlohmann::ordered_json::exception& e) {
    ADD_FAILURE() << "stdout is not JSON: " << e.what() << "\n" << r.out;
    return nlohmann::ordered_json::array();
  }
  if (!a.is_array()) {
    ADD_FAILURE() << "not an array: " << r.out;
    return nlohmann::ordered_json::array();
  }
  for (const auto& d : a) {
    EXPECT_TRUE(d.is_object()) << d.dump();
    std::vector<std::string> keys;
    for (const auto& [k, v] : d.items()) keys.push_back(k);
    EXPECT_EQ(keys,
              (std::vector<std::string>{"file", "line", "column", "severity", "message", "rule"}))
        << d.dump();
  }
  return a;
}

// A JSON diagnostic written as the text form prints it.
std::string fmt_line(const nlohmann::ordered_json& d) {
  std::string out = d["file"].get<std::string>();
  if (d["line"].is_number()) {
    out +=
        ":" + std::to_string(d["line"].get<int>()) + ":" + std::to_string(d["column"].get<int>());
  }
  return out + ": " + d["severity"].get<std::string>() + ": " + d["message"].get<std::string>();
}

}  // namespace

TEST_F(CliValidate, JsonReferenceScenarioWarningsWithRuleIdsExitZero) {
  // contoso without its `acknowledge` line: the warnings it intends come back.
  const std::string file = ::testing::TempDir() + "contoso-unacknowledged.yaml";
  {
    std::ifstream in(kSource + "/scenarios/contoso-weekend.yaml");
    std::ofstream out(file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("acknowledge:", 0) != 0) out << line << '\n';
    }
  }
  const CliRun r = run("validate --json " + quoted(file));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.err_lines.empty()) << joined(r.err_lines);
  const nlohmann::ordered_json a = diagnostics_json(r);
  ASSERT_FALSE(a.empty());
  std::vector<std::string> rules;
  for (const auto& d : a) {
    EXPECT_EQ(d["file"], file);
    EXPECT_EQ(d["severity"], "warning");
    EXPECT_TRUE(d["line"].is_number_integer() && d["line"].get<int>() > 0) << d.dump();
    EXPECT_TRUE(d["column"].is_number_integer() && d["column"].get<int>() > 0) << d.dump();
    if (d["rule"].is_string()) rules.push_back(d["rule"].get<std::string>());
  }
  // contoso's intended warnings: the implicit coexistence connector and decommissioning.
  EXPECT_NE(std::find(rules.begin(), rules.end(), "L7"), rules.end()) << a.dump(2);
  EXPECT_NE(std::find(rules.begin(), rules.end(), "L11"), rules.end()) << a.dump(2);
}

TEST_F(CliValidate, JsonSameDiagnosticsAsTheTextExitOne) {
  const std::string file = kSource + "/tests/corpus/75-multi-error-one-pass.yaml";
  const CliRun text = run("validate " + quoted(file));
  const CliRun r = run("validate --json " + quoted(file));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.exit_code, text.exit_code);
  EXPECT_TRUE(r.err_lines.empty()) << joined(r.err_lines);
  const nlohmann::ordered_json a = diagnostics_json(r);
  std::vector<std::string> from_json;
  for (const auto& d : a) {
    from_json.push_back(fmt_line(d));
  }
  std::vector<std::string> from_text(text.err_lines.begin(), text.err_lines.end() - 1);
  EXPECT_EQ(from_json, from_text);
  EXPECT_EQ(a.size(), 6u);
}

TEST_F(CliValidate, JsonRuleIdsOfLayoutAndToolRulesNullElsewhere) {
  const auto rule_of = [&](const std::string& corpus) {
    const CliRun r = run("validate --json " + quoted(kSource + "/tests/corpus/" + corpus));
    EXPECT_EQ(r.exit_code, 1) << corpus;
    std::vector<std::string> rules;
    for (const auto& d : diagnostics_json(r)) {
      if (d["severity"] == "error")
        rules.push_back(d["rule"].is_null() ? std::string("null") : d["rule"].get<std::string>());
    }
    return rules;
  };
  EXPECT_EQ(rule_of("40-l1-edge-with-other-role.yaml"), std::vector<std::string>{"L1"});
  EXPECT_EQ(rule_of("56-l10-mover-on-2003.yaml"), std::vector<std::string>{"L10"});
  EXPECT_EQ(rule_of("58-tool-2003-on-2007-mailbox.yaml"), std::vector<std::string>{"tools"});
  EXPECT_EQ(rule_of("16-range-zero-cores.yaml"), std::vector<std::string>{"null"});
}

TEST_F(CliValidate, JsonSyntaxErrorAloneAndSeveralFilesInOneArray) {
  const std::string bad = kSource + "/tests/corpus/01-yaml-unclosed-flow-map.yaml";
  const std::string good = kSource + "/scenarios/hairpin.yaml";  // its hairpin warning
  const CliRun r = run("validate --json " + quoted(bad) + " " + quoted(good));
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::ordered_json a = diagnostics_json(r);
  ASSERT_GE(a.size(), 2u);
  EXPECT_EQ(a[0]["file"], bad);
  EXPECT_EQ(a[0]["line"], 17);
  EXPECT_EQ(a[0]["column"], 9);
  EXPECT_EQ(a[0]["severity"], "error");
  EXPECT_EQ(a[0]["message"], "YAML syntax: end of map flow not found");
  EXPECT_TRUE(a[0]["rule"].is_null());
  for (size_t i = 1; i < a.size(); ++i) EXPECT_EQ(a[i]["file"], good) << a[i].dump();
  EXPECT_EQ(run("validate --json /nonexistent/scenario.yaml").exit_code, 2);
}

TEST_F(CliValidate, AcknowledgedWarningsAreCountedNotPrinted) {
  const std::string file = kSource + "/scenarios/contoso-weekend.yaml";
  const CliRun r = run("validate " + quoted(file));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.err_lines.empty()) << joined(r.err_lines);
  EXPECT_NE(r.out.find(file + ": valid (0 warning(s), 2 acknowledged)"), std::string::npos)
      << r.out;
  const CliRun j = run("validate --json " + quoted(file));
  EXPECT_EQ(j.out, "[]\n");
}
