#pragma once

// The client's TCP stream as TLS sees it after edugate has already read the ClientHello (to
// decide on its SNI): the bytes read so far are handed out first, then reads go to the socket.
// Included only by inspection .cpp files.

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <utility>
#include <vector>

namespace edugate::proxy::inspect {

/// A non-owning AsyncStream over a beast::tcp_stream that first replays `prefix`. Its
/// next_layer() is the TCP stream, so beast::get_lowest_layer() (deadlines) reaches it through
/// a TLS stream layered on top.
class PrefixedTcpStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using next_layer_type = boost::beast::tcp_stream;
  using lowest_layer_type = boost::beast::tcp_stream::socket_type;  ///< what asio::ssl asks for

  PrefixedTcpStream(boost::beast::tcp_stream& next, std::vector<std::uint8_t> prefix)
      : next_(&next), prefix_(std::move(prefix)) {}

  executor_type get_executor() noexcept { return next_->get_executor(); }
  next_layer_type& next_layer() noexcept { return *next_; }
  lowest_layer_type& lowest_layer() noexcept { return next_->socket(); }

  /// Completes at once (through a post, never inline) with replayed bytes while any are left.
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    namespace asio = boost::asio;
    if (offset_ < prefix_.size()) {
      const std::size_t n = asio::buffer_copy(
          buffers, asio::buffer(prefix_.data() + offset_, prefix_.size() - offset_));
      offset_ += n;
      if (offset_ == prefix_.size()) {
        prefix_ = {};
        offset_ = 0;
      }
      return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
          [](auto handler, executor_type ex, std::size_t copied) {
            asio::post(ex, asio::append(std::move(handler), boost::system::error_code{}, copied));
          },
          token, get_executor(), n);
    }
    return next_->async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return next_->async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  boost::beast::tcp_stream* next_;
  std::vector<std::uint8_t> prefix_;
  std::size_t offset_ = 0;
};

}  // namespace edugate::proxy::inspect
