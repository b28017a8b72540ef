#include "log_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

namespace coexlab {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "" or what is wrong with a layout.
std::string check_format(std::string_view f) {
  static constexpr std::string_view kDirectives = "cphtaiFlLMdrmnebB%";
  if (f.empty()) return "an empty format";
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    size_t j = i + 1;
    while (j < f.size() &&
           (f[j] == '-' || f[j] == '.' || std::isdigit(static_cast<unsigned char>(f[j]))))
      ++j;
    if (j - i > 8) return fmt::format("the directive at offset {} is too long", i);
    if (j == f.size())
      return fmt::format("'%' at offset {} ends the format without a directive", i);
    if (kDirectives.find(f[j]) == std::string_view::npos) {
      return fmt::format(
          "unknown directive '%{}' at offset {} (known: %c %p %h %t %a %i %F %l %L "
          "%M %d %r %m %n %e %b %B %%)",
          f[j], i);
    }
    i = j;
  }
  return {};
}

// "" or what is wrong with an appender; sets `file`.
std::string check_appender(std::string_view v, std::string* file) {
  if (v.rfind("file:", 0) == 0) {
    *file = std::string(v.substr(5));
  } else if (v.rfind("rollfile:", 0) == 0 || v.rfind("splitfile:", 0) == 0) {
    std::string_view rest = v.substr(v.find(':') + 1);
    const size_t colon = rest.find(':');
    const std::string_view size = rest.substr(0, colon);
    if (colon == std::string_view::npos || size.empty() || size.size() > 12 ||
        !std::all_of(size.begin(), size.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return fmt::format("appender '{}' must be {}:SIZE:PATH, SIZE in bytes", v,
                         v.substr(0, v.find(':')));
    }
    *file = std::string(rest.substr(colon + 1));
  } else {
    return fmt::format(
        "unknown appender '{}' (file:PATH, rollfile:SIZE:PATH or "
        "splitfile:SIZE:PATH)",
        v);
  }
  if (file->empty()) return fmt::format("appender '{}' names no file", v);
  return {};
}

std::string parse_one(std::string_view s, LogSetting& out) {
  if (s == "no_loc") {
    out.property = "no_loc";
    return {};
  }
  const size_t dot = s.find_first_of(".:= ");
  if (dot == std::string_view::npos || s[dot] != '.') {
    return fmt::format("'{}' is not CATEGORY.PROPERTY:VALUE, e.g. root.thres:info", s);
  }
  const std::string_view category = s.substr(0, dot);
  const size_t sep = s.find_first_of(":=", dot + 1);
  if (sep == std::string_view::npos) {
    return fmt::format("'{}' has no ':VALUE' after its property, e.g. root.thres:info", s);
  }
  const std::string_view property = s.substr(dot + 1, sep - dot - 1);
  const std::string_view value = s.substr(sep + 1);
  if (!is_word(category)) {
    return fmt::format("'{}': the category '{}' must be letters, digits and '_' (e.g. root)", s,
                       category);
  }
  out.category = std::string(category);
  out.value = std::string(value);
  if (property == "thres" || property == "threshold") {
    out.property = "thres";
    for (const char* p : {"trace", "debug", "verbose", "info", "warning", "error", "critical"}) {
      if (iequals(value, p)) return {};
    }
    return fmt::format(
        "'{}': unknown threshold '{}' (trace, debug, verbose, info, warning, "
        "error or critical)",
        s, value);
  }
  if (property == "fmt" || property == "format") {
    out.property = "fmt";
    if (std::string e = check_format(value); !e.empty()) return fmt::format("'{}': {}", s, e);
    return {};
  }
  if (property == "app" || property == "appender") {
    out.property = "app";
    if (std::string e = check_appender(value, &out.file); !e.empty())
      return fmt::format("'{}': {}", s, e);
    return {};
  }
  if (property == "add" || property == "additivity") {
    out.property = "add";
    for (const char* b : {"on", "off", "yes", "no", "1", "0"}) {
      if (iequals(value, b)) return {};
    }
    return fmt::format("'{}': additivity '{}' must be on or off", s, value);
  }
  return fmt::format("'{}': unknown property '{}' (thres, fmt, app or add)", s, property);
}

}  // namespace

LogSpec parse_log_spec(std::string_view text) {
  LogSpec spec;
  if (text.size() > 4096) {
    spec.error = "the setting is longer than 4096 characters";
    return spec;
  }
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view one = text.substr(i, end - i);
    if (std::any_of(one.begin(), one.end(),
                    [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); })) {
      spec.error = "the setting contains a control character";
      spec.settings.clear();
      return spec;
    }
    LogSetting s;
    if (std::string e = parse_one(one, s); !e.empty()) {
      spec.error = std::move(e);
      spec.settings.clear();  // all or nothing
      return spec;
    }
    spec.settings.push_back(std::move(s));
    i = end;
  }
  if (spec.settings.empty()) spec.error = "an empty setting; e.g. root.thres:info";
  return spec;
}

std::string check_log_spec(std::string_view text) {
  const LogSpec spec = parse_log_spec(text);
  if (!spec.error.empty()) return spec.error;
  namespace fs = std::filesystem;
  for (const LogSetting& s : spec.settings) {
    if (s.file.empty()) continue;
    const fs::path p(s.file);
    std::error_code ec;
    if (fs::is_directory(p, ec)) return fmt::format("log file '{}' is a directory", s.file);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) {
      return fmt::format("log file '{}': the directory '{}' does not exist", s.file, dir.string());
    }
    // SimGrid opens it for writing (and aborts when it cannot): open it first, without
    // truncating what is there.
    const int fd = ::open(s.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return fmt::format("cannot open log file '{}': {}", s.file, std::strerror(errno));
    ::close(fd);
  }
  return {};
}

}  // namespace coexlab
