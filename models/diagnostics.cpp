#include "diagnostics.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace coexlab {

std::string Diagnostic::format() const {
  const char* kind = severity == Severity::error ? "error" : "warning";
  if (pos.line > 0) {
    return fmt::format("{}:{}:{}: {}: {}", pos.source, pos.line, pos.column, kind, message);
  }
  return fmt::format("{}: {}: {}", pos.source, kind, message);
}

void Diagnostics::error(SourcePos pos, std::string message) {
  items_.push_back({Severity::error, std::move(pos), std::move(message)});
  ++error_count_;
}

void Diagnostics::warning(SourcePos pos, std::string message) {
  items_.push_back({Severity::warning, std::move(pos), std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.source, a.pos.line, a.pos.column, a.severity) <
           std::tie(b.pos.source, b.pos.line, b.pos.column, b.severity);
  });
  return out;
}

}  // namespace coexlab
