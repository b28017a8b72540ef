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
  std::string format() const;  // "FILE:LINE:COLUMN: error: MESSAGE"
};

// Collects every problem of a file in one pass.
class Diagnostics {
 public:
  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // Sorted by position (source, line, column), errors before warnings at one place;
  // stable so that messages of one node keep their order.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
  int error_count_ = 0;
};

}  // namespace coexlab
