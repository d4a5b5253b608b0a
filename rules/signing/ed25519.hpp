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

/// Makes a fresh key pair from the OpenSSL CSPRNG. Throws std::runtime_error if OpenSSL fails.
KeyPairPem generate_ed25519();

/// Parses an unencrypted PEM private key; null with `error` set unless it is an Ed25519 key.
PkeyPtr load_private_key(std::string_view pem, std::string& error);
/// Parses a PEM public key (SubjectPublicKeyInfo); null with `error` set unless it is Ed25519.
PkeyPtr load_public_key(std::string_view pem, std::string& error);

/// The 64-byte Ed25519 signature of `message`. Throws std::runtime_error if OpenSSL fails.
std::string sign(EVP_PKEY* private_key, std::string_view message);
/// True when `signature` is a valid Ed25519 signature of `message` by `public_key`.
bool verify(EVP_PKEY* public_key, std::string_view message, std::string_view signature);

/// Standard base64 (RFC 4648) without line breaks.
std::string base64_encode(std::string_view bytes);
/// Decodes what base64_encode() makes; nullopt for anything malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace edugate::rules::signing
