#include "proxy/http/error_response.hpp"

#include <fmt/format.h>

#include "reporting/html_escape.hpp"

namespace edugate::proxy::http {

namespace {

struct Text {
  bhttp::status status;
  const char* vi;
  const char* en;
};

Text text_of(ProxyError e) {
  using S = bhttp::status;
  switch (e) {
    case ProxyError::bad_request:
      return {S::bad_request, "Yêu cầu không hợp lệ.", "The request was malformed."};
    case ProxyError::forbidden_client:
      return {S::forbidden, "Thiết bị này không được phép dùng máy chủ lọc của trường.",
              "This device is not allowed to use the school's proxy."};
    case ProxyError::forbidden_port:
      return {S::forbidden, "Cổng kết nối này không được phép.",
              "Tunnels to this port are not allowed."};
    case ProxyError::forbidden_destination:
      return {S::forbidden, "Không được truy cập địa chỉ này qua máy chủ lọc của trường.",
              "This address cannot be reached through the school's proxy."};
    case ProxyError::not_a_proxy_request:
      return {S::bad_request, "Đây là máy chủ lọc nội dung edugate; hãy cấu hình nó làm proxy.",
              "This is the edugate filtering proxy; configure it as your HTTP proxy."};
    case ProxyError::misdirected:
      return {S::misdirected_request, "Yêu cầu gửi nhầm trang web trong kết nối này.",
              "This request names another site than the connection it came on."};
    case ProxyError::uri_too_long:
      return {S::uri_too_long, "Địa chỉ trang quá dài.", "The URL is too long."};
    case ProxyError::header_too_large:
      return {S::request_header_fields_too_large, "Phần đầu yêu cầu quá lớn.",
              "The request headers are too large."};
    case ProxyError::loop_detected:
      return {S::loop_detected, "Yêu cầu bị lặp qua máy chủ lọc.",
              "The request looped back through the proxy."};
    case ProxyError::scheme_unsupported:
      return {S::not_implemented, "Giao thức này không được hỗ trợ.",
              "This URL scheme is not supported through the proxy."};
    case ProxyError::dns_failed:
      return {S::bad_gateway, "Không tìm thấy tên miền.", "The site's name could not be found."};
    case ProxyError::connect_failed:
      return {S::bad_gateway, "Không kết nối được tới trang web.",
              "The site refused the connection or could not be reached."};
    case ProxyError::bad_upstream:
      return {S::bad_gateway, "Trang web trả lời không hợp lệ.",
              "The site sent an invalid response."};
    case ProxyError::connect_timeout:
      return {S::gateway_timeout, "Trang web không phản hồi kịp.",
              "The site did not accept the connection in time."};
    case ProxyError::response_timeout:
      return {S::gateway_timeout, "Trang web không phản hồi kịp.",
              "The site did not answer in time."};
  }
  return {S::internal_server_error, "Lỗi.", "Error."};
}

}  // namespace

bhttp::status status_of(ProxyError e) { return text_of(e).status; }

bhttp::response<bhttp::string_body> make_error_response(ProxyError e, std::string_view detail,
                                                        unsigned version, bool keep_alive) {
  const auto t = text_of(e);
  const auto code = static_cast<unsigned>(t.status);
  const std::string detail_html =
      detail.empty() ? std::string()
                     : fmt::format("<p><code>{}</code></p>", reporting::html_escape(detail));
  bhttp::response<bhttp::string_body> res{t.status, version};
  res.set(bhttp::field::server, "edugate");
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = fmt::format(
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<title>{0} edugate</title></head><body style=\"font-family:sans-serif;max-width:40em;"
      "margin:3em auto\"><h1>{0}</h1><p lang=\"vi\">{1}</p><p lang=\"en\">{2}</p>{3}"
      "<p><small>edugate</small></p></body></html>\n",
      code, t.vi, t.en, detail_html);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace edugate::proxy::http
