#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

namespace edugate::proxy::http {

namespace bhttp = boost::beast::http;

/// Why edugate itself answered instead of the origin. Each has a short bilingual (vi/en) page.
enum class ProxyError {
  bad_request,            // 400
  forbidden_client,       // 403: client outside client_networks
  forbidden_port,         // 403: CONNECT to a port not allowed
  forbidden_destination,  // 403: the destination policy refuses the address
  not_a_proxy_request,    // 400: origin-form request on a forward listener
  uri_too_long,           // 414
  misdirected,            // 421: inside an inspected tunnel, a Host that is not the tunnel's name
  header_too_large,       // 431
  loop_detected,          // 508
  scheme_unsupported,     // 501
  dns_failed,             // 502
  connect_failed,         // 502
  bad_upstream,           // 502
  connect_timeout,        // 504
  response_timeout,       // 504
};

bhttp::status status_of(ProxyError e);

/// A complete response (HTML page, Content-Length, `Cache-Control: no-store`). `detail` (for
/// example the host that failed) is HTML-escaped. `keep_alive` false adds `Connection: close`.
bhttp::response<bhttp::string_body> make_error_response(ProxyError e, std::string_view detail,
                                                        unsigned version, bool keep_alive);

}  // namespace edugate::proxy::http
