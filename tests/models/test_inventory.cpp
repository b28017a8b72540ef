// The inventory import (SPEC §5.3, models/inventory.cpp) and the CSV layer under it
// (models/csv.cpp, libcsv): both TotalItemSize formats, quoting, a BOM, CRLF, the #TYPE line,
// the database filter, extra columns, and the position of every error in the CSV.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "csv.hpp"
#include "inventory.hpp"
#include "mailboxes.hpp"
#include "test_support.hpp"

namespace {

using namespace coexlab;
using namespace coexlab::testing;
namespace fs = std::filesystem;

// A directory of its own per test: a scenario file and its inventories.
class Inventory : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("coexlab-inventory-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // The base scenario with DB03's mailboxes replaced by `mailboxes`, loaded as dir/s.yaml.
  LoadResult load(const std::string& mailboxes) {
    const std::string text = replace_once(kBaseScenario, "mailboxes: { count: 10, size: 300 MB }",
                                          "mailboxes: " + mailboxes);
    write("s.yaml", text);
    LoadResult r = load_scenario_text(text, path("s.yaml"));
    if (r.scenario) check_rules(*r.scenario, r.diagnostics);
    return r;
  }
  static const MailboxPopulation& db03(const LoadResult& r) {
    return r.scenario->servers[0].databases[0].mailboxes;
  }

  fs::path dir_;
};

const char* const kExport =
    "\xEF\xBB\xBF#TYPE Microsoft.Exchange.Data.Mapi.MailboxStatistics\r\n"
    "\"AssociatedItemCount\",\"DisplayName\",\"ItemCount\",\"LastLogonTime\",\"LegacyDN\","
    "\"MailboxGuid\",\"StorageLimitStatus\",\"TotalItemSize\",\"Database\"\r\n"
    "\"3\",\"M\xC3\xBCller, J\xC3\xBCrgen\",\"1720\",\"5/31/2007 1:36:37 AM\",\"/o=F/cn=mueller\","
    "\"953f48f1-a09f-46b5-a170-b33839263059\",\"BelowLimit\",\"111210004B\",\"EX03\\SG1\\DB\"\r\n"
    "\"0\",\"Smith, John \"\"Jack\"\"\",\"20\",\"\",\"/o=F/cn=smith\",\"\",\"IssueWarning\","
    "\"117.7 MB (123,456,789 bytes)\",\"EX03\\SG1\\DB\"\r\n"
    "\"1\",\"Sales\",\"5\",\"\",\"/o=F/cn=sales\",\"\",\"BelowLimit\",\"2 "
    "GB\",\"EX03\\SG2\\Sales\"\r\n"
    "\"1\",\"Nobody\",\"0\",\"\",\"\",\"\",\"BelowLimit\",\"0B\",\"EX03\\SG1\\DB\"\r\n";

TEST_F(Inventory, ReadsARealExport) {
  write("inv.csv", kExport);
  const LoadResult r = load("{ from: inv.csv, profile: heavy }");
  ASSERT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  const MailboxPopulation& m = db03(r);
  ASSERT_EQ(m.count, 4);
  ASSERT_EQ(m.inventory.size(), 4u);
  EXPECT_EQ(m.inventory[0].name, "M\xC3\xBCller, J\xC3\xBCrgen");              // UTF-8, a comma
  EXPECT_EQ(m.inventory[0].identity, "953f48f1-a09f-46b5-a170-b33839263059");  // MailboxGuid
  EXPECT_EQ(m.inventory[0].size.value, 111210004);                             // 2007 format
  EXPECT_EQ(m.inventory[0].items, 1720);
  EXPECT_EQ(m.inventory[0].pos.line, 3);                   // the BOM and #TYPE line are line 1
  EXPECT_EQ(m.inventory[1].name, "Smith, John \"Jack\"");  // doubled quotes
  EXPECT_EQ(m.inventory[1].identity, "/o=F/cn=smith");     // no MailboxGuid: LegacyDN
  EXPECT_EQ(m.inventory[1].identity_from, "LegacyDN");
  EXPECT_EQ(m.inventory[1].size.value, 123456789);  // 2010 format: the exact bytes
  EXPECT_EQ(m.inventory[2].size.value, 2e9);        // a quantity with a unit
  EXPECT_EQ(m.inventory[3].identity, "Nobody");     // neither: the DisplayName
  EXPECT_EQ(m.inventory[3].size.value, 0);

  const std::vector<Mailbox> all = generate_mailboxes(*r.scenario);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, "EX03/DB03/0001");  // ids stay SERVER/DATABASE/NNNN, file order
  EXPECT_EQ(all[3].id, "EX03/DB03/0004");
  EXPECT_EQ(all[1].name, "Smith, John \"Jack\"");
  EXPECT_EQ(all[0].identity, "953f48f1-a09f-46b5-a170-b33839263059");
  EXPECT_EQ(all[0].profile, "heavy");
  EXPECT_EQ(all[3].items, 1);  // ItemCount 0 still costs a folder walk
  EXPECT_EQ(build_move_queue(*r.scenario, all).size(), 4u);
}

