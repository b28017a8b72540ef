#include "atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coexlab {
namespace {

// The temporary file being written, for the signal handler (a plain buffer: no allocation
// or locking may happen in a handler).
char g_pending_temp[4096] = {0};
void (*g_interrupt_hook)() noexcept = nullptr;

void set_pending(const std::string& path) {
  const size_t n = std::min(path.size(), sizeof g_pending_temp - 1);
  std::memcpy(g_pending_temp, path.data(), n);
  g_pending_temp[n] = '\0';
}

std::string write_all(int fd, const std::string& content) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::strerror(errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return {};
}

// The staging directory of a result set being written, and its files' paths, for the
// handler (plain buffers, filled before the first write).
constexpr size_t kMaxStagedFiles = 8;
char g_staging_dir[4096] = {0};
char g_staged[kMaxStagedFiles][4096] = {};

void copy_path(char* to, size_t size, const std::string& path) {
  const size_t n = std::min(path.size(), size - 1);
  std::memcpy(to, path.data(), n);
  to[n] = '\0';
}

void clear_staging() {
  g_staging_dir[0] = '\0';
  for (auto& f : g_staged) f[0] = '\0';
}

void remove_staging() noexcept {
  for (auto& f : g_staged) {
    if (f[0] != '\0') ::unlink(f);
  }
  if (g_staging_dir[0] != '\0') ::rmdir(g_staging_dir);
}

void on_interrupt(int sig) {
  remove_pending_temp_file();
  remove_staging();
  run_interrupt_hook();
  ::_exit(sig == SIGINT ? 130 : 143);
}

// Writes what `f` emits to fd through a buffer; "" or the error.
std::string write_streamed(int fd, const ResultFile& f) {
  std::string buffer;
  std::string err;
  const auto flush = [&] {
    if (err.empty()) err = write_all(fd, buffer);
    buffer.clear();
  };
  f.write([&](std::string_view piece) {
    buffer.append(piece);
    if (buffer.size() >= (1u << 20)) flush();
  });
  flush();
  return err;
}

std::string fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  return rc == 0 ? "" : std::strerror(saved);
}

// True when every entry of `dir` is a file of the set or a leftover of an earlier write.
bool holds_only_the_set(const std::filesystem::path& dir, const std::vector<ResultFile>& files) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const bool ours = std::any_of(files.begin(), files.end(), [&](const ResultFile& f) {
      return name == f.name || name.rfind(f.name + ".tmp-", 0) == 0;
    });
    if (!ours || !e.is_regular_file(ec)) return false;
  }
  return !ec;
}

}  // namespace

void set_interrupt_hook(void (*hook)() noexcept) {
  g_interrupt_hook = hook;
}

void run_interrupt_hook() noexcept {
  if (g_interrupt_hook) g_interrupt_hook();
}

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = 0;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

