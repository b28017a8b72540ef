// The rule checker behind check_rules (rules.hpp), its checks one family per file:
// rules.cpp (order, names, references), rules_layout.cpp, rules_routing.cpp,
// rules_migration.cpp, rules_limits.cpp. Internal to models/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

class RuleChecker {
 public:
  RuleChecker(Scenario& s, Diagnostics& d) : s_(s), d_(d) {}

  void run();

 private:
  // rules.cpp
  void unique_names();
  void site_ref(const std::string& name, const SourcePos& pos, std::string_view what);
  bool server_ref(const std::string& name, const SourcePos& pos, std::string_view what);
  bool database_ref(const DatabaseRef& ref, const SourcePos& pos, std::string_view what);
  void references();
  // rules_layout.cpp: L1, L2, L5 and L3, L4
  void roles_and_versions();
  bool site_has_2007(const std::string& site, Role role) const;
  void site_roles();
  void databases();
  // rules_routing.cpp: L8, L7 and the hairpin
  bool connectivity();
  bool holds_mailboxes(const Server& sv) const;
  void connectors(bool sites_ok);
  int first_hub() const;
  // rules_migration.cpp: L9, L10, L11, windows, scheduler; the tools rule
  void migration();
  void operations();
  // rules_limits.cpp
  void limits();
  void sample_budget();
  void per_message_volume();
  // rules.cpp: the scenario's acknowledged warnings, after every other rule
  void acknowledged();

  static std::string join(const std::vector<std::string>& parts, std::string_view sep);
  static std::vector<std::string_view> names_of_servers(const Scenario& s);
  // " (did you mean 'X'?)" for the nearest of `known`, or "".
  static std::string suggestion(std::string_view wrong, const std::vector<std::string_view>& known);

  Scenario& s_;
  Diagnostics& d_;
};

}  // namespace coexlab
