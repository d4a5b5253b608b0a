#include "reporting/signing.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <sstream>

#include "rules/signing/ed25519.hpp"

namespace edugate::reporting {

// The school's report keys in the forms the reports and their commands use (key files by path, a
// raw public key in base64, base64 signatures), on the one Ed25519 module, rules/signing/ed25519.

namespace {

namespace ed25519 = rules::signing;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Sets `*error` when the caller wants the message.
void set(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

}  // namespace

EvpPkey generate_ed25519(std::string* error) {
  std::string why;
  auto key = ed25519::generate_key(why);
  if (!key) set(error, why);
  return key;
}

std::optional<std::string> private_key_pem(EVP_PKEY* key, std::string* error) {
  std::string why;
  auto pem = ed25519::private_key_pem(key, why);
  if (!pem) set(error, why);
  return pem;
}

std::optional<std::string> public_key_pem(EVP_PKEY* key, std::string* error) {
  std::string why;
  auto pem = ed25519::public_key_pem(key, why);
  if (!pem) set(error, why);
  return pem;
}

EvpPkey load_private_key(const std::string& path, std::string* error) {
  const auto text = read_file(path);
  if (!text) {
    set(error, fmt::format("cannot read private key {}", path));
    return nullptr;
  }
  std::string why;
  auto key = ed25519::load_private_key(*text, why);
  if (!key) set(error, fmt::format("{} is not an Ed25519 private key in PEM form", path));
  return key;
}

EvpPkey load_public_key(const std::string& path_or_base64, std::string* error) {
  if (const auto text = read_file(path_or_base64)) {
    std::string why;
    auto key = ed25519::load_public_key(*text, why);
    if (!key)
      set(error, fmt::format("{} is not an Ed25519 public key in PEM form", path_or_base64));
    return key;
  }
  if (const auto raw = ed25519::base64_decode(path_or_base64))
    if (auto key = ed25519::public_key_from_raw(*raw)) return key;
  set(error, fmt::format("'{}' is neither a readable PEM file nor a base64 Ed25519 public key",
                         path_or_base64));
  return nullptr;
}

std::string public_key_base64(EVP_PKEY* key) {
  const auto raw = ed25519::raw_public_key(key);
  return raw ? ed25519::base64_encode(*raw) : std::string();
}

std::string key_fingerprint(EVP_PKEY* key) {
  const auto raw = ed25519::raw_public_key(key).value_or(std::string());
  std::array<unsigned char, 32> digest{};
  unsigned int n = 0;
  EVP_Digest(raw.data(), raw.size(), digest.data(), &n, EVP_sha256(), nullptr);
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::optional<std::string> sign_message(EVP_PKEY* private_key, std::string_view message,
                                        std::string* error) {
  std::string why;
  const auto signature = ed25519::sign(private_key, message, why);
  if (!signature) {
    set(error, why);
    return std::nullopt;
  }
  return ed25519::base64_encode(*signature);
}

bool verify_message(EVP_PKEY* public_key, std::string_view message,
                    std::string_view signature_base64) {
  const auto signature = ed25519::base64_decode(signature_base64);
  return signature && ed25519::verify(public_key, message, *signature);
}

}  // namespace edugate::reporting
