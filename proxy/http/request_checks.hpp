#pragma once

// The checks every request head gets before anything else looks at it, on every path (forward,
// transparent, inside an inspected tunnel): size limits, unambiguous framing, no loop. Pure.

#include <cstdint>
#include <optional>
#include <string_view>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"

namespace edugate::proxy::http {

struct HeadLimits {
  std::uint32_t max_url = 8 * 1024;      ///< request-target bytes (→ 414)
  std::uint32_t max_header = 16 * 1024;  ///< field bytes (→ 431)
  std::uint32_t max_fields = 100;        ///< field lines (→ 431)
};

/// URL length (414), header size and field count (431), framing Beast leaves to us (400:
/// Transfer-Encoding only on HTTP/1.1 and exactly "chunked", RFC 9112 §6.1 and §6.3, so no
/// request smuggling), no loop through this proxy (508, Via naming `via`). nullopt when the
/// head passes.
std::optional<ProxyError> check_request_head(const RequestParser& parser, const HeadLimits& limits,
                                             std::string_view via);

}  // namespace edugate::proxy::http
