#include "proxy/inspect/inspected_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "proxy/http/request_checks.hpp"
#include "proxy/inspect/inner_request.hpp"
#include "proxy/inspect/tls_connector.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/server/client_group.hpp"
#include "proxy/server/http_gatekeeper.hpp"
#include "proxy/server/worker_context.hpp"
#include "rules/normalize/host.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::inspect {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using http::ProxyError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
enum class Step { next, stop };

template <class Response>
asio::awaitable<Step> answer(server::WorkerContext& w, TlsClient& client, Response res, bool keep) {
  http::exchange::tcp_of(client.stream).expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await bhttp::async_write(client.stream, res, kTuple);
  co_return !ec && keep ? Step::next : Step::stop;
}

asio::awaitable<Step> refuse(server::WorkerContext& w, TlsClient& client, ProxyError e,
                             unsigned version) {
  co_return co_await answer(w, client, http::make_error_response(e, {}, version, false), false);
}

/// Waits for the next request (request_head deadline for the first, client_idle between
/// requests), then reads its head within request_head. On a malformed or oversized head it has
/// answered and counted; false: the connection ends.
asio::awaitable<bool> read_head(server::WorkerContext& w, TlsClient& client,
                                http::RequestParser& parser, bool first) {
  const auto& l = w.config.limits;
  const auto& t = w.config.timeouts;
  auto& tcp = http::exchange::tcp_of(client.stream);
  if (client.buffer.size() == 0) {
    tcp.expires_after(first ? t.request_head : t.client_idle);
    auto [ec, n] = co_await client.stream.async_read_some(client.buffer.prepare(4096), kTuple);
    if (ec) co_return false;  // closed, truncated or idle: nothing to answer
    client.buffer.commit(n);
  }
  parser.header_limit(l.max_header_bytes + l.max_url_length);
  parser.body_limit(boost::none);
  tcp.expires_after(t.request_head);
  auto [ec, n] = co_await bhttp::async_read_header(client.stream, client.buffer, parser, kTuple);
  if (!ec) {
    bump(w.metrics.requests);
    bump(w.metrics.inspect_requests);
    co_return true;
  }
  if (ec == beast::error::timeout) {
    bump(w.metrics.requests_head_timeout);
  } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    const bool long_url = parser.get().target().size() > l.max_url_length;
    bump(long_url ? w.metrics.requests_uri_too_long : w.metrics.requests_header_too_large);
    co_await refuse(w, client, long_url ? ProxyError::uri_too_long : ProxyError::header_too_large,
                    11);
  } else if (ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_content_length ||
             ec == bhttp::error::multiple_content_length) {
    bump(w.metrics.requests_smuggling_refused);
    co_await refuse(w, client, ProxyError::bad_request, 11);
  } else if (ec.category() != asio::error::get_ssl_category() &&
             ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
             ec != asio::error::connection_reset && ec != asio::error::operation_aborted) {
    bump(w.metrics.requests_bad);
    co_await refuse(w, client, ProxyError::bad_request, 11);
  }
  co_return false;
}

void count_head_error(Metrics& m, ProxyError e) {
  switch (e) {
    case ProxyError::uri_too_long:
      bump(m.requests_uri_too_long);
      break;
    case ProxyError::header_too_large:
      bump(m.requests_header_too_large);
      break;
    case ProxyError::loop_detected:
      bump(m.requests_loop_refused);
      break;
    default:
      bump(m.requests_smuggling_refused);
      break;
  }
}

