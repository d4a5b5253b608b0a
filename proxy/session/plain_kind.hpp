#pragma once

// What the two kinds of plain-TCP client connection have in common (the forward proxy's and
// the transparent listener's): the stream, the wait for the next request, the error page that
// ends the connection, the rule-set snapshot per request, the client's group, and the portal.
// ForwardKind and TransparentKind add where a request's target comes from and how it is sent;
// see pipeline.hpp for what a kind supplies.

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/next.hpp"
#include "proxy/session/portal.hpp"
#include "proxy/session/session_support.hpp"
#include "proxy/session/worker_context.hpp"

namespace edugate::proxy::session {

class PlainKind {
 public:
  PlainKind(server::WorkerContext& w, server::ClientConnection& c, server::Admission& admission,
            server::SessionScope& scope)
      : w_(w), c_(c), admission_(admission), scope_(scope) {}

  server::ClientConnection& client() { return c_; }
  boost::asio::awaitable<bool> await_request(bool first) {
    return server::wait_for_request(w_, c_, scope_.handle(), first);
  }
  void on_request() {}
  boost::asio::awaitable<void> refuse(http::ProxyError e, unsigned version) {
    return server::refuse(w_, c_, e, version);
  }
  /// This request's snapshot of the worker's rules (null without rules).
  std::shared_ptr<const rules::RuleSet> rules() const { return w_.rules; }
  rules::GroupId group(const rules::RuleSet& rules) { return admission_.group.in(rules); }
  const server::ClientGroup& devices() const { return admission_.group; }
  rules::Scheme scheme() const { return rules::Scheme::http; }
  boost::asio::awaitable<Next> portal(http::RequestParser& parser, const http::ForwardTarget&,
                                      const rules::RuleSet& rules) {
    return server::serve_portal(w_, c_, parser, rules, admission_.group);
  }

 protected:
  server::WorkerContext& w_;
  server::ClientConnection& c_;
  server::Admission& admission_;
  server::SessionScope& scope_;
};

}  // namespace edugate::proxy::session
