#include "proxy/policy/responses.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "rules/rule_set.hpp"

namespace edugate::proxy::policy {

namespace {

PageResponse page(bhttp::status status, std::string body, unsigned version, bool keep_alive) {
  PageResponse res{status, version};
  res.set(bhttp::field::server, "edugate");
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

struct Labels {
  std::string_view vi = "nội dung bị hạn chế";
  std::string_view en = "restricted content";
};

Labels labels_of(const rules::RuleSet& rules, rules::CategoryId id) {
  if (id == rules::kNoCategory || id >= rules.category_count()) return {};
  const auto& c = rules.category(id);
  return {c.label_vi, c.label_en};
}

std::string_view reason_vi(const rules::Decision& d) {
  return d.category == rules::kNoCategory
             ? "Quy định của trường không cho phép truy cập trang này."
             : "Theo quy định lọc nội dung của Sở GD&ĐT và nhà trường.";
}

}  // namespace

std::string review_link(const Services& s, std::string_view host, std::string_view category) {
  const auto encoded = boost::urls::encode(host, boost::urls::unreserved_chars);
  const auto cat = boost::urls::encode(category, boost::urls::unreserved_chars);
  if (!s.review_url.empty()) {
    const char sep = s.review_url.find('?') == std::string::npos ? '?' : '&';
    return fmt::format("{}{}domain={}", s.review_url, sep, encoded);
  }
  return fmt::format("http://{}/bao-cao?domain={}&loai=xem-lai&cat={}", s.portal_host, encoded,
                     cat);
}

PageResponse block_response(const Services& s, const rules::RuleSet& rules, const HttpVerdict& v,
                            unsigned version, bool keep_alive) {
  const auto l = labels_of(rules, v.decision.category);
  const auto category_id = v.decision.category < rules.category_count()
                               ? std::string_view(rules.category(v.decision.category).id)
                               : std::string_view{};
  const auto review = review_link(s, v.host, category_id);
  const std::array values{PageValue{"host", v.host},
                          PageValue{"category_vi", l.vi},
                          PageValue{"category_en", l.en},
                          PageValue{"reason_vi", reason_vi(v.decision)},
                          PageValue{"reason_en", v.decision.reason},
                          PageValue{"review_url", review},
                          PageValue{"school_name", s.school_name}};
  return page(bhttp::status::forbidden, render(s.pages.block, values), version, keep_alive);
}

PageResponse warn_response(const Services& s, const rules::RuleSet& rules, const HttpVerdict& v,
                           unsigned version, bool keep_alive) {
  const auto l = labels_of(rules, v.decision.category);
  const std::array values{PageValue{"host", v.host}, PageValue{"category_vi", l.vi},
                          PageValue{"category_en", l.en}, PageValue{"continue_url", v.continue_url},
                          PageValue{"school_name", s.school_name}};
  return page(bhttp::status::forbidden, render(s.pages.warn, values), version, keep_alive);
}

PageResponse continue_response(const Services& s, const HttpVerdict& v, unsigned version,
                               bool keep_alive) {
  auto res = page(bhttp::status::found, "", version, keep_alive);
  res.set(bhttp::field::location, v.continue_location);
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(s.gate.warn_pass_ttl).count();
  res.set(bhttp::field::set_cookie, fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax",
                                                kPassCookie, v.pass_cookie, max_age));
  return res;
}

PageResponse blocked_connect_response(const rules::RuleSet& rules, const rules::Decision& d,
                                      unsigned version) {
  const auto l = labels_of(rules, d.category);
  auto res = page(bhttp::status::forbidden,
                  fmt::format("Bị chặn bởi edugate: {} / Blocked by edugate: {}\n", l.vi, l.en),
                  version, false);
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.prepare_payload();
  return res;
}

}  // namespace edugate::proxy::policy
