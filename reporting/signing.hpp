#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reporting/openssl_handles.hpp"

namespace edugate::reporting {

/// The school's Ed25519 report keys and signatures in the forms reports use (key files by path,
/// raw public keys and signatures in base64), on the one Ed25519 module
/// (rules/signing/ed25519.hpp). Thread-safe; failures return null/nullopt/false with `*error`
/// set when `error` is given.

/// A fresh Ed25519 key pair (OpenSSL's CSPRNG).
EvpPkey generate_ed25519(std::string* error);
/// PEM text: PKCS#8 private key, or SubjectPublicKeyInfo public key.
std::optional<std::string> private_key_pem(EVP_PKEY* key, std::string* error);
std::optional<std::string> public_key_pem(EVP_PKEY* key, std::string* error);

/// Loads a PEM private key file (must be Ed25519).
EvpPkey load_private_key(const std::string& path, std::string* error);
/// A public key from a PEM file path, or from the base64 of the raw 32-byte key.
EvpPkey load_public_key(const std::string& path_or_base64, std::string* error);
/// The public half of any Ed25519 key as base64 of its raw 32 bytes (the form reports carry).
std::string public_key_base64(EVP_PKEY* key);
/// A short fingerprint for people: first 16 hex digits of SHA-256 of the raw public key.
std::string key_fingerprint(EVP_PKEY* key);

/// Ed25519 signature of `message`, base64.
std::optional<std::string> sign_message(EVP_PKEY* private_key, std::string_view message,
                                        std::string* error);
/// True when `signature_base64` is a valid Ed25519 signature of `message` by `public_key`.
bool verify_message(EVP_PKEY* public_key, std::string_view message,
                    std::string_view signature_base64);

}  // namespace edugate::reporting
