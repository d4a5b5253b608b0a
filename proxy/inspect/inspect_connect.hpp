#pragma once

// Where a CONNECT branches off into HTTPS inspection (called from the forward session's
// handle_connect once the CONNECT host is decided). Light header: no Beast, no OpenSSL.

#include <boost/asio/awaitable.hpp>

#include "proxy/policy/gate.hpp"
#include "proxy/tunnel/connect_tunnel.hpp"
#include "rules/ids.hpp"

namespace edugate::rules {
class RuleSet;
}
namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
class ClientGroup;
}  // namespace edugate::proxy::server

namespace edugate::proxy::inspect {

/// A CONNECT whose port was checked and whose host was decided.
struct ConnectRequest {
  const tunnel::ConnectTarget& target;  ///< as the client sent it
  unsigned version = 11;                ///< of the CONNECT request
  const rules::RuleSet& rules;          ///< the snapshot it was decided on
  rules::GroupId group_id = 0;
  server::ClientGroup& group;
  const policy::ConnectVerdict& verdict;  ///< the decision on the CONNECT host
};

/// Runs the CONNECT when the worker inspects (w.inspector) and the group's `inspect:` asks for
/// it: answers 200, reads the ClientHello, decides on its SNI, and then terminates TLS with a
/// certificate minted for that name (block page, or every request decided and relayed to the
/// verified origin), or relays the bytes untouched (exempt, not TLS, refused lately, mode
/// blocked-only), or closes (blocked, no page possible). Counts its decisions like the classic
/// tunnel. Returns false, having done nothing, when the classic path should serve the CONNECT
/// (inspection off for the group, or a host that is exempt or whose clients refused inspection).
boost::asio::awaitable<bool> inspect_connect(server::WorkerContext& w,
                                             server::ClientConnection& client,
                                             const ConnectRequest& r);

}  // namespace edugate::proxy::inspect
