// Positioned errors and warnings about a scenario file: "FILE:LINE:COLUMN: error: MESSAGE".
#pragma once

#include <string>
#include <vector>

namespace coexlab {

// A place in a source: 1-based line and column. `source` is the file name, or a label such
// as "--set servers.X.hardware.cores" for values that came from the command line.
struct SourcePos {
  std::string source;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourcePos pos;
  std::string message;
  // The rule's id (docs/format.md, "Rules that validate checks"): L1 ... L11, tools, hairpin,
  // space, batch, threads, identity; empty for the others (syntax, types, references).
  std::string rule;
  // "FILE:LINE:COLUMN: error: MESSAGE", and " [RULE]" after it when there is a rule (as
  // compilers name the warning flag), which is the id a scenario's `acknowledge` takes.
  std::string format() const;
};

// Collects every problem of a file in one pass.
class Diagnostics {
 public:
  void error(SourcePos pos, std::string message, std::string rule = {});
  void warning(SourcePos pos, std::string message, std::string rule = {});
  // Drops the warnings of the given rules (a scenario's `acknowledge`); returns how many.
  int acknowledge(const std::vector<std::string>& rules);

  bool has_errors() const { return error_count_ > 0; }
  int acknowledged_count() const { return acknowledged_; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // Sorted by position (source, line, column), errors before warnings at one place;
  // stable so that messages of one node keep their order.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
  int error_count_ = 0;
  int acknowledged_ = 0;
};

}  // namespace coexlab
