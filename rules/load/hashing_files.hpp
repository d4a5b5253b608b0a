#pragma once

#include <string>

#include "rules/load/file_provider.hpp"
#include "rules/signing/sha256.hpp"

namespace edugate::rules::load {

/// Passes reads through to another provider and feeds every file it serves (path, size and
/// bytes, in read order) into a shared SHA-256, from which the rule-set version is taken. Not
/// thread-safe.
class HashingFiles final : public FileProvider {
 public:
  HashingFiles(const FileProvider& inner, signing::Sha256& digest)
      : inner_(inner), digest_(digest) {}

  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::optional<std::vector<std::string>> list_directory(const std::string& path) const override {
    return inner_.list_directory(path);
  }
  bool is_directory(const std::string& path) const override { return inner_.is_directory(path); }
  bool exists(const std::string& path) const override { return inner_.exists(path); }

 private:
  const FileProvider& inner_;
  signing::Sha256& digest_;
};

/// The version string of a finished digest: its first 16 hex digits.
std::string version_of(signing::Sha256& digest);

}  // namespace edugate::rules::load
