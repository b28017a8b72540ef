// The --log setting parser (models/log_spec.hpp), issue 16: the settings SimGrid aborted on
// (SIGABRT and a backtrace) or threw on are errors here, the good ones parse.
#include <gtest/gtest.h>

#include <string>

#include "log_spec.hpp"

using namespace coexlab;

TEST(LogSpec, TheBadSettingsOfTheIssueAreErrors) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"info", "'info' is not CATEGORY.PROPERTY:VALUE"},
      {"root:info", "'root:info' is not CATEGORY.PROPERTY:VALUE"},
      {"garbage", "is not CATEGORY.PROPERTY:VALUE"},
      {"a.b.c:d:e", "unknown property 'b.c'"},
      {"root.fmt:%", "'%' at offset 0 ends the format without a directive"},
      {"root.fmt:%q", "unknown directive '%q'"},
      {"root.thres:bogus", "unknown threshold 'bogus'"},
      {"root.thres:off", "unknown threshold 'off'"},
      {"root.app:bogus", "unknown appender 'bogus'"},
      {"root.app:file:", "names no file"},
      {"root.app:rollfile:x:/tmp/a", "rollfile:SIZE:PATH"},
      {"root.add:maybe", "additivity 'maybe'"},
      {".thres:info", "the category '' must be"},
      {"root.thres", "has no ':VALUE'"},
      {"", "an empty setting"},
      {"   ", "an empty setting"},
      {"root.thres:info garbage", "'garbage' is not"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const LogSpec s = parse_log_spec(c.text);
    EXPECT_NE(s.error.find(c.message), std::string::npos) << s.error;
    EXPECT_TRUE(s.settings.empty());
  }
}

TEST(LogSpec, GoodSettingsParse) {
  for (const char* good :
       {"root.thres:info", "root.threshold:CRITICAL", "s4u.thres=debug", "root.fmt:[%10.3r]%c:%m%n",
        "root.app:file:/tmp/x.log", "root.app:splitfile:1000:/tmp/x%.log", "root.add:off",
        "xbt_cfg.thres:verbose root.thres:error", "no_loc"}) {
    SCOPED_TRACE(good);
    const LogSpec s = parse_log_spec(good);
    EXPECT_EQ(s.error, "");
    EXPECT_FALSE(s.settings.empty());
  }
  const LogSpec two = parse_log_spec("xbt_cfg.thres:verbose root.app:file:/tmp/a");
  ASSERT_EQ(two.settings.size(), 2u);
  EXPECT_EQ(two.settings[0].category, "xbt_cfg");
  EXPECT_EQ(two.settings[1].property, "app");
  EXPECT_EQ(two.settings[1].file, "/tmp/a");
}

TEST(LogSpec, TheLogFileIsCheckedBeforeSimGridOpensIt) {
  EXPECT_NE(check_log_spec("root.app:file:/nonexistent/x").find("'/nonexistent' does not exist"),
            std::string::npos);
  EXPECT_NE(check_log_spec("root.app:file:/").find("is a directory"), std::string::npos);
  EXPECT_EQ(check_log_spec("root.thres:info"), "");
}
