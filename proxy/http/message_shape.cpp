#include "proxy/http/message_shape.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "proxy/http/header_rewrite.hpp"

namespace edugate::proxy::http {

namespace beast = boost::beast;

namespace exchange {

RequestShape shape_request(RequestParser& parser, const ForwardTarget& target,
                           const std::string& via) {
  auto& req = parser.get();
  RequestShape shape;
  shape.client_keep_alive = parser.keep_alive();
  shape.client_version = req.version();
  shape.websocket = is_websocket_upgrade(req);
  const bool has_body = !parser.is_done();
  if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
    req.erase(bhttp::field::expect);
    shape.expect_continue = has_body && req.version() >= 11;
  }
  strip_hop_by_hop(req, /*keep_websocket_upgrade=*/true);
  // One Content-Length with one value goes upstream, whatever list form the client used
  // ("5, 5", or the header twice: the parser took them as one length); an origin that reads
  // such a list differently would frame the body differently (RFC 9110 8.6).
  if (const auto length = parser.content_length(); length && !parser.chunked())
    req.set(bhttp::field::content_length, std::to_string(*length));
  add_via(req, req.version(), via);
  req.target(target.origin_form);
  req.set(bhttp::field::host, target.authority);
  req.version(11);
  return shape;
}

bool shape_response(ResponseParser& parser, const RequestShape& req, const std::string& via,
                    bool draining) {
  auto& res = parser.get();
  const bool close_delimited = parser.need_eof();
  strip_hop_by_hop(res, false);
  add_via(res, res.version(), via);
  bool keep = req.client_keep_alive && !draining;
  if (req.client_version < 11) {
    // HTTP/1.0 clients cannot read chunked bodies: send the body raw and close to end it.
    res.version(10);
    if (res.chunked()) {
      res.chunked(false);
      keep = false;
    }
    if (close_delimited) keep = false;
  } else {
    res.version(11);
    if (close_delimited) res.chunked(true);  // re-frame so the client connection survives
  }
  res.keep_alive(keep);
  return keep;
}

}  // namespace exchange

}  // namespace edugate::proxy::http
