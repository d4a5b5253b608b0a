#include "reporting/bearer_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>

namespace edugate::reporting {

namespace {

constexpr std::string_view kPrefix = "sha256:";
constexpr std::string_view kHex = "0123456789abcdef";

using Digest = std::array<unsigned char, 32>;

Digest sha256(std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<Digest> decode(std::string_view text) noexcept {
  if (!valid_token_hash(text)) return std::nullopt;
  Digest d{};
  const auto hex = text.substr(kPrefix.size());
  for (std::size_t i = 0; i < d.size(); ++i)
    d[i] = static_cast<unsigned char>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  return d;
}

}  // namespace

std::string new_token() {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return {};
  std::array<unsigned char, 48> b64{};
  const int n = EVP_EncodeBlock(b64.data(), raw.data(), static_cast<int>(raw.size()));
  OPENSSL_cleanse(raw.data(), raw.size());
  std::string token(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n));
  for (auto& c : token) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!token.empty() && token.back() == '=') token.pop_back();
  return token;
}

std::string hash_token(std::string_view token) {
  const auto d = sha256(token);
  std::string out(kPrefix);
  for (const auto b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool valid_token_hash(std::string_view text) noexcept {
  if (text.size() != kPrefix.size() + 64 || text.substr(0, kPrefix.size()) != kPrefix) return false;
  for (const char c : text.substr(kPrefix.size()))
    if (hex_value(c) < 0) return false;
  return true;
}

bool token_matches(std::string_view presented, std::span<const std::string> hashes) {
  const Digest mine = sha256(presented);
  bool matched = false;
  for (const auto& h : hashes) {
    const auto stored = decode(h);
    if (!stored) continue;
    matched |= CRYPTO_memcmp(mine.data(), stored->data(), mine.size()) == 0;
  }
  return matched;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() + 1) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i])
      return std::nullopt;
  if (authorization[kScheme.size()] != ' ') return std::nullopt;
  auto token = authorization.substr(kScheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.find(' ') != std::string_view::npos) return std::nullopt;
  return token;
}

}  // namespace edugate::reporting
