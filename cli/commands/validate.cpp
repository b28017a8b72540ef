// coexlab validate FILE... [--json]: every error and warning of each file.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "command.hpp"
#include "loader.hpp"
#include "rules.hpp"
#include "support.hpp"

namespace coexlab {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool json = false;
};

// The id of the rule a diagnostic is about (set where the rule reports it); null for the
// others (syntax, types, units, references). docs/format.md lists the ids.
nlohmann::ordered_json rule_id(const Diagnostic& d) {
  return d.rule.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.rule);
}

nlohmann::ordered_json diagnostic_json(const Diagnostic& d) {
  const auto position = [](int v) { return v > 0 ? nlohmann::ordered_json(v) : nullptr; };
  return {{"file", d.pos.source},
          {"line", position(d.pos.line)},
          {"column", position(d.pos.column)},
          {"severity", d.severity == Severity::error ? "error" : "warning"},
          {"message", d.message},
          {"rule", rule_id(d)}};
}

int validate(const ValidateOptions& o) {
  int worst = kExitOk;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const std::string& f : o.files) {
    LoadResult r = load_and_check(f, {});
    if (r.diagnostics.has_errors()) worst = kExitInvalid;
    if (o.json) {
      for (const Diagnostic& d : r.diagnostics.sorted()) all.push_back(diagnostic_json(d));
      continue;
    }
    print_diagnostics(r.diagnostics);
    if (r.diagnostics.has_errors()) {
      std::cerr << fmt::format("{}: {} error(s)\n", f, r.diagnostics.error_count());
    } else {
      const int acknowledged = r.diagnostics.acknowledged_count();
      std::cout << fmt::format("{}: valid ({} warning(s){})\n", f,
                               r.diagnostics.all().size() - size_t(r.diagnostics.error_count()),
                               acknowledged ? fmt::format(", {} acknowledged", acknowledged) : "");
    }
  }
  if (o.json) std::cout << all.dump(2) << '\n';
  return worst;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Parse scenarios and check the layout rules, the plan and the tools; print "
      "every error and warning (exit 1 on errors, 0 with warnings only)");
  cmd->add_option("FILE", o->files, "scenario files")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json,
                "print the diagnostics as one JSON array on stdout (file, line, column, "
                "severity, message, rule), nothing else; same exit code");
  return {cmd, [o] { return validate(*o); }};
}

}  // namespace coexlab
