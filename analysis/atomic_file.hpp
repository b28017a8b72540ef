// Result files appear whole or not at all: written to a temporary file in the same
// directory, flushed to disk, then renamed over the target.
#pragma once

#include <string>

namespace coexlab {

// Writes `content` to `path` atomically. Returns "" or an error message.
std::string write_file_atomically(const std::string& path, const std::string& content);

// Removes the temporary file of a write in progress, if any. Async-signal-safe: for the
// SIGINT/SIGTERM handler, so that an interrupted run leaves no partial file behind.
void remove_pending_temp_file() noexcept;

// Appends one line (with its newline) to `path` and fsyncs it: a finished sweep row survives
// a crash. Returns "" or an error message.
std::string append_line_durably(const std::string& path, const std::string& line);

}  // namespace coexlab
