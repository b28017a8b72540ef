#include "diagnostics.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace coexlab {

std::string Diagnostic::format() const {
  const char* kind = severity == Severity::error ? "error" : "warning";
  const std::string id = rule.empty() ? "" : fmt::format(" [{}]", rule);
  if (pos.line > 0) {
    return fmt::format("{}:{}:{}: {}: {}{}", pos.source, pos.line, pos.column, kind, message, id);
  }
  return fmt::format("{}: {}: {}{}", pos.source, kind, message, id);
}

void Diagnostics::error(SourcePos pos, std::string message, std::string rule) {
  items_.push_back({Severity::error, std::move(pos), std::move(message), std::move(rule)});
  ++error_count_;
}

void Diagnostics::warning(SourcePos pos, std::string message, std::string rule) {
  items_.push_back({Severity::warning, std::move(pos), std::move(message), std::move(rule)});
}

int Diagnostics::acknowledge(const std::vector<std::string>& rules) {
  const auto before = items_.size();
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const Diagnostic& d) {
                                return d.severity == Severity::warning && !d.rule.empty() &&
                                       std::find(rules.begin(), rules.end(), d.rule) != rules.end();
                              }),
               items_.end());
  const int dropped = static_cast<int>(before - items_.size());
  acknowledged_ += dropped;
  return dropped;
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
