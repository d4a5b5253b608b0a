#include "proxy/inspect/inspected_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "proxy/inspect/inner_request.hpp"
#include "proxy/inspect/tls_connector.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/pipeline.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/upstream/exchange.hpp"
#include "rules/normalize/host.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::inspect {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using http::ProxyError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// Requests inside an inspected TLS tunnel: origin-form targets on the tunnel's own host, decided
/// on the full https URL, sent to the verified origin.
class InspectedKind {
 public:
  InspectedKind(server::WorkerContext& w, Inspector* inspector, TlsClient& client,
                const InspectedTunnel& t)
      : w_(w), inspector_(inspector), client_(client), t_(t) {}

  TlsClient& client() { return client_; }
  /// The next request's first byte: within request_head for the first, client_idle after.
  asio::awaitable<bool> await_request(bool first) {
    if (client_.buffer.size() > 0) co_return true;
    const auto& t = w_.config.timeouts;
    http::exchange::tcp_of(client_.stream).expires_after(first ? t.request_head : t.client_idle);
    auto [ec, n] = co_await client_.stream.async_read_some(client_.buffer.prepare(4096), kTuple);
    if (ec) co_return false;  // closed, truncated or idle: nothing to answer
    client_.buffer.commit(n);
    co_return true;
  }
  void on_request() { bump(w_.metrics.inspect_requests); }
  std::optional<session::Refusal> admit() const { return std::nullopt; }  // at the CONNECT
  asio::awaitable<void> refuse(ProxyError e, unsigned version) {
    co_await session::answer(w_, client_, http::make_error_response(e, {}, version, false), false);
  }
  asio::awaitable<session::Targeted> target(http::RequestParser& parser) {
    const auto& req = parser.get();
    std::optional<std::string_view> host_header;
    if (const auto it = req.find(bhttp::field::host); it != req.end()) host_header = it->value();
    auto parsed = inner_target(req.target(), host_header,
                               TunnelName{t_.name, t_.upstream.port, t_.upstream.connect_host});
    if (req.method() == bhttp::verb::connect || std::holds_alternative<ProxyError>(parsed))
      co_return session::Refusal{ProxyError::bad_request, &w_.metrics.requests_bad};
    auto& target = std::get<http::ForwardTarget>(parsed);
    // Every request goes to the tunnel's origin: one that names another host (in its Host)
    // would be decided on that host and sent to this one. Misdirected (RFC 9110 15.5.20).
    if (std::string host; !rules::normalize_host_into(target.host, host) || host != t_.name)
      co_return session::Refusal{ProxyError::misdirected, &w_.metrics.inspect_misdirected};
    co_return std::move(target);
  }
  /// The snapshot the CONNECT was decided on, for every request of the tunnel.
  const rules::RuleSet* rules() const { return &t_.rules; }
  rules::GroupId group(const rules::RuleSet&) const { return t_.group_id; }
  const server::ClientGroup& devices() const { return t_.group; }
  rules::Scheme scheme() const { return rules::Scheme::https; }
  /// edugate's own pages are plain HTTP: send the browser there.
  asio::awaitable<session::Next> portal(http::RequestParser& parser,
                                        const http::ForwardTarget& target, const rules::RuleSet&) {
    const bool keep = parser.keep_alive() && parser.is_done() && !w_.draining;
    policy::PageResponse res{bhttp::status::found, parser.get().version()};
    res.set(bhttp::field::server, "edugate");
    res.set(bhttp::field::cache_control, "no-store");
    res.set(bhttp::field::location, "http://" + w_.services.portal_host + target.origin_form);
    res.keep_alive(keep);
    res.prepare_payload();
    bump(w_.metrics.portal_requests);
    co_return co_await session::answer(w_, client_, std::move(res), keep);
  }
  asio::awaitable<http::AfterExchange> forward(http::RequestParser& parser,
                                               http::ForwardTarget& target) {
    return http::exchange::forward_with(w_, client_, parser, target,
                                        TlsConnector(w_, *inspector_, t_.upstream));
  }

 private:
  server::WorkerContext& w_;
  Inspector* inspector_;
  TlsClient& client_;
  const InspectedTunnel& t_;
};

}  // namespace

asio::awaitable<void> serve_inspected(server::WorkerContext& w, Inspector& inspector,
                                      TlsClient& client, const InspectedTunnel& t) {
  InspectedKind kind(w, &inspector, client, t);
  co_await session::serve_requests(w, kind);
}

asio::awaitable<void> serve_block_page(server::WorkerContext& w, TlsClient& client,
                                       const InspectedTunnel& t,
                                       const policy::HttpVerdict& verdict) {
  InspectedKind kind(w, nullptr, client, t);
  if (!co_await kind.await_request(true)) co_return;
  http::RequestParser parser;
  if (!co_await session::read_head(w, kind, parser)) co_return;
  const unsigned version = parser.get().version();
  co_await session::answer(
      w, client, policy::block_response(w.services, t.rules, verdict, version, false), false);
}

}  // namespace edugate::proxy::inspect
