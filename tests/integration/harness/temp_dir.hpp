#pragma once

// A private temporary directory for one test, removed with everything in it at destruction.

#include <filesystem>
#include <string_view>

namespace edugate::itest {

class TempDir {
 public:
  /// Creates $TMPDIR/<prefix>-XXXXXX (or /tmp/...) with mkdtemp. Throws std::system_error.
  explicit TempDir(std::string_view prefix = "edugate-itest");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to path()/name (replacing it) and returns the file's path.
  std::filesystem::path write(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace edugate::itest
