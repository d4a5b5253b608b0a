#include "proxy/admin/admin_server.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <stdexcept>

#include "proxy/http/header_rewrite.hpp"
#include "proxy/session/session_support.hpp"
#include "proxy/tls/server_context.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
/// Whole-request deadline (head and body), and for the TLS handshake.
constexpr auto kTimeout = std::chrono::seconds(10);
/// Admin connections open at once: operators and the department's pulls are few; anything
/// beyond is closed at once rather than allowed to tie up the main thread's descriptors.
constexpr std::size_t kMaxConnections = 64;
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

bhttp::response<bhttp::string_body> to_http(AdminResponse r, unsigned version, bool keep,
                                            bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "edugate");
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keep);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

}  // namespace

AdminServer::AdminServer(asio::io_context& io) : io_(io), acceptor_(io) {}
AdminServer::~AdminServer() = default;

AdminResponse AdminServer::dispatch(const AdminRequest& request) const {
  if (const auto it = routes_.find(request.path); it != routes_.end()) return it->second(request);
  for (const auto& [prefix, handler] : prefixes_)
    if (request.path.starts_with(prefix)) return handler(request);
  return {404, "text/plain; charset=utf-8", "not found\n", {}};
}

tcp::endpoint AdminServer::start(const tcp::endpoint& endpoint, AdminOptions options) {
  allowed_ = std::move(options.allowed_networks);
  via_ = std::move(options.via_pseudonym);
  if (!options.tls_cert.empty()) {
    tls_ = tls::server_context(options.tls_cert, options.tls_key, "admin");
  }
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
    if (ec) {
      // Out of descriptors (EMFILE) or a transient error: pause instead of spinning.
      asio::steady_timer pause(io_, kAcceptBackoff);
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (open_ >= kMaxConnections) continue;  // closed as `socket` goes out of scope
    ++open_;
    asio::co_spawn(io_, serve(std::move(socket)), [this](std::exception_ptr) { --open_; });
  }
}

asio::awaitable<void> AdminServer::serve(tcp::socket socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) co_return;
  const auto ip = to_ip_bytes(peer.address());
  if (std::none_of(allowed_.begin(), allowed_.end(),
                   [&](const rules::Cidr& n) { return n.contains(ip); }))
    co_return;  // not an admin network: closed without a word (the address is not logged)
  beast::tcp_stream stream(std::move(socket));
  if (!tls_) {
    co_await serve_http(stream, peer.address().is_loopback());
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *tls_);
  beast::get_lowest_layer(tls).expires_after(kTimeout);
  auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (hec) co_return;
  co_await serve_http(tls, peer.address().is_loopback());
  beast::get_lowest_layer(tls).expires_after(kTimeout);
  co_await tls.async_shutdown(kTuple);
}

template <class Stream>
asio::awaitable<void> AdminServer::serve_http(Stream& stream, bool loopback_peer) {
  beast::flat_buffer buffer(64 * 1024);
  for (;;) {
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(16 * 1024);
    beast::get_lowest_layer(stream).expires_after(kTimeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (ec) co_return;
    const auto& req = parser.get();
    const bool head = req.method() == bhttp::verb::head;
    AdminResponse r;
    if (http::via_names(req, via_)) {
      // Came through the proxy (the destination policy refuses our own ports; this is the
      // second wall): never the status page or metrics to a pupil.
      r = {403, "text/plain; charset=utf-8", "not served through the proxy\n", {}};
    } else {
      const std::string target(req.target());
      const auto q = target.find('?');
      AdminRequest request{target.substr(0, q),
                           q == std::string::npos ? std::string() : target.substr(q + 1),
                           std::string(req[bhttp::field::authorization])};
      const auto post = post_routes_.find(request.path);
      if (req.method() == bhttp::verb::post && post != post_routes_.end()) {
        const bool asked = req["X-Edugate-Action"] == std::string_view(request.path).substr(1);
        if (loopback_peer && asked)
          r = post->second(request);
        else
          r = {403,
               "text/plain; charset=utf-8",
               "operator actions are taken from this machine only, with X-Edugate-Action\n",
               {}};
      } else if (req.method() != bhttp::verb::get && !head)
        r = {405, "text/plain; charset=utf-8", "method not allowed\n", {}};
      else
        r = dispatch(request);
    }
    auto res = to_http(std::move(r), req.version(), parser.keep_alive(), head);
    beast::get_lowest_layer(stream).expires_after(kTimeout);
    auto [wec, written] = co_await bhttp::async_write(stream, res, kTuple);
    if (wec || !res.keep_alive()) co_return;
  }
}

void AdminServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace edugate::proxy::server
