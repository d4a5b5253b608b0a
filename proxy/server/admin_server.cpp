#include "proxy/server/admin_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kTimeout = std::chrono::seconds(10);

}  // namespace

AdminResponse AdminServer::dispatch(const std::string& path) const {
  const auto q = path.find('?');
  const auto it = routes_.find(std::string_view(path).substr(0, q));
  if (it == routes_.end()) return {404, "text/plain; charset=utf-8", "not found\n"};
  return it->second();
}

tcp::endpoint AdminServer::start(const tcp::endpoint& endpoint) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  asio::co_spawn(io_, accept_loop(), asio::detached);
  return acceptor_.local_endpoint();
}

asio::awaitable<void> AdminServer::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AdminServer::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(64 * 1024);
  for (;;) {
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(16 * 1024);
    stream.expires_after(kTimeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (ec) co_return;
    const auto& req = parser.get();
    AdminResponse r;
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head)
      r = {405, "text/plain; charset=utf-8", "method not allowed\n"};
    else
      r = dispatch(std::string(req.target()));
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
    res.set(bhttp::field::server, "edugate");
    res.set(bhttp::field::content_type, r.content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = std::move(r.body);
    res.keep_alive(parser.keep_alive());
    res.prepare_payload();
    if (req.method() == bhttp::verb::head) res.body().clear();
    auto [wec, written] = co_await bhttp::async_write(stream, res, kTuple);
    if (wec || !res.keep_alive()) co_return;
  }
}

void AdminServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace edugate::proxy::server
