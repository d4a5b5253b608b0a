#pragma once

// Raw bytes over TCP, for what curl will not send: malformed or smuggling-style requests, a
// request head that never ends, a ClientHello split by hand.

#include <string>
#include <string_view>

#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/ready_line.hpp"

namespace edugate::itest {

struct RawResult {
  bool connected = false;
  std::string received;      ///< everything read until close, timeout or the byte cap
  bool peer_closed = false;  ///< the peer closed (EOF or reset) before the timeout
  bool timed_out = false;
};

/// Connects to `to` (from `source`, an IPv4 loopback address, when given: a test device), writes
/// `request`, then reads until the peer closes, `timeout` passes (counted from the connect) or
/// `max_bytes` have arrived.
RawResult raw_exchange(const Endpoint& to, std::string_view request, milliseconds timeout,
                       std::size_t max_bytes = 1 << 20, std::string_view source = {});

}  // namespace edugate::itest
