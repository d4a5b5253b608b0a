#include "rules/load/hashing_files.hpp"

#include <fmt/format.h>

namespace edugate::rules::load {

std::optional<std::string> HashingFiles::read(const std::string& path, std::string& error) const {
  auto bytes = inner_.read(path, error);
  if (bytes) {
    digest_.update(fmt::format("{}\n{}\n", path, bytes->size()));
    digest_.update(*bytes);
  }
  return bytes;
}

std::string version_of(signing::Sha256& digest) {
  const auto d = digest.finish();
  return signing::to_hex(d.data(), d.size()).substr(0, 16);
}

}  // namespace edugate::rules::load
