// The inventory's display names through a run (SPEC §5.3, §4): `coexlab run` on the shipped
// inventory example writes moves.csv with `name` as its last column, quoted as RFC 4180
// requires — read back by the same libcsv reader, every row's name is the DisplayName of its
// mailbox, commas, quotes and non-ASCII letters included.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "csv.hpp"
#include "loader.hpp"
#include "mailboxes.hpp"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(InventoryOutputs, DisplayNamesComeOutQuotedInMovesCsv) {
  const std::string scenario =
      fmt::format("{}/scenarios/inventory-example.yaml", COEXLAB_SOURCE_DIR);
  const fs::path out =
      fs::temp_directory_path() / fmt::format("coexlab-test-inventory-{}", ::getpid());
  fs::remove_all(out);
  const std::string cmd = fmt::format("{} run {} --out {} --quiet >/dev/null 2>&1", COEXLAB_BINARY,
                                      scenario, out.string());
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;

  const coexlab::LoadResult loaded = coexlab::load_scenario_file(scenario);
  ASSERT_TRUE(loaded.scenario && !loaded.diagnostics.has_errors());
  std::map<std::string, std::string> name_of;
  for (const coexlab::Mailbox& m : coexlab::generate_mailboxes(*loaded.scenario))
    name_of[m.id] = m.name;
  ASSERT_EQ(name_of.size(), 36u);

  const std::string text = read(out / "moves.csv");
  // The raw bytes: a comma and doubled quotes inside one quoted field.
  EXPECT_NE(text.find(",\"Smith, John \"\"Jack\"\"\",2007-"), std::string::npos);
  EXPECT_NE(text.find(",\"M\xC3\xBCller, J\xC3\xBCrgen\",2007-"), std::string::npos);

  const coexlab::CsvReadResult csv = coexlab::read_csv_text(text, "moves.csv");
  ASSERT_FALSE(csv.error) << csv.error->format();
  ASSERT_GE(csv.records.size(), 37u);
  const auto& header = csv.records[0].fields;
  ASSERT_EQ(header.size(), 14u);  // SPEC §4's columns, name, then start and end (SPEC §5.2)
  EXPECT_EQ(header.front().text, "mailbox");
  EXPECT_EQ(header[11].text, "name");
  size_t with_comma = 0;
  for (size_t i = 1; i < csv.records.size(); ++i) {
    const auto& f = csv.records[i].fields;
    ASSERT_EQ(f.size(), header.size()) << "line " << csv.records[i].line;
    ASSERT_TRUE(name_of.count(f[0].text)) << f[0].text;
    EXPECT_EQ(f[11].text, name_of[f[0].text]) << f[0].text;
    EXPECT_FALSE(f[11].text.empty());
    if (f[11].text.find(',') != std::string::npos) ++with_comma;
  }
  EXPECT_GE(with_comma, 30u);
  fs::remove_all(out);
}
