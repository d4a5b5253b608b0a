#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace edugate::proxy::server {

/// The client side of a session: its stream and the bytes read ahead of the parser.
struct ClientConnection {
  explicit ClientConnection(boost::beast::tcp_stream s, std::size_t max_buffer)
      : stream(std::move(s)), buffer(max_buffer) {}
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
};

}  // namespace edugate::proxy::server
