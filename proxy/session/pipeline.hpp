#pragma once

// One request pipeline for every kind of client connection: the forward proxy's plain TCP
// stream, a connection redirected to the transparent listener, and the TLS stream of an
// inspected HTTPS tunnel. Written once, as Beast's server-flex example serves plain and TLS
// streams with one session:
//
//   await the request → read its head → admit → check the head → find the target → decide
//   → answer (block / warn / continue / portal) or forward → next request
//
// A kind of connection supplies only what differs, as a `Kind` with:
//   Client& client();                       // .stream (lowest layer a beast::tcp_stream), .buffer
//   awaitable<bool> await_request(bool first);  // the next request's first byte; false: end
//   void on_request();                      // a head was read (kind-specific counters)
//   std::optional<Refusal> admit();         // refused before its head is even checked
//   awaitable<void> refuse(ProxyError, unsigned version);  // error page; the connection ends
//   awaitable<Targeted> target(RequestParser&);  // where it goes, refused, or answered already
//   rules();   // this request's rule-set snapshot: a shared_ptr, or a plain pointer to one the
//              // kind holds for longer (null: no rules)
//   rules::GroupId group(const rules::RuleSet&);
//   const server::ClientGroup& devices();
//   rules::Scheme scheme();
//   awaitable<Next> portal(RequestParser&, const ForwardTarget&, const rules::RuleSet&);
//   awaitable<AfterExchange> forward(RequestParser&, ForwardTarget&);
// Included only by the .cpp files that define a kind (it pulls in Beast's HTTP).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <variant>

#include "proxy/http/forward.hpp"
#include "proxy/http/request_checks.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/session/head_reading.hpp"
#include "proxy/session/next.hpp"
#include "proxy/session/request_gate.hpp"
#include "proxy/session/worker_context.hpp"

