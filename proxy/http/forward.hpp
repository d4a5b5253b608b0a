#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <string>

namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
}  // namespace edugate::proxy::server

namespace edugate::proxy::http {

namespace bhttp = boost::beast::http;
using RequestParser = bhttp::request_parser<bhttp::buffer_body>;

/// Where a request goes upstream, already taken apart from its absolute-form target.
struct ForwardTarget {
  std::string host;  ///< lowercase name or IP literal (IPv6 without brackets)
  std::uint16_t port = 80;
  std::string origin_form;   ///< "/path?query" sent upstream
  std::string authority;     ///< Host header value sent upstream
  std::string connect_host;  ///< connect here instead of `host` when set (transparent mode)
};

enum class AfterExchange { keep_alive, close };

/// Forwards one request whose head `parser` has read (its fields are rewritten in place) to the
/// origin and streams the response back: bodies of any size go through one fixed buffer in
/// both directions; interim 1xx responses are passed on; a WebSocket upgrade becomes a byte
/// relay. Upstream failures before the response started become 502/504 pages. Returns whether
/// the client connection may carry another request.
boost::asio::awaitable<AfterExchange> forward_http(server::WorkerContext& w,
                                                   server::ClientConnection& client,
                                                   RequestParser& parser,
                                                   const ForwardTarget& target);

}  // namespace edugate::proxy::http
