#pragma once

// Included only by the .cpp files that relay messages: it pulls in the whole of Beast's HTTP.

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "proxy/http/chunked_decoder.hpp"
#include "proxy/http/gathered_write.hpp"
#include "proxy/http/head_bytes.hpp"

namespace edugate::proxy::http {

struct RelayOutcome {
  boost::system::error_code read_error;   ///< reading from the source failed
  boost::system::error_code write_error;  ///< writing to the destination failed
  bool complete = false;                  ///< the whole message went through
  bool ok() const { return !read_error && !write_error && complete; }
};

namespace detail {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

/// Deadlines live on the TCP stream at the bottom of any stream (a plain one is its own).
template <class Stream>
void expire_after(Stream& s, std::chrono::milliseconds idle) {
  boost::beast::get_lowest_layer(s).expires_after(idle);
}

/// Copies exactly `remaining` body bytes from `from` (first those already in `from_buffer`) to
/// `to` without parsing them: the fast path for Content-Length bodies.
template <class From, class To>
boost::asio::awaitable<RelayOutcome> copy_fixed_length(From& from,
                                                       boost::beast::flat_buffer& from_buffer,
                                                       To& to, std::uint64_t remaining,
                                                       std::span<char> buf,
                                                       std::chrono::milliseconds idle) {
  RelayOutcome out;
  if (remaining > 0 && from_buffer.size() > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, from_buffer.size()));
    expire_after(to, idle);
    auto [ec, written] =
        co_await boost::asio::async_write(to, boost::asio::buffer(from_buffer.data(), n), kTuple);
    if (ec) {
      out.write_error = ec;
      co_return out;
    }
    from_buffer.consume(n);
    remaining -= n;
  }
  while (remaining > 0) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, buf.size()));
    expire_after(from, idle);
    auto [rec, n] = co_await from.async_read_some(boost::asio::buffer(buf.data(), want), kTuple);
    if (rec) {
      out.read_error = rec;
      co_return out;
    }
    expire_after(to, idle);
    auto [wec, written] =
        co_await boost::asio::async_write(to, boost::asio::buffer(buf.data(), n), kTuple);
    if (wec) {
      out.write_error = wec;
      co_return out;
    }
    remaining -= n;
  }
  out.complete = true;
  co_return out;
}

/// Relays a chunked request body read by edugate's strict ChunkedDecoder (not Beast's lenient
/// chunk parser): the head first, then the body bytes of each read gathered in `buf` and sent
/// as one chunk (a pupil's thousands of one-byte chunks cost one write, not thousands), then the
/// last chunk. Extensions and trailers are dropped. Malformed framing ends the relay with
/// `bad_chunk` as the read error (the caller answers 400 and closes both sides); bytes after the
/// body stay in `from_buffer`.
template <class From, class To, class Fields>
boost::asio::awaitable<RelayOutcome> relay_chunked_request(
    From& from, boost::beast::flat_buffer& from_buffer,
    const boost::beast::http::header<true, Fields>& head, To& to, std::span<char> buf,
    std::chrono::milliseconds idle) {
  RelayOutcome out;
  std::string framing;
  framing.reserve(1024);
  append_head(head, framing);
  ChunkedDecoder decoder;
  for (bool last = false; !last;) {
    std::size_t body = 0;  // bytes gathered in buf
    while (from_buffer.size() > 0 && body < buf.size() && !last) {
      const auto data = from_buffer.data();
      const std::string_view in(static_cast<const char*>(data.data()), data.size());
      const auto step = decoder.next(in.substr(0, buf.size() - body));
      if (step.status == ChunkedDecoder::Status::error) {
        out.read_error = boost::beast::http::error::bad_chunk;
        co_return out;
      }
      std::copy(step.data.begin(), step.data.end(),
                buf.begin() + static_cast<std::ptrdiff_t>(body));
      body += step.data.size();
      from_buffer.consume(step.consumed);
      last = step.status == ChunkedDecoder::Status::done;
    }
    if (body > 0) {
      char size[24];
      const int n = std::snprintf(size, sizeof size, "%zx\r\n", body);
      framing.append(size, static_cast<std::size_t>(n));
    }
    // After the gathered bytes: their CRLF, and the last chunk once the body has ended.
    std::string_view tail = body > 0 ? "\r\n" : "";
    if (last) tail = body > 0 ? "\r\n0\r\n\r\n" : "0\r\n\r\n";
    const std::array<boost::asio::const_buffer, 3> pieces{
        boost::asio::buffer(framing), boost::asio::buffer(buf.data(), body),
        boost::asio::buffer(tail.data(), tail.size())};
    if (boost::asio::buffer_size(pieces) > 0) {
      expire_after(to, idle);
      auto [wec, written] = co_await boost::asio::async_write(to, pieces, kTuple);
      if (wec) {
        out.write_error = wec;
        co_return out;
      }
      framing.clear();
    }
    if (last || from_buffer.size() > 0) continue;
    // Everything buffered was used: read more (straight into the buffer, which then holds any
    // pipelined bytes that follow the body). A client connection's buffer has a maximum size:
    // prepare() throws beyond it.
    expire_after(from, idle);
    const auto room = std::min(buf.size(), from_buffer.max_size() - from_buffer.size());
    auto [rec, n] = co_await from.async_read_some(from_buffer.prepare(room), kTuple);
    if (rec) {
      out.read_error = rec;
      co_return out;
    }
    from_buffer.commit(n);
  }
  out.complete = true;
  co_return out;
}

}  // namespace detail

