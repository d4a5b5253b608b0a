#pragma once

// HTTP inside an inspected TLS connection: every request is decided with its full URL (path,
// query, search keywords) like a plain-HTTP request — block page, warn page and continue,
// safe-search rewrite — and relayed to the verified origin. Included only by inspection .cpp
// files.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "proxy/inspect/tls_client.hpp"
#include "proxy/inspect/tls_upstream.hpp"
#include "proxy/policy/gate.hpp"
#include "rules/ids.hpp"

namespace edugate::rules {
class RuleSet;
}
namespace edugate::proxy::server {
struct WorkerContext;
class ClientGroup;
}  // namespace edugate::proxy::server

namespace edugate::proxy::inspect {

class Inspector;

/// What an inspected connection was opened for.
struct InspectedTunnel {
  const rules::RuleSet& rules;  ///< the snapshot the CONNECT was decided on
  rules::GroupId group_id = 0;
  server::ClientGroup& group;
  TlsDestination upstream;  ///< where requests go, and the name its certificate must carry
  std::string name;         ///< the name our certificate carries (SNI, else the CONNECT host)
};

/// Serves requests on `client` (handshake done) until the client closes, idles out
/// (timeouts.client_idle), a response ends the connection, or the worker drains. Each request
/// is checked like on the plain path (414, 431, smuggling, loops), decided by the gate on its
/// Host and full URL, counted (by the recorder, without the URL), and answered or forwarded.
/// An origin whose certificate fails verification gets the certificate error page.
boost::asio::awaitable<void> serve_inspected(server::WorkerContext& w, Inspector& inspector,
                                             TlsClient& client, const InspectedTunnel& t);

/// Reads one request on `client` (handshake done) and answers it with the block page of
/// `verdict` (a blocked CONNECT or SNI, already counted), then ends the connection.
boost::asio::awaitable<void> serve_block_page(server::WorkerContext& w, TlsClient& client,
                                              const InspectedTunnel& t,
                                              const policy::HttpVerdict& verdict);

}  // namespace edugate::proxy::inspect
