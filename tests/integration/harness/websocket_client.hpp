#pragma once

// A tiny WebSocket client (Beast) for tests: connect, upgrade, send messages, collect replies.
// curl cannot speak WebSocket; this can, directly to the origin or through a forward proxy.

#include <string>
#include <vector>

#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/ready_line.hpp"

namespace edugate::itest {

struct WebSocketExchange {
  Endpoint connect_to;                ///< where the TCP connection goes: the origin, or the proxy
  std::string host;                   ///< Host header, e.g. "127.0.0.1:<origin port>"
  std::string target = "/ws";         ///< "http://127.0.0.1:<port>/ws" (absolute-form) via a proxy
  std::vector<std::string> messages;  ///< sent one by one as text, each reply read before the next
  milliseconds timeout{10000};        ///< for the whole exchange
};

struct WebSocketResult {
  std::string error;                 ///< empty when every message got its reply
  std::vector<std::string> replies;  ///< in order
};

/// Runs the exchange on a private io_context and closes the WebSocket normally at the end.
WebSocketResult websocket_exchange(const WebSocketExchange& exchange);

}  // namespace edugate::itest
