#pragma once

// What every request-target fuzz target checks of a target edugate accepted: nothing in it can
// break the head it is written into (no CR, LF, NUL, space or other control byte), the path is
// origin-form, the host is there.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "proxy/http/forward.hpp"

namespace edugate::fuzz {

inline void require(bool condition) {
  if (!condition) std::abort();
}

/// No byte that ends or splits a header line or a request line.
inline bool header_safe(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x21 || c == 0x7f) return false;
  return true;
}

inline void check_forward_target(const proxy::http::ForwardTarget& t) {
  require(!t.host.empty());
  require(header_safe(t.host));
  require(header_safe(t.authority) && !t.authority.empty());
  require(!t.origin_form.empty() && t.origin_form.front() == '/');
  require(header_safe(t.origin_form));
  require(t.port != 0);
}

/// The request head in `data` as a session reads it (Beast, head only, capped), or null when it
/// is not a whole, valid head.
inline std::unique_ptr<proxy::http::RequestParser> parse_head(const std::uint8_t* data,
                                                              std::size_t size) {
  auto parser = std::make_unique<proxy::http::RequestParser>();
  parser->eager(false);
  parser->header_limit(24 * 1024);
  boost::beast::error_code ec;
  parser->put(boost::asio::buffer(data, size), ec);
  if (ec || !parser->is_header_done()) return nullptr;
  return parser;
}

}  // namespace edugate::fuzz
