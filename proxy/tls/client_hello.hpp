#pragma once

// Reads SNI and ALPN out of a TLS ClientHello without decrypting anything. Pure: no I/O, no Asio,
// so the fuzz target compiles this file alone. The bytes come from an untrusted client.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace edugate::proxy::tls {

/// Largest ClientHello handshake message accepted by default (Envoy's tls_inspector uses the same).
inline constexpr std::size_t kDefaultMaxClientHello = 64 * 1024;

struct ClientHelloInfo {
  std::string sni;                   ///< lower-cased host_name, trailing dot removed; empty if none
  std::vector<std::string> alpn;     ///< protocol names in the client's order (opaque bytes)
  std::uint16_t legacy_version = 0;  ///< ClientHello.legacy_version, e.g. 0x0303
  bool has_sni = false;
};

enum class HelloStatus {
  complete,   ///< a whole ClientHello was parsed; `info` is filled in
  need_more,  ///< a valid prefix so far: append more bytes and call again
  not_tls,    ///< the bytes are not a TLS handshake record (plain HTTP, SSLv2-compat hello, ...)
  malformed,  ///< TLS framing, but the ClientHello breaks the grammar (or SNI has bad bytes)
  too_large,  ///< the ClientHello (or its record framing) exceeds the cap
};

struct HelloParse {
  HelloStatus status = HelloStatus::need_more;
  ClientHelloInfo info;  ///< meaningful only when status == complete
  /// Bytes of the input examined. On `complete`: the offset just past the ClientHello's last
  /// byte (the record carrying it may continue). Otherwise: the whole input.
  std::size_t consumed_hint = 0;
};

/// Parses the first TLS ClientHello in `bytes`, which is everything the client has sent so far
/// (the caller appends each new read and calls again while the result is need_more).
/// Handles a ClientHello split across several handshake records (type 22) and across reads.
/// A handshake message longer than `max_bytes`, or one spread over an absurd number of records,
/// gives too_large as soon as its header shows it. Every strict prefix of a valid ClientHello
/// gives need_more. Never reads out of bounds, never throws (beyond std::bad_alloc, which the
/// cap bounds to about `max_bytes`), keeps no state: safe to call from any thread.
HelloParse parse_client_hello(std::span<const std::uint8_t> bytes,
                              std::size_t max_bytes = kDefaultMaxClientHello);

}  // namespace edugate::proxy::tls
