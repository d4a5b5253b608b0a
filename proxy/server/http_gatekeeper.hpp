#pragma once

#include <boost/asio/awaitable.hpp>

#include "proxy/http/forward.hpp"

#include "rules/request_facts.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy {
struct Metrics;
}

namespace edugate::proxy::policy {
struct HttpVerdict;
}

namespace edugate::proxy::server {

struct WorkerContext;
struct ClientConnection;
class ClientGroup;

enum class GateStep {
  forward,             ///< go on and forward (the target and headers may have been rewritten)
  answered_keep_alive, ///< edugate answered; the connection can carry another request
  answered_close,      ///< edugate answered; close the connection
};

/// The rules' name for an HTTP method.
rules::Method method_of(http::bhttp::verb v);

/// Readies an allowed request for forwarding, plain or inside inspected TLS: safe search
/// forced (query parameter in `target.origin_form`, replacing the client's value, and header),
/// edugate's own pass cookie removed, and the decision counted.
void prepare_forward(Metrics& metrics, const policy::HttpVerdict& v, http::ForwardTarget& target,
                     http::RequestParser& parser);

/// Applies the rule set to a plain-HTTP request before it is forwarded: answers with the block
/// page, the warn page, the continue redirect or the portal, or lets it through with safe search
/// forced (query parameter / header) and edugate's own pass cookie removed.
boost::asio::awaitable<GateStep> gatekeep_http(WorkerContext& w, ClientConnection& client,
                                               http::RequestParser& parser,
                                               http::ForwardTarget& target,
                                               const rules::RuleSet& rules, ClientGroup& group);

}  // namespace edugate::proxy::server
