#include "proxy/transparent/transparent_http.hpp"

#include <boost/beast/http.hpp>

#include "proxy/net/destination_policy.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/pipeline.hpp"
#include "proxy/session/plain_kind.hpp"
#include "proxy/session/portal.hpp"
#include "proxy/session/session_support.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/transparent/host_target.hpp"
#include "proxy/upstream/forward_http.hpp"
#include "proxy/upstream/host_verification.hpp"

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

/// Redirected plain-HTTP connections: the target is the Host header, checked against where the
/// client was connecting, and requests go to that address.
class TransparentKind : public session::PlainKind {
 public:
  TransparentKind(server::WorkerContext& w, server::ClientConnection& c,
                  server::Admission& admission, server::SessionScope& scope,
                  const std::optional<tcp::endpoint>& destination)
      : PlainKind(w, c, admission, scope), destination_(destination) {}

  std::optional<session::Refusal> admit() const {
    if (!admission_.allowed)
      return session::Refusal{ProxyError::forbidden_client,
                              &w_.metrics.connections_refused_network};
    if (!destination_)
      return session::Refusal{ProxyError::loop_detected, &w_.metrics.requests_loop_refused};
    return std::nullopt;
  }
  asio::awaitable<session::Targeted> target(http::RequestParser& parser) {
    auto target = target_of(parser, *destination_);
    if (const auto* e = std::get_if<ProxyError>(&target))
      co_return session::Refusal{*e, &w_.metrics.requests_bad};
    auto& forward = std::get<http::ForwardTarget>(target);
    // A Host name that does not resolve to where the client was going (host verification, as
    // Squid's host_verify_strict): decided on the destination address instead. edugate's own
    // pages (the portal) are answered here and go nowhere.
    // An address in Host counts only when it is the destination itself.
    boost::system::error_code not_ip;
    const auto host_ip = asio::ip::make_address(forward.host, not_ip);
    bool mismatch = false;  // (no co_await inside ?: or &&: GCC 12 miscompiles that)
    if (!w_.rules) {
    } else if (!not_ip) {
      mismatch = net::to_ip_bytes(host_ip) != net::to_ip_bytes(destination_->address());
    } else if (forward.host != w_.config.enforcement.portal_host) {
      mismatch = !co_await net::name_resolves_to(w_, forward.host, destination_->address());
    }
    if (mismatch) {
      bump(w_.metrics.transparent_name_mismatch);
      forward.host = destination_->address().to_string();
    }
    co_return std::move(forward);
  }
  asio::awaitable<http::AfterExchange> forward(http::RequestParser& parser,
                                               http::ForwardTarget& target) {
    // Decided on the Host name; connected to where the client was going. Resolving the name
    // again could reach another server than the one the client's DNS answer pointed at. The
    // Host header sent upstream stays `target.authority`.
    target.host = destination_->address().to_string();
    target.port = destination_->port();
    return http::forward_http(w_, c_, parser, target);
  }

 private:
  const std::optional<tcp::endpoint>& destination_;
};

}  // namespace

asio::awaitable<void> serve_http(server::WorkerContext& w, server::ClientConnection& c,
                                 server::Admission& admission, server::SessionScope& scope,
                                 const std::optional<tcp::endpoint>& destination) {
  TransparentKind kind(w, c, admission, scope, destination);
  co_await session::serve_requests(w, kind);
}

}  // namespace edugate::proxy::transparent
