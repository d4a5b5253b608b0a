#pragma once

// What edugate makes of a message head before passing it on: the request's head as it goes
// upstream, the response's as it goes to the client. Pure (no Asio); used by every path that
// relays HTTP (exchange.hpp).

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <string>

#include "proxy/http/forward.hpp"

namespace edugate::proxy::http::exchange {

using ResponseParser = bhttp::response_parser<bhttp::buffer_body>;

/// What the client's request head says about the exchange (after shape_request rewrote it).
struct RequestShape {
  bool client_keep_alive = true;
  bool websocket = false;
  bool expect_continue = false;
  unsigned client_version = 11;
};

/// Rewrites the client's request head in place into what goes upstream: hop-by-hop headers
/// removed (a WebSocket upgrade kept), Via added, origin-form target, Host, HTTP/1.1; an
/// `Expect: 100-continue` is taken over by edugate.
RequestShape shape_request(RequestParser& parser, const ForwardTarget& target,
                           const std::string& via);

/// Turns the upstream response head into what the client gets; returns whether the client
/// connection can stay open afterwards.
bool shape_response(ResponseParser& parser, const RequestShape& req, const std::string& via,
                    bool draining);

}  // namespace edugate::proxy::http::exchange
