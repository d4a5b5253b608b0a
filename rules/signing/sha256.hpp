#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/signing/openssl_handles.hpp"

namespace edugate::rules::signing {

/// Incremental SHA-256 (OpenSSL EVP). Not thread-safe; one per digest.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  /// The digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();

 private:
  MdCtxPtr ctx_;
};

/// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// Lowercase hex of `bytes`.
std::string to_hex(const std::uint8_t* bytes, std::size_t size);

}  // namespace edugate::rules::signing
