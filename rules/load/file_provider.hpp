#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace edugate::rules::load {

/// Where the loader reads rule files from: the disk, or bytes already read and verified (a
/// signed bundle), so that what was verified is exactly what gets loaded. Paths are as the
/// loader builds them (resolve_path form). Implementations are not required to be thread-safe.
class FileProvider {
 public:
  virtual ~FileProvider() = default;
  /// The whole file; nullopt with `error` set (e.g. "No such file or directory").
  virtual std::optional<std::string> read(const std::string& path, std::string& error) const = 0;
  /// Regular-file names directly inside `path`, sorted; nullopt when it is not a directory.
  virtual std::optional<std::vector<std::string>> list_directory(const std::string& path) const = 0;
  virtual bool is_directory(const std::string& path) const = 0;
  /// True when something exists at `path` (a file that may then fail to read, too).
  virtual bool exists(const std::string& path) const = 0;
};

/// Reads the real file system. Files larger than kMaxFileBytes are refused.
class DiskFiles final : public FileProvider {
 public:
  static constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::optional<std::vector<std::string>> list_directory(const std::string& path) const override;
  bool is_directory(const std::string& path) const override;
  bool exists(const std::string& path) const override;
};

/// Reads the disk, but only under `root` (lexically): what a fetched department bundle may read.
/// A list path that points elsewhere (absolute, or climbing out with "..") is refused.
class ConfinedFiles final : public FileProvider {
 public:
  explicit ConfinedFiles(std::string root) : root_(std::move(root)) {}
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::optional<std::vector<std::string>> list_directory(const std::string& path) const override;
  bool is_directory(const std::string& path) const override;
  bool exists(const std::string& path) const override;

 private:
  bool inside(const std::string& path) const;
  std::string root_;
  DiskFiles disk_;
};

/// Serves files from memory (a verified bundle, or tests and the fuzzer). A directory exists
/// when some file path lies under it. `missing_message` is the error for any other path.
class MemoryFiles final : public FileProvider {
 public:
  explicit MemoryFiles(std::map<std::string, std::string> files, std::string missing_message)
      : files_(std::move(files)), missing_message_(std::move(missing_message)) {}
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::optional<std::vector<std::string>> list_directory(const std::string& path) const override;
  bool is_directory(const std::string& path) const override;
  bool exists(const std::string& path) const override;
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  std::map<std::string, std::string> files_;
  std::string missing_message_;
};

}  // namespace edugate::rules::load
