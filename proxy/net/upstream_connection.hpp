#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>

namespace edugate::proxy::net {

/// One TCP connection to an origin server, with the read buffer that belongs to it (bytes the
/// parser read ahead stay with the connection when it goes back to the pool).
struct UpstreamConnection {
  explicit UpstreamConnection(boost::beast::tcp_stream s, std::string k)
      : stream(std::move(s)), key(std::move(k)) {}
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
  std::string key;      ///< "host:port" it was opened for; the pool's key
  bool reused = false;  ///< taken from the pool (may have been closed by the origin meanwhile)
  std::chrono::steady_clock::time_point idle_since{};
};

}  // namespace edugate::proxy::net
