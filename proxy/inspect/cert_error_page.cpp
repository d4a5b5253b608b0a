#include "proxy/inspect/cert_error_page.hpp"

#include <fmt/format.h>

#include <array>
#include <string>

#include "proxy/inspect/tls_contexts.hpp"

namespace edugate::proxy::inspect {

policy::PageResponse cert_error_response(const policy::Services& s, std::string_view host,
                                         long verify_error, unsigned version, bool keep_alive) {
  namespace bhttp = boost::beast::http;
  const CertProblem p = describe_verify_error(verify_error);
  const std::string reason_vi =
      fmt::format("{} Kết nối tới trang này có thể đã bị giả mạo, nên edugate không mở nó.", p.vi);
  const std::string reason_en = fmt::format(
      "{} The connection may have been tampered with, so edugate does not open it.", p.en);
  const auto review = policy::review_link(s, host, "tls-certificate");
  const std::array values{policy::PageValue{"host", host},
                          policy::PageValue{"category_vi", "Chứng chỉ bảo mật không hợp lệ"},
                          policy::PageValue{"category_en", "Invalid security certificate"},
                          policy::PageValue{"reason_vi", reason_vi},
                          policy::PageValue{"reason_en", reason_en},
                          policy::PageValue{"review_url", review},
                          policy::PageValue{"school_name", s.school_name}};
  policy::PageResponse res{bhttp::status::bad_gateway, version};
  res.set(bhttp::field::server, "edugate");
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Edugate-Certificate-Error", p.code);
  res.body() = policy::render(s.pages.block, values);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace edugate::proxy::inspect
