#include "cli.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "loader.hpp"
#include "rules.hpp"
#include "coexlab/version.hpp"

namespace coexlab {
namespace {

void print_diagnostics(const Diagnostics& d) {
  for (const Diagnostic& x : d.sorted()) std::cerr << x.format() << '\n';
}

int cmd_validate(const std::vector<std::string>& files) {
  int worst = kExitOk;
  for (const std::string& f : files) {
    LoadResult r = load_and_check(f, {});
    if (!r.usage_error.empty()) {
      std::cerr << "coexlab: " << r.usage_error << '\n';
      return kExitUsage;
    }
    print_diagnostics(r.diagnostics);
    if (r.diagnostics.has_errors()) {
      worst = kExitInvalid;
      std::cerr << fmt::format("{}: {} error(s)\n", f, r.diagnostics.error_count());
    } else {
      std::cout << fmt::format("{}: valid ({} warning(s))\n", f,
                               r.diagnostics.all().size() - size_t(r.diagnostics.error_count()));
    }
  }
  return worst;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"coexlab: a virtual coexistence lab for Exchange 2003 -> 2007 migrations"};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(1);

  std::vector<std::string> validate_files;
  CLI::App* validate = app.add_subcommand(
      "validate", "Parse scenarios and check the layout rules, the plan and the tools; print "
                  "every error and warning (exit 1 on errors, 0 with warnings only)");
  validate->add_option("FILE", validate_files, "scenario files")->required()->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (validate->parsed()) return cmd_validate(validate_files);
  } catch (const std::exception& e) {
    std::cerr << "coexlab: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  return kExitUsage;
}

}  // namespace coexlab
