#include "loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "loader_impl.hpp"
#include "overrides.hpp"
#include "yaml_budget.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coexlab {

Scenario Loader::load(const YAML::Node& root) {
  Scenario s;
  s.file = file_;
  if (!root.IsDefined() || root.IsNull()) {
    diags_.error({file_, 1, 1},
                 "the scenario is empty: it needs at least 'scenario', 'start', "
                 "'sites' and 'servers'");
    return s;
  }
  if (!check_map(root, "", "the scenario")) return s;

  if (auto v = require(root, "scenario", "the scenario"); v.IsDefined()) {
    if (auto nm = name(v, "scenario name", true)) {
      // The name is a directory (results/<scenario>): "." and ".." would be the parent or
      // results/ itself.
      if (nm->find_first_not_of('.') == std::string::npos) {
        error(v, fmt::format("scenario name '{}' is made of dots only: it names the result "
                             "directory results/<scenario>; use letters or digits",
                             *nm));
      } else {
        s.name = *nm;
      }
    }
  }
  if (present(root["description"])) {
    if (auto d = scalar(root["description"], "description")) s.description = *d;
  }
  if (present(root["seed"])) {
    if (auto text = scalar(root["seed"], "seed")) {
      std::string err;
      if (auto seed = parse_seed(*text, &err))
        s.seed = *seed;
      else
        error(root["seed"], err);
    }
  }
  if (auto v = require(root, "start", "the scenario"); v.IsDefined()) {
    if (auto text = scalar(v, "start")) {
      std::string err;
      if (auto t = parse_iso_datetime(*text, &err)) {
        s.start = *t;
        start_ok_ = true;
      } else {
        error(v, "start: " + err);
      }
    }
  }
  if (auto v = require(root, "sites", "the scenario"); v.IsDefined()) load_sites(v, s);
  if (present(root["links"])) load_links(root["links"], s);
  if (auto v = require(root, "servers", "the scenario"); v.IsDefined()) load_servers(v, s);
  if (present(root["connectors"])) load_connectors(root["connectors"], s);
  // Default legacy web access depends on the servers: front_end if a 2003 front-end exists.
  s.workload.legacy_web_access =
      std::any_of(s.servers.begin(), s.servers.end(),
                  [](const Server& sv) { return sv.is_2003() && sv.has(Role::front_end); })
          ? LegacyWebAccess::front_end
          : LegacyWebAccess::client_access;
  s.workload.pos = pos(root);
  if (root["workload"].IsDefined()) load_workload(root["workload"], s);
  // A missing or null migration is refused by the rules (run cannot do without it); the
  // loader alone also reads layouts.
  if (const YAML::Node m = root["migration"]; !m.IsDefined()) {
    s.migration.pos = pos(root);
  } else if (m.IsNull()) {
    s.migration.pos = pos(m);
    s.migration.written_null = true;
  } else {
    load_migration(m, s);
  }
  if (present(root["operations"])) load_operations(root["operations"], s);
  if (present(root["costs"])) load_costs(root["costs"], s);
  s.simulation.pos = pos(root);
  if (present(root["simulation"])) load_simulation(root["simulation"], s);
  if (present(root["calibration"])) load_calibration(root["calibration"], s);
  if (present(root["checks"])) load_checks(root["checks"], s);
  if (present(root["acknowledge"])) load_acknowledge(root["acknowledge"], s);
  return s;
}

namespace {

LoadResult load_parsed(const YAML::Node& root, const std::string& label,
                       const LoadOptions& options) {
  LoadResult result;
  std::vector<OverrideNode> override_nodes;
  YAML::Node doc = root;
  for (const Override& o : options.overrides) {
    std::string err = apply_override(doc, o, override_nodes);
    if (!err.empty()) {
      result.usage_error = std::move(err);
      return result;
    }
  }
  Loader loader(label, result.diagnostics, override_nodes);
  Scenario s = loader.load(doc);
  if (options.seed) s.seed = *options.seed;
  for (const Cost& c : s.costs) {
    if (c.path.empty()) continue;
    if (std::string err = check_override_path(doc, c.path); !err.empty()) {
      result.diagnostics.error(c.pos, "cost path: " + err.substr(err.find(':') + 2));
    }
  }
  result.scenario = std::move(s);  // partial when there are errors: rules still run on it
  return result;
}

// Bytes that YAML does not allow in a text, or that yaml-cpp misreads without a word: a NUL
// or another control character (binary data), and CR-only line endings (classic Mac), which
// yaml-cpp takes for one long line. nullopt when the text is clean.
std::optional<YamlBudgetError> check_text_bytes(const std::string& text) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
      continue;
    }
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      return YamlBudgetError{line, column,
                             "a line ends with a lone CR (classic Mac line endings), which YAML "
                             "reads as one long line: save the file with LF or CR LF line "
                             "endings"};
    }
    if (c == 0) {
      return YamlBudgetError{line, column,
                             "the text contains a NUL byte: a scenario is UTF-8 text, not "
                             "binary data"};
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
      return YamlBudgetError{
          line, column,
          fmt::format("the text contains the control character 0x{:02X}, which YAML does not "
                      "allow (a scenario is UTF-8 text)",
                      c)};
    }
    ++column;
  }
  return std::nullopt;
}