std::string write_result_set(const std::string& dir, const std::vector<ResultFile>& files) {
  namespace fs = std::filesystem;
  fs::path target = fs::path(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "out/" is "out"
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return "cannot create directory " + parent.string() + ": " + ec.message();
  const bool exists = fs::exists(target, ec);
  if (exists && !fs::is_directory(target, ec)) {
    return "cannot write into " + target.string() + ": not a directory";
  }
  // A symlink is not swapped (the link would be replaced, the files behind it kept).
  const bool link = fs::is_symlink(target, ec);
  bool swapped = false;
  if (files.size() <= kMaxStagedFiles && !link && (!exists || holds_only_the_set(target, files))) {
    std::string staging = target.string() + ".tmp-XXXXXX";
    if (::mkdtemp(staging.data()) == nullptr) {
      return "cannot create " + staging + ": " + std::strerror(errno);
    }
    ::chmod(staging.c_str(), 0755);
    // Every path the handler may have to remove, before the first byte is written.
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &block, &old);
    copy_path(g_staging_dir, sizeof g_staging_dir, staging);
    for (size_t i = 0; i < files.size(); ++i)
      copy_path(g_staged[i], sizeof g_staged[i], staging + "/" + files[i].name);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    std::string err;
    for (const ResultFile& f : files) {
      const std::string path = staging + "/" + f.name;
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) {
        err = "cannot create " + path + ": " + std::strerror(errno);
        break;
      }
      err = write_streamed(fd, f);
      if (err.empty() && ::fsync(fd) != 0) err = std::strerror(errno);
      ::close(fd);
      if (!err.empty()) {
        err.insert(0, "cannot write " + path + ": ");
        break;
      }
    }
    if (err.empty()) {
      if (const std::string e = fsync_dir(staging); !e.empty())
        err = "cannot sync " + staging + ": " + e;
    }
    if (err.empty()) {
      // The swap: one rename, atomic for any reader. Afterwards the staging path holds the
      // old set (same file names), which the handler would remove just as well.
      const int rc =
          exists ? ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE)
                 : ::rename(staging.c_str(), target.c_str());
      if (rc != 0) {
        err = "cannot move " + staging + " to " + target.string() + ": " + std::strerror(errno);
      } else {
        swapped = true;
      }
    }
    if (err.empty()) fsync_dir(parent.string());
    remove_staging();
    ::sigprocmask(SIG_BLOCK, &block, &old);
    clear_staging();
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    fs::remove_all(staging, ec);  // after a swap: the old set and any leftovers beside it
    if (swapped) return {};
    // A swap that the file system refuses (a mount point, an exotic file system): the
    // file-by-file way below. Any other failure is reported.
    if (err.rfind("cannot move ", 0) != 0) return err;
  }
  // A directory shared with other files: the old set goes first, the new one is written file
  // by file, the last file last (its presence marks a complete set).
  for (const ResultFile& f : files) fs::remove(target / f.name, ec);
  for (const ResultFile& f : files) {
    std::string content;
    f.write([&](std::string_view piece) { content.append(piece); });
    if (std::string err = write_file_atomically((target / f.name).string(), content); !err.empty())
      return err;
  }
  return {};
}

namespace {

// A probe file in `dir`: "" when it can be made (and is removed again), else why not.
std::string probe_dir(const std::string& dir) {
  std::string probe = dir + "/.coexlab-probe-XXXXXX";
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return {};
}

}  // namespace

std::string check_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path target = fs::path(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  if (target.empty()) target = ".";
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return "cannot create directory " + parent.string() + ": " + ec.message();
  if (!fs::is_directory(parent, ec)) return parent.string() + " is not a directory";
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) return target.string() + " exists and is not a directory";
    if (std::string e = probe_dir(target.string()); !e.empty())
      return "cannot write into " + target.string() + ": " + e;
  }
  if (std::string e = probe_dir(parent.string()); !e.empty())
    return "cannot write into " + parent.string() + ": " + e;
  return {};
}

std::string check_output_file(const std::string& file) {
  namespace fs = std::filesystem;
  const fs::path target(file);
  std::error_code ec;
  if (fs::is_directory(target, ec)) return file + " is a directory";
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec) return "cannot create directory " + parent.string() + ": " + ec.message();
  if (!fs::is_directory(parent, ec)) return parent.string() + " is not a directory";
  if (std::string e = probe_dir(parent.string()); !e.empty())
    return "cannot write into " + parent.string() + ": " + e;
  return {};
}

std::string write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) return "cannot create directory " + target.parent_path().string() + ": " + ec.message();
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  set_pending(tmp);
  std::string err = write_all(fd, content);
  if (err.empty() && ::fsync(fd) != 0) err = std::strerror(errno);
  ::fchmod(fd, 0644);
  ::close(fd);
  if (err.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) err = std::strerror(errno);
  if (!err.empty()) ::unlink(tmp.c_str());
  g_pending_temp[0] = '\0';
  if (!err.empty()) return "cannot write " + path + ": " + err;
  return {};
}

void remove_pending_temp_file() noexcept {
  if (g_pending_temp[0] != '\0') ::unlink(g_pending_temp);
}

std::string append_line_durably(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
  std::string err = write_all(fd, line + "\n");
  if (err.empty() && ::fsync(fd) != 0) err = std::strerror(errno);
  ::close(fd);
  return err.empty() ? "" : "cannot append to " + path + ": " + err;
}

}  // namespace coexlab
