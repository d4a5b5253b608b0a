#pragma once

// Incremental SHA-256 (OpenSSL EVP), so the origin can hash a body of any size as it streams by.

#include <openssl/evp.h>

#include <memory>
#include <span>
#include <string>

namespace edugate::itest {

class Sha256 {
 public:
  Sha256();
  /// Adds bytes to the digest.
  void update(std::span<const char> bytes);
  /// The digest of everything added, as 64 lower-case hex digits. Call once.
  std::string hex_digest();

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace edugate::itest
