#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/signing/openssl_handles.hpp"

namespace edugate::rules::signing {

/// An Ed25519 key pair in PEM: PKCS#8 private key, SubjectPublicKeyInfo public key.
struct KeyPairPem {
  std::string private_pem;
  std::string public_pem;
};

// The one Ed25519 module: the department's bundle signatures (rules/signing/bundle) and the
// schools' report signatures (reporting/signing) both use it. Failures return null/nullopt with
// `error` set; nothing throws.

/// A fresh key from the OpenSSL CSPRNG; null with `error` set if OpenSSL fails.
PkeyPtr generate_key(std::string& error);
/// A fresh key pair as PEM; nullopt with `error` set if OpenSSL fails.
std::optional<KeyPairPem> generate_ed25519(std::string& error);
/// PEM text of a key: PKCS#8 private key, or SubjectPublicKeyInfo public key.
std::optional<std::string> private_key_pem(EVP_PKEY* key, std::string& error);
std::optional<std::string> public_key_pem(EVP_PKEY* key, std::string& error);

/// Parses an unencrypted PEM private key; null with `error` set unless it is an Ed25519 key.
PkeyPtr load_private_key(std::string_view pem, std::string& error);
/// Parses a PEM public key (SubjectPublicKeyInfo); null with `error` set unless it is Ed25519.
PkeyPtr load_public_key(std::string_view pem, std::string& error);
/// The raw 32 bytes of a key's public half (the form reports carry, in base64).
std::optional<std::string> raw_public_key(EVP_PKEY* key);
/// An Ed25519 public key from its raw 32 bytes; null for anything else.
PkeyPtr public_key_from_raw(std::string_view raw);
/// True for an Ed25519 key.
bool is_ed25519(EVP_PKEY* key);

/// The 64-byte Ed25519 signature of `message`; nullopt with `error` set if OpenSSL fails.
std::optional<std::string> sign(EVP_PKEY* private_key, std::string_view message,
                                std::string& error);
/// True when `signature` is a valid Ed25519 signature of `message` by `public_key`.
bool verify(EVP_PKEY* public_key, std::string_view message, std::string_view signature);

/// Standard base64 (RFC 4648) without line breaks.
std::string base64_encode(std::string_view bytes);
/// Decodes what base64_encode() makes; nullopt for anything malformed or non-canonical.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace edugate::rules::signing