TEST_F(Inventory, DatabaseFilterKeepsFileOrder) {
  write("inv.csv", kExport);
  const LoadResult r = load("{ from: inv.csv, database: 'EX03\\SG1\\DB' }");
  ASSERT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  const MailboxPopulation& m = db03(r);
  ASSERT_EQ(m.count, 3);
  EXPECT_EQ(m.inventory[0].name, "M\xC3\xBCller, J\xC3\xBCrgen");
  EXPECT_EQ(m.inventory[1].name, "Smith, John \"Jack\"");
  EXPECT_EQ(m.inventory[2].name, "Nobody");
  EXPECT_EQ(m.from_database.value_or(""), "EX03\\SG1\\DB");
}

TEST_F(Inventory, PlainLfNoBomNoTypeLineUnquoted) {
  write("inv.csv",
        "DisplayName,TotalItemSize,ItemCount\n"
        "Alice,10 MB,100\n"
        "\"Bob, Jr.\",\"1.5 MB (1,500,000 bytes)\",7\n");
  const LoadResult r = load("{ from: inv.csv }");
  ASSERT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  ASSERT_EQ(db03(r).count, 2);
  EXPECT_EQ(db03(r).inventory[0].pos.line, 2);
  EXPECT_EQ(db03(r).inventory[1].name, "Bob, Jr.");
  EXPECT_EQ(db03(r).inventory[1].size.value, 1.5e6);
}

TEST_F(Inventory, EveryBadRowIsPositionedInOnePass) {
  write("inv.csv",
        "#TYPE x\r\n"
        "\"DisplayName\",\"ItemCount\",\"TotalItemSize\"\r\n"
        "\"Good\",\"1\",\"1B\"\r\n"
        "\"Neg\",\"-4\",\"1B\"\r\n"
        "\"BadSize\",\"3\",\"lots\"\r\n"
        "\"Short\",\"3\"\r\n"
        "\"\",\"x\",\"12 parsecs\"\r\n");
  const LoadResult r = load("{ from: inv.csv }");
  const std::string csv = path("inv.csv");
  const Diagnostic* e = find_error(r.diagnostics, "ItemCount '-4'");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->format().substr(0, csv.size() + 6), csv + ":4:7: ");
  e = find_error(r.diagnostics, "TotalItemSize 'lots'");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.line, 5);
  EXPECT_EQ(e->pos.column, 15);
  e = find_error(r.diagnostics, "this row has 2 fields, the header (line 2) has 3");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.line, 6);
  EXPECT_EQ(e->pos.column, 1);
  // Three problems on the last row, each at its own field.
  e = find_error(r.diagnostics, "DisplayName is empty");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.line, 7);
  EXPECT_EQ(e->pos.column, 1);
  e = find_error(r.diagnostics, "ItemCount 'x'");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->pos.column, 4);
  e = find_error(r.diagnostics, "TotalItemSize '12 parsecs'");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->pos.column, 8);
  EXPECT_EQ(r.diagnostics.error_count(), 6) << dump(r.diagnostics);
}

TEST_F(Inventory, ColumnsCountCharactersNotBytes) {
  write("inv.csv", "DisplayName,ItemCount,TotalItemSize\n\xC3\x85lund,-1,1B\n");
  const LoadResult r = load("{ from: inv.csv }");
  const Diagnostic* e = find_error(r.diagnostics, "ItemCount '-1'");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.line, 2);
  EXPECT_EQ(e->pos.column, 7);  // "Ålund," is six characters (seven bytes)
}

