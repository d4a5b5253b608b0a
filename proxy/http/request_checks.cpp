#include "proxy/http/request_checks.hpp"

#include <boost/beast/http/field.hpp>

#include <iterator>

#include "proxy/http/header_rewrite.hpp"

namespace edugate::proxy::http {

namespace {

std::size_t field_bytes(const bhttp::fields& f) {
  std::size_t n = 0;
  for (const auto& field : f) n += field.name_string().size() + field.value().size() + 4;
  return n;
}

}  // namespace

std::optional<ProxyError> check_request_head(const RequestParser& parser, const HeadLimits& limits,
                                             std::string_view via) {
  const auto& req = parser.get();
  if (req.target().size() > limits.max_url) return ProxyError::uri_too_long;
  if (field_bytes(req) > limits.max_header ||
      static_cast<std::size_t>(std::distance(req.begin(), req.end())) > limits.max_fields)
    return ProxyError::header_too_large;
  if (req.find(bhttp::field::transfer_encoding) != req.end() &&
      (req.version() < 11 || !parser.chunked() || !transfer_encoding_is_chunked(req)))
    return ProxyError::bad_request;
  if (via_names(req, via)) return ProxyError::loop_detected;
  return std::nullopt;
}

}  // namespace edugate::proxy::http
