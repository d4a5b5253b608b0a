#pragma once

// The page a pupil gets, inside inspected TLS, when the origin's certificate fails
// verification: edugate never hides that from the pupil and never connects anyway.

#include <string_view>

#include "proxy/policy/responses.hpp"

namespace edugate::proxy::inspect {

/// 502 with the block-page template (etc/pages/block.html): category "Chứng chỉ bảo mật không
/// hợp lệ / Invalid security certificate", the reason from describe_verify_error(), the host,
/// hotline 111 and the review link. Nothing about the pupil. Pure.
policy::PageResponse cert_error_response(const policy::Services& s, std::string_view host,
                                         long verify_error, unsigned version, bool keep_alive);

}  // namespace edugate::proxy::inspect
