#include "proxy/net/lingering_close.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace edugate::proxy::net {

namespace asio = boost::asio;

namespace {
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 256 * 1024;
}  // namespace

asio::awaitable<void> lingering_close(boost::beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTime);
  char sink[4096];
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [rec, n] =
        co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (rec) break;
    drained += n;
  }
  stream.close();
}

}  // namespace edugate::proxy::net