namespace edugate::proxy::session {

/// What a kind makes of a request's target: where it goes, a refusal, or the answer the kind
/// gave itself (CONNECT, the PAC file).
using Targeted = std::variant<http::ForwardTarget, Refusal, Next>;

namespace pipeline_detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace pipeline_detail

/// Writes edugate's own response (within body_idle); the connection goes on only when `keep`.
template <class Client, class Response>
boost::asio::awaitable<Next> answer(server::WorkerContext& w, Client& client, Response res,
                                    bool keep) {
  boost::beast::get_lowest_layer(client.stream).expires_after(w.config.timeouts.body_idle);
  auto [ec, n] =
      co_await pipeline_detail::bhttp::async_write(client.stream, res, pipeline_detail::kTuple);
  co_return !ec && keep ? Next::request : Next::stop;
}

/// Reads a request head into `parser` within the limits and the request_head deadline. On
/// failure it has counted the outcome and answered when there is someone to answer (400, 414,
/// 431); false: the connection ends.
template <class Kind>
boost::asio::awaitable<bool> read_head(server::WorkerContext& w, Kind& kind,
                                       http::RequestParser& parser) {
  namespace bhttp = pipeline_detail::bhttp;
  const auto& limits = w.config.limits;
  auto& client = kind.client();
  parser.header_limit(limits.max_header_bytes + limits.max_url_length);
  parser.body_limit(boost::none);
  boost::beast::get_lowest_layer(client.stream).expires_after(w.config.timeouts.request_head);
  auto [ec, n] = co_await bhttp::async_read_header(client.stream, client.buffer, parser,
                                                   pipeline_detail::kTuple);
  if (!ec) {
    bump(w.metrics.requests);
    kind.on_request();
    co_return true;
  }
  const auto error = head_read_failure(w.metrics, ec, parser, client.buffer, limits.max_url_length);
  if (error) co_await kind.refuse(*error, 11);
  co_return false;
}

/// The rules applied to a request: nullopt when it is to be forwarded (rewritten for safe
/// search and stripped of edugate's cookie), else what follows edugate's own answer.
template <class Kind>
boost::asio::awaitable<std::optional<Next>> apply_rules(server::WorkerContext& w, Kind& kind,
                                                        http::RequestParser& parser,
                                                        http::ForwardTarget& target,
                                                        const rules::RuleSet& rules) {
  const auto v =
      judge_request(w, rules, kind.group(rules), kind.devices(), kind.scheme(), parser, target);
  const unsigned version = parser.get().version();
  // Answering ourselves leaves any request body unread: then the connection must close.
  const bool keep = parser.keep_alive() && parser.is_done() && !w.draining;
  const auto& s = w.services;
  auto& client = kind.client();
  switch (v.outcome) {
    case policy::HttpOutcome::bad_host:
      bump(w.metrics.requests_bad);
      co_await kind.refuse(http::ProxyError::bad_request, version);
      co_return Next::stop;
    case policy::HttpOutcome::portal:
      co_return co_await kind.portal(parser, target, rules);
    case policy::HttpOutcome::block:
      bump(w.metrics.decisions_block);
      co_return co_await answer(w, client, policy::block_response(s, rules, v, version, keep),
                                keep);
    case policy::HttpOutcome::warn:
      bump(w.metrics.decisions_warn);
      co_return co_await answer(w, client, policy::warn_response(s, rules, v, version, keep), keep);
    case policy::HttpOutcome::warn_continue:
      bump(w.metrics.warn_continued);
      co_return co_await answer(w, client, policy::continue_response(s, v, version, keep), keep);
    case policy::HttpOutcome::forward:
      break;
  }
  prepare_forward(w.metrics, v, target, parser);
  co_return std::nullopt;
}

/// Answers a request refused before the rules saw it, counted under its counter.
template <class Kind>
boost::asio::awaitable<Next> answer_refusal(Kind& kind, const Refusal& r, unsigned version) {
  bump(*r.counter);
  co_await kind.refuse(r.error, version);
  co_return Next::stop;
}

/// One request, from its head to its answer or forwarded response. Whether the connection then
/// carries another is this request's say; draining is the caller's (serve_requests).
template <class Kind>
boost::asio::awaitable<Next> serve_request(server::WorkerContext& w, Kind& kind) {
  http::RequestParser parser;
  if (!co_await read_head(w, kind, parser)) co_return Next::stop;
  const unsigned version = parser.get().version();
  if (const auto refused = kind.admit()) co_return co_await answer_refusal(kind, *refused, version);
  const auto& l = w.config.limits;
  if (const auto e = http::check_request_head(
          parser, {l.max_url_length, l.max_header_bytes, l.max_header_fields},
          w.config.via_pseudonym)) {
    count_head_check_failure(w.metrics, *e);
    co_await kind.refuse(*e, version);
    co_return Next::stop;
  }
  auto targeted = co_await kind.target(parser);
  if (const auto* refused = std::get_if<Refusal>(&targeted))
    co_return co_await answer_refusal(kind, *refused, version);
  if (const auto* answered = std::get_if<Next>(&targeted)) co_return *answered;
  auto& target = std::get<http::ForwardTarget>(targeted);
  if (const auto rules = kind.rules()) {  // this request's snapshot, whatever reloads meanwhile
    if (const auto answered = co_await apply_rules(w, kind, parser, target, *rules))
      co_return *answered;
  }
  const auto after = co_await kind.forward(parser, target);
  co_return after == http::AfterExchange::keep_alive ? Next::request : Next::stop;
}

/// Serves requests on one client connection until it closes, idles out, or a response ends it.
/// Once the worker drains, every response says Connection: close and ends the connection; a
/// response whose head went out (keep-alive) before the drain began does not, so its client
/// may still send the one request it is entitled to, which is answered with close (the worker
/// closes connections still idle after a short grace). Ending the loop at such a response
/// instead lost the request the client had already sent after it.
template <class Kind>
boost::asio::awaitable<void> serve_requests(server::WorkerContext& w, Kind& kind) {
  for (bool first = true;; first = false) {
    if (!co_await kind.await_request(first)) break;
    if (co_await serve_request(w, kind) == Next::stop) break;
  }
}

}  // namespace edugate::proxy::session
