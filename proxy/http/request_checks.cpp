#include "proxy/http/request_checks.hpp"

#include <boost/beast/http/field.hpp>

#include "proxy/http/header_rewrite.hpp"

namespace edugate::proxy::http {

std::optional<ProxyError> check_request_head(const RequestParser& parser, const HeadLimits& limits,
                                             std::string_view via) {
  const auto& req = parser.get();
  if (req.target().size() > limits.max_url) return ProxyError::uri_too_long;
  // One pass over the fields (every request pays for this): their size and number, and
  // whether the two that need a closer look are there at all.
  std::size_t bytes = 0, fields = 0;
  bool has_te = false, has_via = false;
  for (const auto& f : req) {
    bytes += f.name_string().size() + f.value().size() + 4;
    ++fields;
    has_te = has_te || f.name() == bhttp::field::transfer_encoding;
    has_via = has_via || f.name() == bhttp::field::via;
  }
  if (bytes > limits.max_header || fields > limits.max_fields) return ProxyError::header_too_large;
  if (has_te && (req.version() < 11 || !parser.chunked() || !transfer_encoding_is_chunked(req)))
    return ProxyError::bad_request;
  if (has_via && via_names(req, via)) return ProxyError::loop_detected;
  return std::nullopt;
}

}  // namespace edugate::proxy::http