TEST_F(Inventory, MissingColumnIsAnErrorAtTheHeader) {
  write("inv.csv", "#TYPE x\nDisplayName,ItemCnt,Size\nA,1,1B\n");
  const LoadResult r = load("{ from: inv.csv }");
  const Diagnostic* e = find_error(r.diagnostics, "no 'ItemCount' column");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.source, path("inv.csv"));
  EXPECT_EQ(e->pos.line, 2);
  EXPECT_EQ(e->pos.column, 1);
  EXPECT_TRUE(contains(e->message, "is 'ItemCnt' meant?")) << e->message;
  EXPECT_TRUE(has_error(r.diagnostics, "no 'TotalItemSize' column"));
}

TEST_F(Inventory, UnreadableFileIsAnErrorAtFrom) {
  const LoadResult r = load("{ from: missing.csv }");
  const Diagnostic* e = find_error(r.diagnostics, "cannot read the inventory");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.source, path("s.yaml"));
  EXPECT_EQ(e->pos.line, 14);
  EXPECT_EQ(e->pos.column, 28);  // the value of `from`
  EXPECT_TRUE(contains(e->message, path("missing.csv")));
  fs::create_directories(dir_ / "adir.csv");
  EXPECT_TRUE(has_error(load("{ from: adir.csv }").diagnostics, "not a regular file"));
}

TEST_F(Inventory, EmptyFileAndHeaderOnly) {
  write("empty.csv", "");
  LoadResult r = load("{ from: empty.csv }");
  const Diagnostic* e = find_error(r.diagnostics, "the inventory is empty");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.source, path("empty.csv"));
  EXPECT_EQ(e->pos.line, 1);
  EXPECT_EQ(e->pos.column, 1);
  write("bom.csv", "\xEF\xBB\xBF#TYPE Microsoft.Exchange.Data.Mapi.MailboxStatistics\r\n");
  EXPECT_TRUE(has_error(load("{ from: bom.csv }").diagnostics, "the inventory is empty"));
  write("head.csv", "DisplayName,ItemCount,TotalItemSize\r\n");
  EXPECT_TRUE(has_error(load("{ from: head.csv }").diagnostics, "no mailbox rows"));
}

TEST_F(Inventory, FilterErrors) {
  write("inv.csv", kExport);
  LoadResult r = load("{ from: inv.csv, database: 'EX03\\SG9' }");
  const Diagnostic* e = find_error(r.diagnostics, "no row of");
  ASSERT_NE(e, nullptr) << dump(r.diagnostics);
  EXPECT_EQ(e->pos.source, path("s.yaml"));
  EXPECT_TRUE(contains(e->message, "EX03\\SG1\\DB")) << e->message;  // what the file has
  write("nodb.csv", "DisplayName,ItemCount,TotalItemSize\nA,1,1B\n");
  EXPECT_TRUE(
      has_error(load("{ from: nodb.csv, database: X }").diagnostics, "has no 'Database' column"));
  EXPECT_TRUE(has_error(load("{ count: 3, size: 1 MB, database: X }").diagnostics,
                        "not allowed without 'from'"));
  EXPECT_TRUE(has_error(load("{ from: inv.csv, count: 3 }").diagnostics,
                        "'count' is not allowed with 'from'"));
}

TEST_F(Inventory, SyntaxErrorsAndEncodings) {
  write("q.csv", "DisplayName,ItemCount,TotalItemSize\nA\"b,1,1B\n");
  // (Each LoadResult is kept while its diagnostics are read: find_error points into them.)
  const LoadResult quote = load("{ from: q.csv }");
  const Diagnostic* e = find_error(quote.diagnostics, "a quote inside");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->pos.line, 2);
  EXPECT_EQ(e->pos.column, 2);
  write("open.csv", "DisplayName,ItemCount,TotalItemSize\n\"A,1,1B\n");
  const LoadResult open = load("{ from: open.csv }");
  e = find_error(open.diagnostics, "never closed");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->pos.line, 2);
  EXPECT_EQ(e->pos.column, 1);
  write("utf16.csv", std::string("\xFF\xFE"
                                 "D\0i\0",
                                 6));
  EXPECT_TRUE(has_error(load("{ from: utf16.csv }").diagnostics, "UTF-16"));
  write("latin1.csv", "DisplayName,ItemCount,TotalItemSize\nM\xFCller,1,1B\n");
  EXPECT_TRUE(has_error(load("{ from: latin1.csv }").diagnostics, "not valid UTF-8"));
}

