#pragma once

// Leaf certificates for inspected connections: one per server name, signed by the school CA.
// Minting is a pure function of its inputs (CA, keys, host, time, serial), in the spirit of
// Squid's generateSslCertificate: the cache and the randomness live elsewhere.

#include <chrono>
#include <string_view>

#include "proxy/inspect/openssl_ptr.hpp"
#include "proxy/inspect/school_ca.hpp"

namespace edugate::proxy::inspect {

/// How long a minted leaf is valid (from now - kBackdate): short, so that a leaked leaf key is
/// worth little and a CA change takes effect within days.
inline constexpr std::chrono::hours kLeafValidity{24 * 7};

struct LeafRequest {
  X509* ca_cert = nullptr;       ///< the issuer
  EVP_PKEY* ca_key = nullptr;    ///< signs the leaf
  EVP_PKEY* leaf_key = nullptr;  ///< the leaf's public key (one per worker, shared by its leaves)
  std::string_view host;         ///< normalised DNS name, or an IP literal (IPv6 without brackets)
  std::chrono::system_clock::time_point now;
  Serial serial{};
};

/// Mints the leaf for `r.host`: X.509 v3, the given serial, issuer = the CA's subject, subject
/// CN = host (when it fits in 64 bytes), subjectAltName DNS:host (IP:host for an IP literal),
/// valid from now - kBackdate until now + kLeafValidity but never past the CA's own notAfter,
/// basicConstraints critical CA:FALSE, keyUsage critical digitalSignature, extendedKeyUsage
/// serverAuth, authorityKeyIdentifier from the CA's subjectKeyIdentifier; ECDSA/SHA-256.
/// Pure and thread-safe as long as the keys are not shared with a thread that modifies them.
/// Returns nullptr for an empty host or if OpenSSL fails.
X509Ptr mint_leaf(const LeafRequest& r);

}  // namespace edugate::proxy::inspect
