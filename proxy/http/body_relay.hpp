#pragma once

// Included only by the .cpp files that relay messages: it pulls in the whole of Beast's HTTP.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <span>

namespace edugate::proxy::http {

struct RelayOutcome {
  boost::system::error_code read_error;   ///< reading from the source failed
  boost::system::error_code write_error;  ///< writing to the destination failed
  bool ok() const { return !read_error && !write_error; }
};

/// Streams the message whose header `parser` has read from `from` to `to` through `buf`,
/// header first (rewritten fields included) and then the body piece by piece; Beast re-frames it
/// (chunked stays chunked, Content-Length stays exact). `idle` bounds each read and each write.
/// Works for requests and responses alike; never buffers a whole body.
template <bool isRequest>
boost::asio::awaitable<RelayOutcome> relay_message(
    boost::beast::tcp_stream& from, boost::beast::flat_buffer& from_buffer,
    boost::beast::http::parser<isRequest, boost::beast::http::buffer_body>& parser,
    boost::beast::tcp_stream& to, std::span<char> buf, std::chrono::milliseconds idle) {
  namespace bhttp = boost::beast::http;
  constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
  RelayOutcome out;
  bhttp::serializer<isRequest, bhttp::buffer_body> sr{parser.get()};
  auto& body = parser.get().body();
  do {
    if (!parser.is_done()) {
      body.data = buf.data();
      body.size = buf.size();
      from.expires_after(idle);
      auto [ec, n] = co_await bhttp::async_read_some(from, from_buffer, parser, kTuple);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        out.read_error = ec;
        co_return out;
      }
      const auto produced = buf.size() - body.size;
      if (produced == 0 && !parser.is_done() && sr.is_header_done()) continue;
      body.size = produced;
      body.data = buf.data();
      body.more = !parser.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    to.expires_after(idle);
    auto [wec, written] = co_await bhttp::async_write(to, sr, kTuple);
    if (wec == bhttp::error::need_buffer) wec = {};
    if (wec) {
      out.write_error = wec;
      co_return out;
    }
  } while (!parser.is_done() || !sr.is_done());
  to.expires_never();
  from.expires_never();
  co_return out;
}

}  // namespace edugate::proxy::http
