#include "rules/update/durable_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace edugate::rules::update {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool write_durably(const std::string& path, std::string_view bytes, mode_t mode,
                   std::string& error) {
  const std::string tmp = path + ".tmp";
  // A link someone left at `tmp` is removed, not followed; one put back in between makes
  // O_EXCL fail.
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    error = fmt::format("{}: {}", tmp, std::strerror(errno));
    return false;
  }
  const bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = fmt::format("{}: {}", path, std::strerror(ok ? errno : saved));
    ::unlink(tmp.c_str());
    return false;
  }
  auto dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    ::fsync(d);
    ::close(d);
  }
  return true;
}

}  // namespace edugate::rules::update
