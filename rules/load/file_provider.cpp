#include "rules/load/file_provider.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace edugate::rules::load {

namespace fs = std::filesystem;

std::optional<std::string> DiskFiles::read(const std::string& path, std::string& error) const {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "is a directory, expected a file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  const auto size = fs::file_size(path, ec);
  if (ec) {
    error = ec.message();
    return std::nullopt;
  }
  if (size > kMaxFileBytes) {
    error = "file larger than 1 GiB";
    return std::nullopt;
  }
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    error = "read error";
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::vector<std::string>> DiskFiles::list_directory(const std::string& path) const {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(path, ec))
    if (entry.is_regular_file(ec)) names.push_back(entry.path().filename().string());
  if (ec) return std::nullopt;
  std::sort(names.begin(), names.end());
  return names;
}

bool DiskFiles::is_directory(const std::string& path) const {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool DiskFiles::exists(const std::string& path) const {
  std::error_code ec;
  return fs::exists(path, ec) || ec;  // cannot tell: let the read say why
}

bool ConfinedFiles::inside(const std::string& path) const {
  const std::string p = std::filesystem::path(path).lexically_normal().string();
  return p == root_ || p.starts_with(root_ + "/");
}

std::optional<std::string> ConfinedFiles::read(const std::string& path, std::string& error) const {
  if (!inside(path)) {
    error = fmt::format("outside the department bundle {}", root_);
    return std::nullopt;
  }
  return disk_.read(path, error);
}

std::optional<std::vector<std::string>> ConfinedFiles::list_directory(
    const std::string& path) const {
  if (!inside(path)) return std::nullopt;
  return disk_.list_directory(path);
}

bool ConfinedFiles::is_directory(const std::string& path) const {
  return inside(path) && disk_.is_directory(path);
}

bool ConfinedFiles::exists(const std::string& path) const {
  return !inside(path) || disk_.exists(path);  // outside: the read refuses it
}

std::optional<std::string> MemoryFiles::read(const std::string& path, std::string& error) const {
  const auto it = files_.find(path);
  if (it == files_.end()) {
    error = missing_message_;
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::vector<std::string>> MemoryFiles::list_directory(const std::string& path) const {
  if (!is_directory(path)) return std::nullopt;
  const std::string prefix = path.ends_with('/') ? path : path + "/";
  std::vector<std::string> names;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix);
       ++it) {
    const std::string rest = it->first.substr(prefix.size());
    if (rest.find('/') == std::string::npos) names.push_back(rest);
  }
  return names;
}

bool MemoryFiles::exists(const std::string& path) const {
  return files_.contains(path) || is_directory(path);
}

bool MemoryFiles::is_directory(const std::string& path) const {
  const std::string prefix = path.ends_with('/') ? path : path + "/";
  const auto it = files_.lower_bound(prefix);
  return it != files_.end() && it->first.starts_with(prefix);
}

}  // namespace edugate::rules::load
