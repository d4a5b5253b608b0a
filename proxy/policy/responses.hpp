#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

#include "proxy/policy/gate.hpp"
#include "proxy/policy/services.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy::policy {

namespace bhttp = boost::beast::http;
using PageResponse = bhttp::response<bhttp::string_body>;

/// The block page (403): the category's labels, why, hotline 111 and the review link. Never
/// shows anything about the pupil.
PageResponse block_response(const Services& s, const rules::RuleSet& rules, const HttpVerdict& v,
                            unsigned version, bool keep_alive);
/// The warn interstitial (403) with its "continue" link.
PageResponse warn_response(const Services& s, const rules::RuleSet& rules, const HttpVerdict& v,
                           unsigned version, bool keep_alive);
/// 302 back to the page after "continue", setting the host-only pass cookie.
PageResponse continue_response(const Services& s, const HttpVerdict& v, unsigned version,
                               bool keep_alive);
/// The short 403 a blocked CONNECT gets (the browser shows its own error page).
PageResponse blocked_connect_response(const rules::RuleSet& rules, const rules::Decision& d,
                                      unsigned version);

/// Where the block page's review link points: the school's form, or the portal's report form
/// with the domain filled in.
std::string review_link(const Services& s, std::string_view host, std::string_view category);

}  // namespace edugate::proxy::policy
