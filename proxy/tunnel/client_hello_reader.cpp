#include "proxy/tunnel/client_hello_reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proxy/session/client_connection.hpp"

namespace edugate::proxy::tunnel {

namespace asio = boost::asio;

boost::asio::awaitable<HelloRead> read_client_hello(server::ClientConnection& client,
                                                    std::size_t max_bytes,
                                                    std::chrono::milliseconds timeout) {
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  HelloRead out;
  const auto buffered = client.buffer.data();
  const auto* first = static_cast<const std::uint8_t*>(buffered.data());
  out.bytes.assign(first, first + buffered.size());
  client.buffer.consume(buffered.size());
  // The record framing around the handshake message adds a few bytes per record.
  const std::size_t read_cap = max_bytes + 4096;
  client.stream.expires_after(timeout);
  for (;;) {
    if (!out.bytes.empty()) {
      out.parse = tls::parse_client_hello(out.bytes, max_bytes);
      if (out.parse.status != tls::HelloStatus::need_more) break;
    }
    if (out.bytes.size() >= read_cap) {
      out.parse.status = tls::HelloStatus::too_large;
      break;
    }
    const auto old = out.bytes.size();
    out.bytes.resize(std::min(read_cap, old + 16 * 1024));
    auto [ec, n] = co_await client.stream.async_read_some(
        asio::buffer(out.bytes.data() + old, out.bytes.size() - old), kTuple);
    out.bytes.resize(old + n);
    if (ec) {
      out.client_gone = ec != boost::beast::error::timeout;
      break;
    }
  }
  client.stream.expires_never();
  co_return out;
}

void count_client_hello(Metrics& m, const HelloRead& hello) {
  switch (hello.parse.status) {
    case tls::HelloStatus::complete:
      bump(hello.parse.info.has_sni ? m.client_hello_sni_found : m.client_hello_no_sni);
      break;
    case tls::HelloStatus::not_tls:
    case tls::HelloStatus::malformed:
      bump(m.client_hello_not_tls);
      break;
    case tls::HelloStatus::too_large:
      bump(m.client_hello_too_large);
      break;
    case tls::HelloStatus::need_more:
      if (!hello.client_gone) bump(m.client_hello_timeout);
      break;
  }
}

}  // namespace edugate::proxy::tunnel
