// The sweep tables' CSV (analysis/sweep.cpp): written through the libcsv writer, read back by
// the libcsv reader for --resume and --baseline; a torn last line means the file is not whole.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "sweep.hpp"

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(SweepCsv, CellsWithCommasQuotesAndNewlinesRoundTrip) {
  const coexlab::RowTable table({"variant_index", "status", "error", "migration.windows"});
  const std::vector<ojson> rows{
      {{"variant_index", 0},
       {"status", "ok"},
       {"error", ""},
       {"migration.windows", "[{from: \"Fri 20:00\", to: \"Mon 06:00\"}]"}},
      {{"variant_index", 1},
       {"status", "failed"},
       {"error", "exit 1: line one\nline, two"},
       {"migration.windows", nullptr}}};
  const std::string text = table.csv(rows);
  EXPECT_NE(text.find("\"[{from: \"\"Fri 20:00\"\", to: \"\"Mon 06:00\"\"}]\""), std::string::npos);
  const fs::path p = write_temp("coexlab-sweep-csv", text);
  const auto back = coexlab::read_csv(p.string());
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].at("migration.windows"), "[{from: \"Fri 20:00\", to: \"Mon 06:00\"}]");
  EXPECT_EQ((*back)[1].at("error"), "exit 1: line one\nline, two");
  EXPECT_EQ((*back)[1].at("migration.windows"), "");
  fs::remove(p);
}

TEST(SweepCsv, ATornOrRaggedFileIsNotWhole) {
  const fs::path torn = write_temp("coexlab-sweep-torn", "a,b\n1,2\n3,");
  EXPECT_FALSE(coexlab::read_csv(torn.string()));
  const fs::path open = write_temp("coexlab-sweep-open", "a,b\n1,\"x\n");
  EXPECT_FALSE(coexlab::read_csv(open.string()));
  const fs::path ragged = write_temp("coexlab-sweep-ragged", "a,b\n1,2,3\n");
  EXPECT_FALSE(coexlab::read_csv(ragged.string()));
  EXPECT_FALSE(coexlab::read_csv("/nonexistent/coexlab.csv"));
  for (const fs::path& p : {torn, open, ragged}) fs::remove(p);
}

}  // namespace
