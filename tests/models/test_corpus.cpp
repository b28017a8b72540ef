// The bad-input corpus (tests/corpus/NN-short-name.yaml): every file opens with one or more
//   # expect: LINE:COLUMN: error: SUBSTRING-OF-MESSAGE
// lines. `load_and_check` must report each of them (at exactly that line and column) and no
// other error; a YAML syntax error must be the only diagnostic. One test per file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "loader.hpp"
#include "rules.hpp"

using namespace coexlab;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(COEXLAB_SOURCE_DIR) / "tests" / "corpus";

struct Expectation {
  int line = 0;
  int column = 0;
  std::string message_part;
  std::string text;  // as written, for messages
};

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  if (!fs::is_directory(kCorpus)) return files;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") {
      files.push_back(e.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The leading "# expect:" lines of a file; `error` is set when one is malformed.
std::vector<Expectation> expectations(const fs::path& file, std::string* error) {
  static const std::regex kExpect(R"(^# expect: (\d+):(\d+): error: (.+)$)");
  std::vector<Expectation> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# expect:", 0) != 0) break;
    std::smatch m;
    if (!std::regex_match(line, m, kExpect)) {
      *error = "malformed expectation: " + line;
      return {};
    }
    out.push_back({std::stoi(m[1]), std::stoi(m[2]), m[3], line.substr(10)});
  }
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);  // without ".yaml"
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Corpus, ReportsExactlyTheExpectedErrors) {
  const fs::path file = kCorpus / GetParam();
  std::string malformed;
  const std::vector<Expectation> expected = expectations(file, &malformed);
  ASSERT_TRUE(malformed.empty()) << malformed;
  ASSERT_FALSE(expected.empty()) << file
                                 << " does not start with '# expect: LINE:COLUMN: error: ...'";

  const LoadResult r = load_and_check(file.string(), {});
  EXPECT_TRUE(r.usage_error.empty()) << r.usage_error;
  EXPECT_TRUE(r.diagnostics.has_errors());
  EXPECT_FALSE(r.scenario.has_value()) << "an invalid scenario must not be handed on";

  std::string all;
  for (const Diagnostic& d : r.diagnostics.sorted()) all += "  " + d.format() + "\n";

  // Match every expectation to a distinct error, by position and message part.
  std::vector<Diagnostic> errors;
  for (const Diagnostic& d : r.diagnostics.sorted()) {
    if (d.severity == Severity::error) errors.push_back(d);
  }
  std::vector<bool> used(errors.size(), false);
  for (const Expectation& e : expected) {
    bool found = false;
    for (size_t i = 0; i < errors.size() && !found; ++i) {
      const Diagnostic& d = errors[i];
      if (used[i] || d.pos.line != e.line || d.pos.column != e.column) continue;
      const std::string formatted = d.format();
      const std::string prefix = file.string() + ":" + std::to_string(e.line) + ":" +
                                 std::to_string(e.column) + ": error: ";
      if (formatted.rfind(prefix, 0) == 0 && d.message.find(e.message_part) != std::string::npos) {
        used[i] = found = true;
      }
    }
    EXPECT_TRUE(found) << "expected: " << e.text << "\ngot:\n" << all;
  }
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_TRUE(used[i]) << "unexpected: " << errors[i].format() << "\ngot:\n" << all;
  }

  // A YAML syntax error is reported alone: parsing stops there.
  const bool syntax = std::any_of(expected.begin(), expected.end(), [](const Expectation& e) {
    return e.message_part.rfind("YAML syntax:", 0) == 0;
  });
  if (syntax) {
    EXPECT_EQ(r.diagnostics.all().size(), 1u) << all;
  }
}

INSTANTIATE_TEST_SUITE_P(BadInput, Corpus, ::testing::ValuesIn(corpus_files()), test_name);

TEST(CorpusLayout, AtLeastFortyFilesNamedNNShortName) {
  const auto files = corpus_files();
  EXPECT_GE(files.size(), 40u);
  // Two digits, then three from 100 on.
  static const std::regex kName(R"(^\d{2,3}-[a-z0-9]+(-[a-z0-9]+)*\.yaml$)");
  std::vector<std::string> numbers;
  for (const std::string& f : files) {
    EXPECT_TRUE(std::regex_match(f, kName)) << f;
    numbers.push_back(f.substr(0, f.find('-')));
  }
  // No two files share a number.
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(std::adjacent_find(numbers.begin(), numbers.end()), numbers.end());
}
