#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

#include "proxy/metrics.hpp"
#include "proxy/tls/client_hello.hpp"

namespace edugate::proxy::server {
struct ClientConnection;
}

namespace edugate::proxy::tunnel {

struct HelloRead {
  tls::HelloParse parse;            ///< status need_more here means the read timed out/failed
  std::vector<std::uint8_t> bytes;  ///< everything read from the client, to forward unchanged
  bool client_gone = false;         ///< the client closed or errored before a verdict
};

/// Reads from the client (starting with what is already buffered) until the ClientHello is
/// complete, or clearly not TLS/malformed/too large, or `timeout` passes.
boost::asio::awaitable<HelloRead> read_client_hello(server::ClientConnection& client,
                                                    std::size_t max_bytes,
                                                    std::chrono::milliseconds timeout);

/// Counts how a ClientHello read ended (SNI found or not, not TLS, too large, timed out) in the
/// worker's metrics; a client that simply went away is not counted.
void count_client_hello(Metrics& m, const HelloRead& hello);

}  // namespace edugate::proxy::tunnel
