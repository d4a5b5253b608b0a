#include "proxy/server/http_gatekeeper.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "proxy/http/error_response.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/server/client_connection.hpp"
#include "proxy/server/client_group.hpp"
#include "proxy/server/portal.hpp"
#include "proxy/server/worker_context.hpp"
#include "rules/safe_search.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

rules::Method method_of(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return rules::Method::get;
    case bhttp::verb::head: return rules::Method::head;
    case bhttp::verb::post: return rules::Method::post;
    case bhttp::verb::put: return rules::Method::put;
    case bhttp::verb::delete_: return rules::Method::delete_;
    case bhttp::verb::options: return rules::Method::options;
    case bhttp::verb::patch: return rules::Method::patch;
    case bhttp::verb::trace: return rules::Method::trace;
    case bhttp::verb::connect: return rules::Method::connect;
    default: return rules::Method::other;
  }
}

namespace {

/// Sets the safe-search query parameter (replacing the client's value) and header.
void apply_safe_search(const rules::SafeSearchRewrite& rw, http::ForwardTarget& target,
                       http::RequestParser& parser) {
  if (!rw.query_parameter.empty()) {
    auto parsed = boost::urls::parse_origin_form(target.origin_form);
    if (parsed) {
      boost::urls::url u(*parsed);
      const auto eq = rw.query_parameter.find('=');
      const auto key = rw.query_parameter.substr(0, eq);
      const auto value = eq == std::string_view::npos ? std::string_view{}
                                                      : rw.query_parameter.substr(eq + 1);
      u.params().set(key, value);
      target.origin_form = std::string(u.encoded_resource());
    }
  }
  if (!rw.header_name.empty()) parser.get().set(rw.header_name, rw.header_value);
}

}  // namespace

void prepare_forward(Metrics& metrics, const policy::HttpVerdict& v, http::ForwardTarget& target,
                     http::RequestParser& parser) {
  auto& req = parser.get();
  if (v.safe_search) {
    bump(metrics.decisions_safe_search);
    apply_safe_search(*v.safe_search, target, parser);
  } else {
    bump(metrics.decisions_allow);
  }
  if (v.carries_pass) {
    const auto rest = policy::cookie_without(req[bhttp::field::cookie], policy::kPassCookie);
    if (rest.empty())
      req.erase(bhttp::field::cookie);
    else
      req.set(bhttp::field::cookie, rest);
  }
}

namespace {

template <class Response>
asio::awaitable<GateStep> answer(ClientConnection& c, Response res, bool keep,
                                 std::chrono::milliseconds timeout) {
  c.stream.expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(c.stream, res, kTuple);
  co_return !ec && keep ? GateStep::answered_keep_alive : GateStep::answered_close;
}

}  // namespace

asio::awaitable<GateStep> gatekeep_http(WorkerContext& w, ClientConnection& client,
                                        http::RequestParser& parser, http::ForwardTarget& target,
                                        const rules::RuleSet& rules, ClientGroup& group) {
  auto& req = parser.get();
  const auto& s = w.services;
  const auto gid = group.in(rules);
  policy::HttpGateInput in;
  in.group = gid;
  in.method = method_of(req.method());
  in.host = target.host;
  in.port = target.port;
  in.origin_form = target.origin_form;
  in.cookie = req[bhttp::field::cookie];
  in.now = s.clock->now();
  auto v = policy::judge_http(rules, s.gate, s.passes, in);
  if (w.recorder && v.outcome != policy::HttpOutcome::portal &&
      v.outcome != policy::HttpOutcome::bad_host && v.outcome != policy::HttpOutcome::warn_continue) {
    w.recorder->count(v.decision, gid, reporting::HourBucket::from(v.at),
                      policy::counted_domain(rules, v.decision, v.host), group.device(v.at.day));
  }
  // Answering ourselves leaves any request body unread: then the connection must close.
  const bool keep = parser.keep_alive() && parser.is_done() && !w.draining;
  const auto timeout = w.config.timeouts.body_idle;
  switch (v.outcome) {
    case policy::HttpOutcome::bad_host:
      bump(w.metrics.requests_bad);
      co_return co_await answer(client,
                                http::make_error_response(http::ProxyError::bad_request, "",
                                                          req.version(), false),
                                false, timeout);
    case policy::HttpOutcome::portal:
      co_return co_await serve_portal(w, client, parser, rules, group);
    case policy::HttpOutcome::block:
      bump(w.metrics.decisions_block);
      co_return co_await answer(client, policy::block_response(s, rules, v, req.version(), keep),
                                keep, timeout);
    case policy::HttpOutcome::warn:
      bump(w.metrics.decisions_warn);
      co_return co_await answer(client, policy::warn_response(s, rules, v, req.version(), keep),
                                keep, timeout);
    case policy::HttpOutcome::warn_continue:
      bump(w.metrics.warn_continued);
      co_return co_await answer(client, policy::continue_response(s, v, req.version(), keep),
                                keep, timeout);
    case policy::HttpOutcome::forward:
      break;
  }
  prepare_forward(w.metrics, v, target, parser);
  co_return GateStep::forward;
}

}  // namespace edugate::proxy::server