/// Streams the message whose header `parser` has read from `from` to `to` through `buf`,
/// header first (rewritten fields included) and then the body piece by piece. A Content-Length
/// body is copied as raw bytes behind the head; a chunked request body is read by edugate's
/// strict ChunkedDecoder and re-framed; anything else (a response's chunked or close-delimited
/// body) goes through Beast, which re-frames it (chunked stays chunked). `idle` bounds each read
/// and each write. Works for requests and responses alike, over plain TCP or TLS streams; never
/// buffers a whole body. Bytes in `from_buffer` beyond the message (a pipelined request) stay
/// there.
template <bool isRequest, class From, class To>
boost::asio::awaitable<RelayOutcome> relay_message(
    From& from, boost::beast::flat_buffer& from_buffer,
    boost::beast::http::parser<isRequest, boost::beast::http::buffer_body>& parser, To& to,
    std::span<char> buf, std::chrono::milliseconds idle) {
  namespace bhttp = boost::beast::http;
  using detail::expire_after;
  using detail::kTuple;
  RelayOutcome out;
  if constexpr (isRequest) {
    if (parser.chunked() && !parser.is_done())
      co_return co_await detail::relay_chunked_request(from, from_buffer, parser.get().base(), to,
                                                       buf, idle);
  }
  const auto length = parser.content_length_remaining();
  if (parser.is_done() || (!parser.chunked() && length)) {
    // No body, or a Content-Length one: the head and the body bytes already read leave in one
    // gathered write, the rest of the body is copied as it comes, unparsed.
    const std::uint64_t body = parser.is_done() ? 0 : *length;
    std::string head;
    head.reserve(1024);
    append_head(parser.get().base(), head);
    const auto ahead = static_cast<std::size_t>(std::min<std::uint64_t>(body, from_buffer.size()));
    const std::array<boost::asio::const_buffer, 2> first{
        boost::asio::buffer(head), boost::asio::buffer(from_buffer.data().data(), ahead)};
    expire_after(to, idle);
    auto [ec, n] = co_await boost::asio::async_write(to, first, kTuple);
    if (ec) {
      out.write_error = ec;
      co_return out;
    }
    from_buffer.consume(ahead);
    co_return co_await detail::copy_fixed_length(from, from_buffer, to, body - ahead, buf, idle);
  }
  // Chunked, or delimited by the end of the connection: Beast re-frames it.
  bhttp::serializer<isRequest, bhttp::buffer_body> sr{parser.get()};
  auto& body = parser.get().body();
  // Beast sizes each socket read by the free capacity of the dynamic buffer (512 bytes at
  // first): give it room for a relay buffer's worth, or a body moves in tiny reads.
  if (!parser.is_done() && from_buffer.capacity() < buf.size()) from_buffer.reserve(buf.size());
  do {
    if (!parser.is_done()) {
      body.data = buf.data();
      body.size = buf.size();
      expire_after(from, idle);
      auto [ec, n] = co_await bhttp::async_read_some(from, from_buffer, parser, kTuple);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        out.read_error = ec;
        co_return out;
      }
      const auto produced = buf.size() - body.size;
      if (produced == 0 && !parser.is_done()) {
        // Nothing to pass on yet (a chunk header, say). Never serialize an empty piece: in
        // chunked framing that would be the last-chunk marker. Send the head alone so the
        // other side sees the response start (an origin may answer before the upload ends).
        if (!sr.is_header_done()) {
          body.data = nullptr;
          body.size = 0;
          body.more = true;
          expire_after(to, idle);
          if (auto hec = co_await detail::write_serialized(to, sr, /*header_only=*/true)) {
            out.write_error = hec;
            co_return out;
          }
        }
        continue;
      }
      body.size = produced;
      // Nothing new and the message is over (the read took only the last chunk): the final
      // piece must carry no data pointer, or Beast writes an empty chunk — "0\r\n\r\n" — and
      // then the last chunk again, one message's end too many on the connection.
      body.data = produced == 0 ? nullptr : buf.data();
      body.more = !parser.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    expire_after(to, idle);
    if (auto wec = co_await detail::write_serialized(to, sr, /*header_only=*/false)) {
      out.write_error = wec;
      co_return out;
    }
  } while (!parser.is_done() || !sr.is_done());
  out.complete = true;
  co_return out;
}

}  // namespace edugate::proxy::http
