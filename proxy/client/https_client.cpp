#include "proxy/client/https_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace edugate::proxy::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

std::string HttpsResponse::problem() const {
  if (!error.empty()) return error;
  return fmt::format("HTTP {}", status);
}

std::optional<asio::ssl::context> make_client_tls(const std::string& ca_file, std::string& error) {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  tls.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty())
    tls.set_default_verify_paths(ec);
  else
    tls.load_verify_file(ca_file, ec);
  if (ec) {
    error = fmt::format("cannot load trusted certificates{}: {}",
                        ca_file.empty() ? "" : " from " + ca_file, ec.message());
    return std::nullopt;
  }
  return tls;
}

asio::awaitable<HttpsResponse> https_request(asio::ssl::context& tls, HttpsRequest r) {
  HttpsResponse out;
  auto url = boost::urls::parse_absolute_uri(r.url);
  if (!url || url->scheme() != "https" || url->host().empty() || url->has_userinfo()) {
    out.error = fmt::format("{}: not an https:// URL", r.url);
    co_return out;
  }
  std::string host(url->encoded_host());
  const bool ip_literal = url->host_type() == boost::urls::host_type::ipv4 ||
                          url->host_type() == boost::urls::host_type::ipv6;
  if (url->host_type() == boost::urls::host_type::ipv6) host = host.substr(1, host.size() - 2);
  const std::string port = url->has_port() ? std::string(url->port()) : "443";
  std::string target(url->encoded_path());
  if (target.empty()) target = "/";
  if (url->has_query()) target += "?" + std::string(url->encoded_query());

  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + r.deadline;
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  // The resolver has no timeout of its own: a timer cancels it at the deadline.
  tcp::resolver resolver(ex);
  asio::steady_timer guard(ex);
  guard.expires_at(deadline);
  guard.async_wait([&resolver, &stream](boost::system::error_code ec) {
    if (ec) return;
    resolver.cancel();
    beast::get_lowest_layer(stream).cancel();
  });
  auto [rec, results] = co_await resolver.async_resolve(host, port, kTuple);
  if (rec) {
    out.error = fmt::format("cannot resolve {}: {}", host, rec.message());
    co_return out;
  }
  // beast's stream timeout is a point in time: every operation below shares this deadline.
  beast::get_lowest_layer(stream).expires_at(deadline);
  // The certificate must name the host: a DNS name (and SNI), or an IP address SAN.
  SSL* ssl = stream.native_handle();
  if (ip_literal
          ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str())
          : (!SSL_set_tlsext_host_name(ssl, host.c_str()) || !SSL_set1_host(ssl, host.c_str()))) {
    out.error = "cannot set the server name for TLS";
    co_return out;
  }
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(results, kTuple);
  if (cec) {
    out.error = fmt::format("cannot connect to {}:{}: {}", host, port, cec.message());
    co_return out;
  }
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    out.error = fmt::format(
        "TLS handshake with {} failed (certificate not trusted or for "
        "another name?): {}",
        host, hec.message());
    co_return out;
  }
  const auto verb = bhttp::string_to_verb(r.method);
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, url->encoded_authority());
  req.set(bhttp::field::user_agent, r.user_agent);
  for (const auto& [name, value] : r.headers) req.set(name, value);
  req.body() = std::move(r.body);
  if (!req.body().empty() || verb == bhttp::verb::post || verb == bhttp::verb::put)
    req.prepare_payload();
  auto [wec, written] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) {
    out.error = fmt::format("sending the request failed: {}", wec.message());
    co_return out;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(r.max_body);
  auto [rdec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  guard.cancel();
  if (rdec == bhttp::error::body_limit) {
    out.error = fmt::format("the response is larger than the {} bytes allowed", r.max_body);
    co_return out;
  }
  if (rdec) {
    out.error =
        rdec == beast::error::timeout
            ? fmt::format("no complete response within {} s",
                          std::chrono::duration_cast<std::chrono::seconds>(r.deadline).count())
            : fmt::format("reading the response failed: {}", rdec.message());
    co_return out;
  }
  out.status = parser.get().result_int();
  for (const auto& f : parser.get())
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(parser.get().body());
  // Best effort: the answer is complete whatever the close_notify does.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(kTuple);
  co_return out;
}

HttpsResponse https_request_blocking(asio::ssl::context& tls, HttpsRequest request) {
  asio::io_context io;
  HttpsResponse out;
  asio::co_spawn(io, https_request(tls, std::move(request)),
                 [&out](std::exception_ptr e, HttpsResponse r) {
                   if (e)
                     out.error = "internal error";
                   else
                     out = std::move(r);
                 });
  io.run();
  return out;
}

}  // namespace edugate::proxy::client
