#include "proxy/session/head_reading.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string_view>

#include "proxy/metrics.hpp"

namespace edugate::proxy::session {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using http::ProxyError;

namespace {

/// 414 when the URL is what made the head too big, else 431. Beast may already have consumed a
/// parsed start line from the buffer, so ask the parser first.
ProxyError classify_oversized_head(const http::RequestParser& parser,
                                   const beast::flat_buffer& buffer, std::uint32_t max_url) {
  const auto target = parser.get().target();
  if (!target.empty())
    return target.size() > max_url ? ProxyError::uri_too_long : ProxyError::header_too_large;
  const auto data = buffer.data();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  const auto eol = text.find("\r\n");
  const auto line = eol == std::string_view::npos ? text.size() : eol;
  return line > max_url ? ProxyError::uri_too_long : ProxyError::header_too_large;
}

bool gone(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec.category() == asio::error::get_ssl_category() ||
         ec.category() == asio::ssl::error::get_stream_category();
}

}  // namespace

std::optional<ProxyError> head_read_failure(Metrics& m, const boost::system::error_code& ec,
                                            const http::RequestParser& parser,
                                            const beast::flat_buffer& buffer,
                                            std::uint32_t max_url) {
  if (gone(ec)) return std::nullopt;
  if (ec == beast::error::timeout) {
    bump(m.requests_head_timeout);
    return std::nullopt;
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    const auto e = classify_oversized_head(parser, buffer, max_url);
    bump(e == ProxyError::uri_too_long ? m.requests_uri_too_long : m.requests_header_too_large);
    return e;
  }
  const bool smuggling = ec == bhttp::error::bad_transfer_encoding ||
                         ec == bhttp::error::bad_content_length ||
                         ec == bhttp::error::multiple_content_length;
  bump(smuggling ? m.requests_smuggling_refused : m.requests_bad);
  return ProxyError::bad_request;
}

void count_head_check_failure(Metrics& m, ProxyError e) {
  switch (e) {
    case ProxyError::uri_too_long:
      bump(m.requests_uri_too_long);
      break;
    case ProxyError::header_too_large:
      bump(m.requests_header_too_large);
      break;
    case ProxyError::loop_detected:
      bump(m.requests_loop_refused);
      break;
    default:
      bump(m.requests_smuggling_refused);
      break;
  }
}

}  // namespace edugate::proxy::session
