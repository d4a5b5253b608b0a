#pragma once

#include <map>
#include <optional>
#include <string>

#include "reporting/openssl_handles.hpp"

namespace edugate::reporting {

/// The school public keys a department trusts, by school id. Immutable after loading;
/// thread-safe to read.
class KeyDirectory {
 public:
  /// Every `<school_id>.pub` (PEM) file in `dir`. Fails on an unreadable key file.
  static std::optional<KeyDirectory> from_dir(const std::string& dir, std::string* error);
  /// A text file of `<school_id> <base64 Ed25519 public key>` lines ('#' starts a comment).
  static std::optional<KeyDirectory> from_list(const std::string& path, std::string* error);

  void add(std::string school_id, EvpPkey key) { keys_[std::move(school_id)] = std::move(key); }
  /// The trusted key of `school_id`, or nullptr.
  EVP_PKEY* key_for(const std::string& school_id) const;
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::map<std::string, EvpPkey> keys_;
};

}  // namespace edugate::reporting
