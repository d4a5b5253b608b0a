#pragma once

// The rules applied to one HTTP request, whichever kind of connection it came on: the gate's
// verdict (counted for the reports), and the rewrite an allowed request gets before it leaves.

#include "proxy/http/forward.hpp"
#include "proxy/policy/gate.hpp"
#include "rules/request_facts.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy {
struct Metrics;
}

namespace edugate::proxy::server {
struct WorkerContext;
class ClientGroup;
}  // namespace edugate::proxy::server

namespace edugate::proxy::session {

/// The rules' name for an HTTP method.
rules::Method method_of(http::bhttp::verb v);

/// The gate's verdict on a request bound for `target` (policy::judge_http on `rules`, now),
/// counted for the reports unless it is edugate's own business (the portal, a malformed host,
/// the redirect after "continue"). The only decision path for HTTP requests.
policy::HttpVerdict judge_request(server::WorkerContext& w, const rules::RuleSet& rules,
                                  rules::GroupId group, const server::ClientGroup& devices,
                                  rules::Scheme scheme, const http::RequestParser& parser,
                                  const http::ForwardTarget& target);

/// Readies an allowed request for forwarding: safe search forced (query parameter in
/// `target.origin_form`, replacing the client's value, and header), edugate's own pass cookie
/// removed, and the decision counted in the metrics.
void prepare_forward(Metrics& metrics, const policy::HttpVerdict& v, http::ForwardTarget& target,
                     http::RequestParser& parser);

}  // namespace edugate::proxy::session
