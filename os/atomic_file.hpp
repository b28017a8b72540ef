// Result files appear whole or not at all: written to a temporary file in the same
// directory, flushed to disk, then renamed over the target.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace coexlab {

// Writes `content` to `path` atomically. Returns "" or an error message.
std::string write_file_atomically(const std::string& path, const std::string& content);

// Removes the temporary file of a write in progress, if any. Async-signal-safe: for the
// SIGINT/SIGTERM handler, so that an interrupted run leaves no partial file behind.
void remove_pending_temp_file() noexcept;

// One file of a result set: its name in the directory and what writes its content, in
// pieces, through `emit` (so that a large file is streamed, never built whole in memory).
struct ResultFile {
  std::string name;
  std::function<void(const std::function<void(std::string_view)>& emit)> write;
};

// Writes a set of files into `dir` so that a reader (or an interruption) sees the old set or
// the new set, never a mix (docs/limits.md, "Result files"):
//  - when `dir` is absent, or holds nothing but files of the set (and leftovers of earlier
//    writes), the set is written and fsynced in a fresh sibling directory `DIR.tmp-XXXXXX`,
//    which then replaces `dir` in one rename (renameat2 RENAME_EXCHANGE when `dir` exists;
//    the old set is removed after the swap);
//  - when `dir` holds other files too (it is not the set's alone, e.g. `--out .`), the old
//    files of the set are removed first, then each file is written atomically, the last one
//    of `files` last: a set without it is incomplete.
// SIGINT / SIGTERM meanwhile leave no staging directory nor temporary file behind. Returns
// "" or an error message.
std::string write_result_set(const std::string& dir, const std::vector<ResultFile>& files);

// Checks before any work that `dir` can receive a result set: it is a directory or can be
// created, and new files can be made in it and beside it. Creates the missing parents, not
// `dir` itself. Returns "" or why not.
std::string check_output_dir(const std::string& dir);

// Checks before any work that `file` can be written atomically: not a directory, its
// directory exists (or can be created) and takes new files. Returns "" or why not.
std::string check_output_file(const std::string& file);

// SIGINT / SIGTERM: remove what a write in progress left (temporary file, staging directory)
// and exit 130 / 143 (SPEC §3). Installed by the CLI at start and again once SimGrid's engine
// exists (it installs its own SIGINT handler when created).
void install_interrupt_handlers();

// One more clean-up for the handler (async-signal-safe: a sweep kills its children and removes
// its work directory), or nullptr.
void set_interrupt_hook(void (*hook)() noexcept);
void run_interrupt_hook() noexcept;

// Appends one line (with its newline) to `path` and fsyncs it: a finished sweep row survives
// a crash. Returns "" or an error message.
std::string append_line_durably(const std::string& path, const std::string& line);

}  // namespace coexlab