/// The request's own host lives in its Host header; its target must be origin-form.
asio::awaitable<Step> handle_request(server::WorkerContext& w, Inspector& inspector,
                                     TlsClient& client, http::RequestParser& parser,
                                     const InspectedTunnel& t) {
  auto& req = parser.get();
  const unsigned version = req.version();
  const auto& l = w.config.limits;
  if (const auto e =
          http::check_request_head(parser, {l.max_url_length, l.max_header_bytes,
                                            l.max_header_fields}, w.config.via_pseudonym)) {
    count_head_error(w.metrics, *e);
    co_return co_await refuse(w, client, *e, version);
  }
  std::optional<std::string_view> host_header;
  if (const auto it = req.find(bhttp::field::host); it != req.end()) host_header = it->value();
  auto parsed = inner_target(req.target(), host_header,
                             TunnelName{t.name, t.upstream.port, t.upstream.connect_host});
  if (req.method() == bhttp::verb::connect || std::holds_alternative<ProxyError>(parsed)) {
    bump(w.metrics.requests_bad);
    co_return co_await refuse(w, client, ProxyError::bad_request, version);
  }
  auto& target = std::get<http::ForwardTarget>(parsed);
  // Every request goes to the tunnel's origin: one that names another host (in its Host) would
  // be decided on that host and sent to this one. Misdirected (RFC 9110 15.5.20).
  if (std::string host; !rules::normalize_host_into(target.host, host) || host != t.name) {
    bump(w.metrics.inspect_misdirected);
    co_return co_await refuse(w, client, ProxyError::misdirected, version);
  }
  const auto& s = w.services;
  policy::HttpGateInput in;
  in.group = t.group_id;
  in.method = server::method_of(req.method());
  in.host = target.host;
  in.port = target.port;
  in.origin_form = target.origin_form;
  in.cookie = req[bhttp::field::cookie];
  in.now = s.clock->now();
  in.scheme = rules::Scheme::https;
  auto v = policy::judge_http(t.rules, s.gate, s.passes, in);
  if (w.recorder && v.outcome != policy::HttpOutcome::portal &&
      v.outcome != policy::HttpOutcome::bad_host && v.outcome != policy::HttpOutcome::warn_continue)
    w.recorder->count(v.decision, t.group_id, reporting::HourBucket::from(v.at),
                      policy::counted_domain(t.rules, v.decision, v.host),
                      t.group.device(v.at.day));
  // Answering ourselves leaves any request body unread: then the connection must close.
  const bool keep = parser.keep_alive() && parser.is_done() && !w.draining;
  switch (v.outcome) {
    case policy::HttpOutcome::bad_host:
      bump(w.metrics.requests_bad);
      co_return co_await refuse(w, client, ProxyError::bad_request, version);
    case policy::HttpOutcome::portal: {
      // edugate's own pages are plain HTTP: send the browser there.
      policy::PageResponse res{bhttp::status::found, version};
      res.set(bhttp::field::server, "edugate");
      res.set(bhttp::field::cache_control, "no-store");
      res.set(bhttp::field::location, "http://" + s.portal_host + target.origin_form);
      res.keep_alive(keep);
      res.prepare_payload();
      bump(w.metrics.portal_requests);
      co_return co_await answer(w, client, std::move(res), keep);
    }
    case policy::HttpOutcome::block:
      bump(w.metrics.decisions_block);
      co_return co_await answer(w, client, policy::block_response(s, t.rules, v, version, keep),
                                keep);
    case policy::HttpOutcome::warn:
      bump(w.metrics.decisions_warn);
      co_return co_await answer(w, client, policy::warn_response(s, t.rules, v, version, keep),
                                keep);
    case policy::HttpOutcome::warn_continue:
      bump(w.metrics.warn_continued);
      co_return co_await answer(w, client, policy::continue_response(s, v, version, keep), keep);
    case policy::HttpOutcome::forward:
      break;
  }
  server::prepare_forward(w.metrics, v, target, parser);
  const auto after = co_await http::exchange::forward_with(w, client, parser, target,
                                                           TlsConnector(w, inspector, t.upstream));
  co_return after == http::AfterExchange::keep_alive && !w.draining ? Step::next : Step::stop;
}

}  // namespace

asio::awaitable<void> serve_inspected(server::WorkerContext& w, Inspector& inspector,
                                      TlsClient& client, const InspectedTunnel& t) {
  for (bool first = true; !w.draining || first; first = false) {
    http::RequestParser parser;
    if (!co_await read_head(w, client, parser, first)) break;
    if (co_await handle_request(w, inspector, client, parser, t) == Step::stop) break;
  }
}

asio::awaitable<void> serve_block_page(server::WorkerContext& w, TlsClient& client,
                                       const rules::RuleSet& rules,
                                       const policy::HttpVerdict& verdict) {
  http::RequestParser parser;
  if (!co_await read_head(w, client, parser, true)) co_return;
  const unsigned version = parser.get().version();
  co_await answer(w, client, policy::block_response(w.services, rules, verdict, version, false),
                  false);
}

}  // namespace edugate::proxy::inspect
