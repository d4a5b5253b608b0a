#include "proxy/session/request_gate.hpp"

#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "proxy/metrics.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/record.hpp"
#include "proxy/session/worker_context.hpp"
#include "rules/safe_search.hpp"

namespace edugate::proxy::session {

namespace bhttp = boost::beast::http;

rules::Method method_of(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return rules::Method::get;
    case bhttp::verb::head:
      return rules::Method::head;
    case bhttp::verb::post:
      return rules::Method::post;
    case bhttp::verb::put:
      return rules::Method::put;
    case bhttp::verb::delete_:
      return rules::Method::delete_;
    case bhttp::verb::options:
      return rules::Method::options;
    case bhttp::verb::patch:
      return rules::Method::patch;
    case bhttp::verb::trace:
      return rules::Method::trace;
    case bhttp::verb::connect:
      return rules::Method::connect;
    default:
      return rules::Method::other;
  }
}

policy::HttpVerdict judge_request(server::WorkerContext& w, const rules::RuleSet& rules,
                                  rules::GroupId group, const server::ClientGroup& devices,
                                  rules::Scheme scheme, const http::RequestParser& parser,
                                  const http::ForwardTarget& target) {
  const auto& req = parser.get();
  policy::HttpGateInput in;
  in.group = group;
  in.method = method_of(req.method());
  in.host = target.host;
  in.port = target.port;
  in.origin_form = target.origin_form;
  in.cookie = req[bhttp::field::cookie];
  in.now = w.services.clock->now();
  in.scheme = scheme;
  in.grants = w.overrides.grants(w.services.overrides.get(), rules, in.now);
  auto v = policy::judge_http(rules, w.services.gate, w.services.passes, in);
  switch (v.outcome) {
    case policy::HttpOutcome::portal:
    case policy::HttpOutcome::bad_host:
    case policy::HttpOutcome::warn_continue:
      break;  // edugate's own business, not a decision on a site
    default:
      record_decision(w, rules, group, devices, v.decision, v.at, v.host);
  }
  return v;
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
      const auto value =
          eq == std::string_view::npos ? std::string_view{} : rw.query_parameter.substr(eq + 1);
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
    bump(passed_counter(metrics, v.decision.action));
  }
  if (v.carries_pass) {
    const auto rest = policy::cookie_without(req[bhttp::field::cookie], policy::kPassCookie);
    if (rest.empty())
      req.erase(bhttp::field::cookie);
    else
      req.set(bhttp::field::cookie, rest);
  }
}

}  // namespace edugate::proxy::session
