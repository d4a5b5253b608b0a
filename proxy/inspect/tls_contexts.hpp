#pragma once

// The two OpenSSL contexts of inspection, made once per worker: one facing the pupils' devices
// (edugate is the server, with minted leaves) and one facing origins (edugate is a verifying
// client). Both: TLS 1.2 or newer, ALPN http/1.1 only, so that the HTTP/1.1 pipeline runs inside.

#include <string>
#include <string_view>

#include "proxy/inspect/openssl_ptr.hpp"

namespace edugate::proxy::inspect {

/// The client-facing server context. It holds no certificate: each connection gets its leaf
/// with use_leaf(). ALPN: selects http/1.1 when offered, else continues without ALPN (never h2).
/// Session tickets stay on, so a device's reconnects resume cheaply. nullptr if OpenSSL fails.
SslCtxPtr make_client_facing_context();

/// The origin-facing client context: peer verification required, against the PEM bundle at
/// `bundle` or, when empty, the system trust store; offers ALPN http/1.1. (Verified connections
/// are kept alive in a pool instead of being resumed.) nullptr with `error` set on failure (an
/// unreadable bundle, say).
SslCtxPtr make_upstream_context(const std::string& bundle, std::string& error);

/// Gives a client-facing connection its certificate and key. False if OpenSSL refuses them.
bool use_leaf(SSL* ssl, X509* leaf, EVP_PKEY* key);

/// Prepares an origin-facing connection for `name` (the name the pupil asked for): SNI for a
/// DNS name, and the name (or IP address) the certificate must match. False on bad input.
bool expect_peer(SSL* ssl, std::string_view name);

/// Why an origin's certificate failed verification, in Vietnamese and English, for the page the
/// pupil sees. `verify_result` is SSL_get_verify_result()'s X509_V_ERR_* code.
struct CertProblem {
  std::string_view vi;
  std::string_view en;
  std::string_view code;  ///< stable short name for logs and counters: expired, wrong-host, ...
};
CertProblem describe_verify_error(long verify_result) noexcept;

}  // namespace edugate::proxy::inspect