TEST_F(Inventory, DuplicateIdentityIsAnError) {
  write("dup.csv", "DisplayName,ItemCount,TotalItemSize,MailboxGuid\nA,1,1B,g1\nB,1,1B,g1\n");
  const LoadResult dup = load("{ from: dup.csv }");
  const Diagnostic* e = find_error(dup.diagnostics, "(MailboxGuid 'g1')");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->pos.line, 3);
  // Without a MailboxGuid or LegacyDN, two users may share a display name: a warning.
  write("names.csv", "DisplayName,ItemCount,TotalItemSize\nJohn Smith,1,1B\nJohn Smith,2,2B\n");
  const LoadResult r = load("{ from: names.csv }");
  EXPECT_FALSE(r.diagnostics.has_errors()) << dump(r.diagnostics);
  EXPECT_TRUE(has_warning(r.diagnostics, "no MailboxGuid or LegacyDN")) << dump(r.diagnostics);
  EXPECT_EQ(db03(r).count, 2);
  EXPECT_EQ(db03(r).inventory[1].identity_from, "DisplayName");
}

TEST(TotalItemSize, BothExchangeFormatsAndQuantities) {
  std::string why;
  EXPECT_EQ(parse_total_item_size("123456789B", &why).value_or(-1), 123456789);
  EXPECT_EQ(parse_total_item_size("117.7 MB (123,456,789 bytes)", &why).value_or(-1), 123456789);
  EXPECT_EQ(parse_total_item_size("1.2 KB (1,234 bytes)", &why).value_or(-1), 1234);
  EXPECT_EQ(parse_total_item_size("117,7 MB (123.456.789 bytes)", &why).value_or(-1), 123456789);
  EXPECT_EQ(parse_total_item_size(" 2 GiB ", &why).value_or(-1), 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_total_item_size("0B", &why).value_or(-1), 0);
  for (const char* bad : {"", "12", "lots", "1 MB (x bytes)", "1 MB (1 bytes", "-3B", "5 Mbps"}) {
    EXPECT_FALSE(parse_total_item_size(bad, &why)) << bad;
  }
}

TEST(CsvWriter, QuotesOnlyWhatRfc4180Needs) {
  EXPECT_EQ(csv_field("EX03-BE1/SG1-DB1"), "EX03-BE1/SG1-DB1");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("M\xC3\xBCller, J\xC3\xBCrgen"), "\"M\xC3\xBCller, J\xC3\xBCrgen\"");
  EXPECT_EQ(csv_field("Smith, John \"Jack\""), "\"Smith, John \"\"Jack\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field("\xEF\xBB\xBFx"), "\"\xEF\xBB\xBFx\"");  // never read as a BOM
  EXPECT_EQ(csv_field("\xEF\xBB\xBFx"), "\"\xEF\xBB\xBFx\"");  // not read as a BOM
  EXPECT_EQ(csv_record({"a", "b,c", ""}), "a,\"b,c\",");
}

TEST(CsvReader, RoundTripsWhatTheWriterWrites) {
  const std::vector<std::vector<std::string>> rows{{"mailbox", "name"},
                                                   {"X/Y/0001", "Smith, John \"Jack\""},
                                                   {"X/Y/0002", " two\r\nlines "},
                                                   {"X/Y/0003", ""}};
  std::string text;
  for (const auto& r : rows) append_csv_record(text, r);
  const CsvReadResult back = read_csv_text(text, "t.csv");
  ASSERT_FALSE(back.error) << back.error->format();
  ASSERT_EQ(back.records.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(back.records[i].fields.size(), rows[i].size());
    for (size_t k = 0; k < rows[i].size(); ++k)
      EXPECT_EQ(back.records[i].fields[k].text, rows[i][k]);
  }
  EXPECT_EQ(back.records[3].line, 5);  // the quoted CRLF is a line of the file
}

TEST(CsvReader, Limits) {
  CsvLimits small;
  small.max_field_bytes = 4;
  small.max_records = 2;
  EXPECT_TRUE(read_csv_text("abcde\n", "t.csv", small).error);
  const CsvReadResult r = read_csv_text("a\nb\nc\n", "t.csv", small);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->pos.line, 3);
}

}  // namespace
