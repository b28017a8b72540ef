#include "atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coexlab {
namespace {

// The temporary file being written, for the signal handler (a plain buffer: no allocation
// or locking may happen in a handler).
char g_pending_temp[4096] = {0};

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

}  // namespace

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
