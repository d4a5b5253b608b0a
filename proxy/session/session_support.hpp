#pragma once

// Building blocks of the plain-TCP sessions (forward and transparent): admission, the error
// page that ends a connection, and the wait for the next request.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <list>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"
#include "proxy/net/destination_policy.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/worker_context.hpp"
#include "rules/cidr.hpp"

namespace edugate::proxy::server {

struct ClientConnection;

using net::to_ip_bytes;

/// What the client's address decides, once: whether it may use the proxy at all, and its group.
/// The address itself goes no further than admit().
struct Admission {
  bool allowed = false;
  ClientGroup group;
};
Admission admit(const WorkerContext& w, const rules::IpBytes& client);

/// Answers with edugate's error page for `e` and closes (lingering).
boost::asio::awaitable<void> refuse(WorkerContext& w, ClientConnection& c, http::ProxyError e,
                                    unsigned version);

/// Waits for the first byte of the next request (request_head deadline for the first request,
/// client_idle between requests); false when the client went away or idled out.
boost::asio::awaitable<bool> wait_for_request(WorkerContext& w, ClientConnection& c,
                                              SessionHandle& h, bool first);

/// Keeps the worker's view of one session right however the coroutine ends: registers it for
/// drain, counts it as active, and releases its slot of max_connections.
class SessionScope {
 public:
  SessionScope(WorkerContext& w, boost::asio::ip::tcp::socket& s);
  ~SessionScope();
  SessionScope(const SessionScope&) = delete;
  SessionScope& operator=(const SessionScope&) = delete;
  SessionHandle& handle() { return *handle_; }

 private:
  WorkerContext& w_;
  std::list<SessionHandle>::iterator handle_;
};

}  // namespace edugate::proxy::server
