// The `checks` language (models/checks.hpp, docs/checks.md): every operator, the units of each
// kind of field, the dropped `_s`, resource(ID).FIELD, and every error with its column, also
// as `validate` reports it (FILE:LINE:COLUMN inside the expression).
#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "checks.hpp"
#include "test_support.hpp"

using namespace coexlab;
using coexlab::testing::kBaseScenario;
using coexlab::testing::load_checked;

namespace {

ParsedCheck parsed(const std::string& expr) {
  auto r = parse_check(expr);
  if (const CheckError* e = std::get_if<CheckError>(&r)) {
    ADD_FAILURE() << "'" << expr << "' did not parse: column " << e->offset + 1 << ": "
                  << e->message;
    return {};
  }
  return std::get<ParsedCheck>(r);
}

CheckError error_of(const std::string& expr) {
  auto r = parse_check(expr);
  if (const CheckError* e = std::get_if<CheckError>(&r)) return *e;
  ADD_FAILURE() << "'" << expr << "' parsed, an error was expected";
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(CheckParser, EveryOperator) {
  const std::pair<const char*, CheckOp> cases[] = {
      {"<", CheckOp::less},           {"<=", CheckOp::less_equal}, {">", CheckOp::greater},
      {">=", CheckOp::greater_equal}, {"==", CheckOp::equal},      {"!=", CheckOp::not_equal},
  };
  for (const auto& [text, op] : cases) {
    const ParsedCheck c = parsed(std::string("migration.duration ") + text + " 60 h");
    EXPECT_EQ(c.op, op) << text;
    EXPECT_EQ(to_string(c.op), text);
    EXPECT_DOUBLE_EQ(c.value, 60 * 3600.0) << text;
  }
}

TEST(CheckParser, QuantitiesInBaseUnitsByKindOfField) {
  EXPECT_DOUBLE_EQ(parsed("migration.duration <= 90 min").value, 5400);
  EXPECT_DOUBLE_EQ(parsed("migration.user_downtime.p95 < 500 ms").value, 0.5);
  EXPECT_DOUBLE_EQ(parsed("migration.bytes_moved >= 500 GB").value, 500e9);
  EXPECT_DOUBLE_EQ(parsed("migration.bytes_moved >= 2 GiB").value, 2.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parsed("resource(EX07/cpu).peak_utilisation < 80 %").value, 0.8);
  EXPECT_DOUBLE_EQ(parsed("migration.mailboxes_moved == 1200").value, 1200);
  EXPECT_DOUBLE_EQ(parsed("migration.completed == true").value, 1);
  EXPECT_DOUBLE_EQ(parsed("migration.completed != false").value, 0);
  // A capacity takes the unit of its resource: a rate, a clock, a size, or a plain IOPS count.
  const ParsedCheck nic = parsed("resource(EX07/nic).capacity >= 1 Gbps");
  EXPECT_DOUBLE_EQ(nic.value, 1e9 / 8);
  EXPECT_EQ(nic.dimension, units::Dimension::rate);
  EXPECT_EQ(parsed("resource(EX07/cpu).capacity > 2.66 GHz").dimension, units::Dimension::clock);
  EXPECT_EQ(parsed("resource(EX07/log_space).capacity >= 100 GiB").dimension,
            units::Dimension::size);
  EXPECT_FALSE(parsed("resource(EX07/database_disk).capacity >= 1500").dimension.has_value());
  // Spaces are optional around the operator and before the unit.
  EXPECT_DOUBLE_EQ(parsed("migration.duration<=60h").value, 216000);
  EXPECT_EQ(parsed("  migration.duration   <   1 d  ").quantity, "1 d");
}

TEST(CheckParser, PathsDropTheSecondsSuffixAnywhere) {
  EXPECT_EQ(parsed("migration.duration < 1 h").field->key, "migration.duration_s");
  EXPECT_EQ(parsed("migration.duration_s < 1 h").field->key, "migration.duration_s");
  EXPECT_EQ(parsed("mail_flow.latency.p95 < 2 s").field->key, "mail_flow.latency_s.p95");
  EXPECT_EQ(parsed("mail_flow.latency_s.p95 < 2 s").field->key, "mail_flow.latency_s.p95");
  EXPECT_EQ(parsed("migration.lower_bound < 2 d").field->kind, FieldKind::time);
  const ParsedCheck r = parsed("resource( site/HQ/lan ).mean_utilisation <= 50 %");
  ASSERT_TRUE(r.resource.has_value());
  EXPECT_EQ(*r.resource, "site/HQ/lan");
  EXPECT_EQ(r.field->key, "mean_utilisation");
  EXPECT_TRUE(r.field->per_resource);
}

TEST(CheckParser, EveryErrorPointsAtItsColumn) {
  struct Case {
    const char* expr;
    int offset;
    const char* says;
  };
  const Case cases[] = {
      {"", 0, "empty check"},
      {"   ", 0, "empty check"},
      {"5 < 3 h", 0, "expected a result path"},
      {"migration.duraton <= 1 h", 0, "did you mean 'migration.duration'"},
      {"migration.speed <= 1 h", 0, "checks can compare migration.duration"},
      {"peak_utilisation < 80 %", 0, "write resource(ID).peak_utilisation"},
      {"migration. <= 1 h", 10, "expected a field name after '.'"},
      {"migration(3).duration < 1 h", 9, "only resource(ID).FIELD takes an argument"},
      {"migration.duration", 18, "expected a comparison"},
      {"migration.duration ~ 60 h", 19,
       "expected a comparison (< <= > >= == !=) after 'migration.duration', found '~'"},
      {"migration.duration = 60 h", 19, "write '==' for equality"},
      {"migration.duration =< 60 h", 19, "write '<='"},
      {"migration.duration => 60 h", 19, "write '>='"},
      {"migration.duration <> 60 h", 19, "write '!='"},
      {"migration.duration <== 60 h", 21, "unexpected '=' after the comparison '<='"},
      {"migration.duration <=", 21, "expected a quantity after 'migration.duration <='"},
      {"migration.duration <= 60", 22, "'60' has no unit"},
      {"migration.duration <= 60 MB", 22, "is a size, not a time"},
      {"migration.duration <= 60 parsecs", 22, "unknown unit 'parsecs'"},
      {"migration.duration <= 60 h or so", 22, "unknown unit"},
      {"migration.duration <= -1 h", 22, "is negative"},
      {"migration.completed < true", 20, "compare it with == or !="},
      {"migration.completed == yes", 23, "is true or false, not 'yes'"},
      {"migration.mailboxes_moved >= 12 MB", 29, "is a count"},
      {"migration.mailboxes_moved >= -1", 29, "is a count"},
      {"resource EX07/cpu).peak_utilisation < 1 %", 9, "expected '(' after 'resource'"},
      {"resource(EX07/cpu.peak_utilisation < 80 %", 8, "unclosed 'resource('"},
      {"resource().peak_utilisation < 1 %", 9, "empty resource id"},
      {"resource(EX07/cpu) < 1 %", 18, "expected '.FIELD'"},
      {"resource(EX07/cpu).peak < 1 %", 19, "did you mean 'peak_utilisation'"},
      {"resource(EX07/cpu).peak_utilisation < 0.8", 38, "'0.8' has no unit"},
      {"resource(EX07/cpu).capacity > fast", 30, "not a capacity"},
  };
  for (const Case& c : cases) {
    const CheckError e = error_of(c.expr);
    EXPECT_EQ(e.offset, c.offset) << c.expr << ": " << e.message;
    EXPECT_TRUE(contains(e.message, c.says)) << c.expr << ": " << e.message;
  }
}

TEST(CheckParser, EveryResultFieldHasAWrittenFormThatParses) {
  for (const ResultField& f : result_fields()) {
    const std::string path =
        f.per_resource ? "resource(X/cpu)." + std::string(f.written) : std::string(f.written);
    const char* rhs = f.kind == FieldKind::time      ? "1 h"
                      : f.kind == FieldKind::size    ? "1 GB"
                      : f.kind == FieldKind::share   ? "50 %"
                      : f.kind == FieldKind::boolean ? "true"
                                                     : "1";
    const std::string op = f.kind == FieldKind::boolean ? "==" : "<";
    EXPECT_EQ(parsed(path + " " + op + " " + rhs).field, &f) << path;
  }
}

// ---- as `validate` reports them --------------------------------------------------------------

TEST(CheckValidation, ErrorsAreAtFileLineAndColumnInsideTheExpression) {
  const std::string base = kBaseScenario;
  const int checks_line = int(std::count(base.begin(), base.end(), '\n')) + 1;
  const std::string text = base +
                           "checks:\n"
                           "  - migration.duration <= 60 h\n"                      // fine
                           "  - migration.duration <= 60\n"                        // +2
                           "  - \"resource(EX07/cpu).peak_utilisation < 80\"\n"    // +3, quoted
                           "  - resource(EX07/cpus).peak_utilisation < 80 %\n"     // +4
                           "  - resource(site/HQ/lan).peak_utilisation < 80 %\n";  // fine
  const LoadResult r = load_checked(text);
  const auto errors = coexlab::testing::errors(r.diagnostics);
  ASSERT_EQ(errors.size(), 3u) << coexlab::testing::dump(r.diagnostics);
  // "  - " puts the expression at column 5; the quantity is 22 characters into it.
  EXPECT_EQ(errors[0].pos.line, checks_line + 2);
  EXPECT_EQ(errors[0].pos.column, 5 + 22);
  EXPECT_TRUE(contains(errors[0].message, "has no unit"));
  // A quoted check starts one column later: the quantity is 38 characters into the text.
  EXPECT_EQ(errors[1].pos.line, checks_line + 3);
  EXPECT_EQ(errors[1].pos.column, 6 + 38);
  // An id the scenario does not have, at the id.
  EXPECT_EQ(errors[2].pos.line, checks_line + 4);
  EXPECT_EQ(errors[2].pos.column, 5 + 9);
  EXPECT_TRUE(contains(errors[2].message, "no resource 'EX07/cpus'"));
  EXPECT_TRUE(contains(errors[2].message, "did you mean 'EX07/cpu'"));
}

TEST(CheckValidation, ScenarioResourceIdsFollowTheResultFiles) {
  const LoadResult r = load_checked(kBaseScenario);
  ASSERT_TRUE(r.scenario.has_value());
  const std::vector<std::string> ids = scenario_resource_ids(*r.scenario);
  for (const char* id :
       {"EX03/cpu", "EX03/database_disk", "EX03/log_disk", "EX03/nic", "EX03/log_space",
        "EX03/database_space", "EX07/hub_queue_disk", "site/HQ/lan"}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  }
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "EX03/hub_queue_disk"), ids.end())
      << "a 2003 server has no hub queue";
}