// When yaml-cpp fails at `error_line` (1-based), the line and column of a tab in the leading
// whitespace of that line or of the one before (yaml-cpp often stops on the line after the
// tab); nullopt when neither has one, and the error is not about tabs.
std::optional<std::pair<int, int>> tab_in_indentation(const std::string& text, int error_line) {
  int line = 1;
  size_t at = 0;
  std::optional<std::pair<int, int>> found;
  while (at <= text.size() && line <= error_line) {
    const size_t end = std::min(text.find('\n', at), text.size());
    if (line >= error_line - 1) {
      for (size_t i = at; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
        if (text[i] == '\t') {
          // The error line's own tab wins over the line before's.
          found = std::make_pair(line, static_cast<int>(i - at) + 1);
          break;
        }
      }
    }
    if (end == text.size()) break;
    at = end + 1;
    ++line;
  }
  return found;
}

}  // namespace

std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* error) {
  constexpr std::uint64_t kMax =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto fail = [&](std::string message) -> std::optional<std::uint64_t> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail(fmt::format("seed must be a whole number in [0, {}], got '{}'", kMax, text));
  }
  // Decimal whatever the leading zeros ("010" is ten, in the file and on the command line).
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, 10);
  if (negative || ec == std::errc::result_out_of_range || v > kMax) {
    if (negative && ec == std::errc{} && v == 0) return 0;  // "-0"
    return fail(fmt::format("seed = {} is out of range [0, {}]", text, kMax));
  }
  if (ec != std::errc{} || p != digits.data() + digits.size()) {
    return fail(fmt::format("seed must be a whole number in [0, {}], got '{}'", kMax, text));
  }
  return v;
}

LoadResult load_scenario_text(const std::string& text, const std::string& label,
                              const LoadOptions& options) {
  if (text.size() > static_cast<size_t>(Limits::kMaxFileBytes)) {
    LoadResult r;
    r.diagnostics.error({label, 1, 1}, fmt::format("the text has {} bytes, more than the limit "
                                                   "of {}",
                                                   text.size(), Limits::kMaxFileBytes));
    return r;
  }
  if (auto e = check_text_bytes(text)) {
    LoadResult r;
    r.diagnostics.error({label, e->line, e->column}, std::move(e->message));
    return r;
  }
  // Aliases are counted (and cycles refused) on the parser's events, before any node exists.
  if (auto e = check_yaml_budget(text, Limits::kMaxYamlNodes)) {
    LoadResult r;
    r.diagnostics.error({label, e->line, e->column}, std::move(e->message));
    return r;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    LoadResult r;
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    if (const auto tab = tab_in_indentation(text, line)) {
      r.diagnostics.error({label, tab->first, tab->second},
                          "YAML syntax: a tab in the indentation: YAML indents with spaces only "
                          "(yaml-cpp: " +
                              e.msg + ")");
    } else {
      r.diagnostics.error({label, line, col}, "YAML syntax: " + e.msg);
    }
    return r;
  }
  return load_parsed(root, label, options);
}

LoadResult load_scenario_file(const std::string& path, const LoadOptions& options) {
  const auto fail = [&](std::string message) {
    LoadResult r;
    r.diagnostics.error({path, 0, 0}, std::move(message));
    return r;
  };
  // O_NONBLOCK: opening a FIFO that no one writes to must not wait (its read then ends at
  // once); it is switched off again for the reads.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return fail(fmt::format("cannot open the file: {}", std::strerror(errno)));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return fail(fmt::format("cannot read the file: {}", std::strerror(errno)));
  }
  // A device never ends (/dev/zero, /dev/urandom) or waits for a person (/dev/tty): only
  // regular files and pipes hold a scenario.
  if (S_ISDIR(st.st_mode)) return fail("is a directory, not a scenario file");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    return fail(fmt::format("is a {}, not a scenario file (a regular file or a pipe)",
                            S_ISCHR(st.st_mode)    ? "character device"
                            : S_ISBLK(st.st_mode)  ? "block device"
                            : S_ISSOCK(st.st_mode) ? "socket"
                                                   : "special file"));
  }
  if (S_ISREG(st.st_mode) && st.st_size > Limits::kMaxFileBytes) {
    return fail(fmt::format("the file has {} bytes, more than the limit of {}",
                            static_cast<std::int64_t>(st.st_size), Limits::kMaxFileBytes));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  // At most limit + 1 bytes, whatever the file claims: a pipe or a growing file is cut there.
  std::string text;
  const size_t cap = static_cast<size_t>(Limits::kMaxFileBytes) + 1;
  char buf[65536];
  while (text.size() < cap) {
    const ssize_t n = ::read(fd, buf, std::min(sizeof buf, cap - text.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot read the file: {}", std::strerror(errno)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  if (text.size() > static_cast<size_t>(Limits::kMaxFileBytes)) {
    return fail(fmt::format("the file has more than {} bytes (the limit); refusing to read further",
                            Limits::kMaxFileBytes));
  }
  return load_scenario_text(text, path, options);
}

}  // namespace coexlab
