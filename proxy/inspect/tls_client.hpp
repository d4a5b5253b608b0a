#pragma once

// The pupil's side of an inspected connection: TLS terminated by edugate over the client's TCP
// stream (the ClientHello already read is replayed first). Included only by inspection .cpp
// files (Beast, Asio SSL).

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdint>
#include <vector>

#include "proxy/inspect/prefixed_stream.hpp"

namespace edugate::proxy::inspect {

using ClientTls = boost::beast::ssl_stream<PrefixedTcpStream>;

/// Shaped like server::ClientConnection (stream + read-ahead buffer) so that the HTTP exchange
/// code runs on it unchanged.
struct TlsClient {
  TlsClient(boost::beast::tcp_stream& tcp, std::vector<std::uint8_t> hello,
            boost::asio::ssl::context& ctx, std::size_t max_buffer)
      : stream(PrefixedTcpStream(tcp, std::move(hello)), ctx), buffer(max_buffer) {}
  ClientTls stream;
  boost::beast::flat_buffer buffer;
};

}  // namespace edugate::proxy::inspect
