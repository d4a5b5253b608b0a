#pragma once

// Writing what a Beast serializer has ready as one gathered write. Included only by
// body_relay.hpp.
//
// Why not bhttp::async_write: its composed operation walks the serializer's nested buffer views
// (buffers_cat_view of the start line, every field, chunk framing and the body, wrapped again in
// prefix and suffix views) on every step, which callgrind measured at about a fifth of the
// proxy's instructions for small responses. Here the views are walked once per write, into a
// flat array of buffers that the socket's gather write takes as it is.

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/serializer.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <tuple>

namespace edugate::proxy::http::detail {

/// The buffers of one serializer step, gathered. Up to kInline buffers are referenced where
/// they are; a step with more (a head with very many fields) is copied into one string.
class GatheredBuffers {
 public:
  static constexpr std::size_t kInline = 32;

  template <class ConstBufferSequence>
  void assign(const ConstBufferSequence& buffers) {
    count_ = 0;
    bytes_ = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers),
              end = boost::asio::buffer_sequence_end(buffers);
         it != end; ++it) {
      const boost::asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      if (count_ == kInline) {
        flatten(buffers);
        return;
      }
      inline_[count_++] = b;
      bytes_ += b.size();
    }
  }

  std::size_t bytes() const { return bytes_; }
  bool flattened() const { return flattened_; }
  const std::string& flat() const { return flat_; }
  std::span<const boost::asio::const_buffer> buffers() const { return {inline_.data(), count_}; }

 private:
  template <class ConstBufferSequence>
  void flatten(const ConstBufferSequence& buffers) {
    flat_.resize(boost::asio::buffer_size(buffers));
    boost::asio::buffer_copy(boost::asio::buffer(flat_), buffers);
    bytes_ = flat_.size();
    flattened_ = true;
  }

  std::array<boost::asio::const_buffer, kInline> inline_{};
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
  std::string flat_;
  bool flattened_ = false;
};

/// Writes everything `sr` can produce now (only the head when `header_only`), one gathered
/// write per serializer step. Ends without error when the serializer needs more body
/// (buffer_body with `more` set), as bhttp::async_write does.
template <class Stream, class Serializer>
boost::asio::awaitable<boost::system::error_code> write_serialized(Stream& to, Serializer& sr,
                                                                   bool header_only) {
  namespace bhttp = boost::beast::http;
  constexpr auto tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
  if (header_only) sr.split(true);
  while (header_only ? !sr.is_header_done() : !sr.is_done()) {
    boost::system::error_code ec;
    GatheredBuffers g;
    sr.next(ec, [&g](boost::system::error_code&, const auto& buffers) { g.assign(buffers); });
    if (ec == bhttp::error::need_buffer) co_return boost::system::error_code{};
    if (ec) co_return ec;
    boost::system::error_code wec;
    if (g.flattened()) {
      std::tie(wec, std::ignore) =
          co_await boost::asio::async_write(to, boost::asio::buffer(g.flat()), tuple);
    } else {
      const auto list = g.buffers();
      if (list.size() == 1) {
        std::tie(wec, std::ignore) = co_await boost::asio::async_write(to, list[0], tuple);
      } else {
        std::tie(wec, std::ignore) = co_await boost::asio::async_write(to, list, tuple);
      }
    }
    if (wec) co_return wec;
    sr.consume(g.bytes());
  }
  co_return boost::system::error_code{};
}

}  // namespace edugate::proxy::http::detail
