#include "proxy/transparent/transparent_http.hpp"

#include <boost/beast/http.hpp>

#include "proxy/http/forward.hpp"
#include "proxy/net/destination_policy.hpp"
#include "proxy/net/host_verification.hpp"
#include "proxy/server/client_connection.hpp"
#include "proxy/server/http_gatekeeper.hpp"
#include "proxy/server/session_support.hpp"
#include "proxy/server/worker_context.hpp"
#include "proxy/transparent/host_target.hpp"

namespace edugate::proxy::transparent {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using http::ProxyError;

namespace {

/// The request's Host header; nullopt when absent. `several` is set when it appears twice
/// (RFC 9112 §3.2: answered 400).
std::optional<std::string_view> host_header(const bhttp::fields& f, bool& several) {
  auto range = f.equal_range(bhttp::field::host);
  several = range.first != range.second && std::next(range.first) != range.second;
  if (range.first == range.second) return std::nullopt;
  return range.first->value();
}

/// Where the request goes and what it is decided on, or the error to answer with.
std::variant<http::ForwardTarget, ProxyError> target_of(const http::RequestParser& parser,
                                                        const tcp::endpoint& destination) {
  const auto& req = parser.get();
  if (req.method() == bhttp::verb::connect) return ProxyError::bad_request;  // not a proxy here
  bool several = false;
  const auto host = host_header(req, several);
  if (several) return ProxyError::bad_request;
  return host_target(HostRequest{req.target(), host, req.version()}, destination);
}

}  // namespace

asio::awaitable<HttpStep> handle_http_request(server::WorkerContext& w, server::ClientConnection& c,
                                              server::Admission& admission,
                                              const std::optional<tcp::endpoint>& destination) {
  http::RequestParser parser;
  if (!co_await server::read_request_head(w, c, parser)) co_return HttpStep::stop;
  auto& req = parser.get();
  const unsigned version = req.version();
  if (!admission.allowed) {
    bump(w.metrics.connections_refused_network);
    co_await server::refuse(w, c, ProxyError::forbidden_client, version);
    co_return HttpStep::stop;
  }
  if (!destination) {
    bump(w.metrics.requests_loop_refused);
    co_await server::refuse(w, c, ProxyError::loop_detected, version);
    co_return HttpStep::stop;
  }
  if (!co_await server::check_request_head(w, c, parser)) co_return HttpStep::stop;
  auto target = target_of(parser, *destination);
  if (auto* e = std::get_if<ProxyError>(&target)) {
    bump(w.metrics.requests_bad);
    co_await server::refuse(w, c, *e, version);
    co_return HttpStep::stop;
  }
  auto& forward = std::get<http::ForwardTarget>(target);
  // A Host name that does not resolve to where the client was going (host verification, as
  // Squid's host_verify_strict): decided on the destination address instead. edugate's own
  // pages (the portal) are answered here and go nowhere.
  // An address in Host counts only when it is the destination itself.
  boost::system::error_code not_ip;
  const auto host_ip = asio::ip::make_address(forward.host, not_ip);
  bool mismatch = false;  // (no co_await inside ?: or &&: GCC 12 miscompiles that)
  if (!w.rules) {
  } else if (!not_ip) {
    mismatch = net::to_ip_bytes(host_ip) != net::to_ip_bytes(destination->address());
  } else if (forward.host != w.config.enforcement.portal_host) {
    mismatch = !co_await net::name_resolves_to(w, forward.host, destination->address());
  }
  if (mismatch) {
    bump(w.metrics.transparent_name_mismatch);
    forward.host = destination->address().to_string();
  }
  if (const auto rules = w.rules) {  // this request's snapshot
    const auto step =
        co_await server::gatekeep_http(w, c, parser, forward, *rules, admission.group);
    if (step == server::GateStep::answered_close) co_return HttpStep::stop;
    if (step == server::GateStep::answered_keep_alive)
      co_return w.draining ? HttpStep::stop : HttpStep::next;
  }
  // Decided on the Host name; connected to where the client was going. Resolving the name again
  // could reach another server than the one the client's DNS answer pointed at. The Host header
  // sent upstream stays `forward.authority`.
  forward.host = destination->address().to_string();
  forward.port = destination->port();
  const auto after = co_await http::forward_http(w, c, parser, forward);
  co_return after == http::AfterExchange::keep_alive && !w.draining ? HttpStep::next
                                                                    : HttpStep::stop;
}

}  // namespace edugate::proxy::transparent
