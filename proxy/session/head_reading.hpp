#pragma once

// What a failed read of a request head means, and how a head that fails its checks is counted:
// the same on every kind of connection (forward, transparent, inspected TLS).

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"

namespace edugate::proxy {
struct Metrics;
}

namespace edugate::proxy::session {

/// After Beast failed to read a request head with `ec`: counts the outcome and returns the error
/// to answer with (414 when the URL made the head too big, else 431; 400 for a malformed or
/// smuggling head), or nullopt when there is no one to answer (the client closed or reset, its
/// TLS session broke) or the request_head deadline passed.
std::optional<http::ProxyError> head_read_failure(Metrics& m, const boost::system::error_code& ec,
                                                  const http::RequestParser& parser,
                                                  const boost::beast::flat_buffer& buffer,
                                                  std::uint32_t max_url);

/// Counts a head refused by http::check_request_head under its metric.
void count_head_check_failure(Metrics& m, http::ProxyError e);

}  // namespace edugate::proxy::session
