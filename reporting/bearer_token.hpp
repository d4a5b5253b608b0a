#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace edugate::reporting {

/// Bearer tokens for the department's report endpoint. The config keeps only their SHA-256
/// ("sha256:<64 lowercase hex>"), so reading the config does not reveal a usable token.

/// A new random token: 32 bytes from OpenSSL's CSPRNG, base64url without padding (43 chars).
/// Returns "" if the CSPRNG fails. Thread-safe.
std::string new_token();
/// "sha256:<hex>" of `token`. Pure, thread-safe.
std::string hash_token(std::string_view token);
/// True when `text` has the form hash_token() produces.
bool valid_token_hash(std::string_view text) noexcept;
/// True when `presented` hashes to one of `hashes`. Every stored hash is compared, each in
/// constant time (CRYPTO_memcmp), so timing reveals neither which entry matched nor how many
/// leading bytes did. Malformed entries never match. Pure, thread-safe.
bool token_matches(std::string_view presented, std::span<const std::string> hashes);
/// The token in an `Authorization: Bearer <token>` header value (scheme case-insensitive);
/// nullopt when the header is not a bearer credential.
std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept;

}  // namespace edugate::reporting
