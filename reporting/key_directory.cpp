#include "reporting/key_directory.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reporting/school_id.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting {

std::optional<KeyDirectory> KeyDirectory::from_dir(const std::string& dir, std::string* error) {
  KeyDirectory keys;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& p = entry.path();
    if (p.extension() != ".pub") continue;
    const auto id = p.stem().string();
    if (!valid_school_id(id)) continue;
    auto key = load_public_key(p.string(), error);
    if (!key) return std::nullopt;
    keys.add(id, std::move(key));
  }
  if (ec) {
    if (error) *error = fmt::format("cannot list {}: {}", dir, ec.message());
    return std::nullopt;
  }
  return keys;
}

std::optional<KeyDirectory> KeyDirectory::from_list(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    if (error) *error = fmt::format("cannot read {}", path);
    return std::nullopt;
  }
  KeyDirectory keys;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string id, key_text, extra;
    if (!(words >> id)) continue;
    std::string key_error;
    EvpPkey key;
    if (words >> key_text && !(words >> extra) && valid_school_id(id))
      key = load_public_key(key_text, &key_error);
    if (!key) {
      if (error)
        *error = fmt::format("{}:{}: expected '<school_id> <base64 Ed25519 key>'", path, n);
      return std::nullopt;
    }
    keys.add(id, std::move(key));
  }
  return keys;
}

EVP_PKEY* KeyDirectory::key_for(const std::string& school_id) const {
  const auto it = keys_.find(school_id);
  return it == keys_.end() ? nullptr : it->second.get();
}

}  // namespace edugate::reporting
