#include "proxy/session/portal.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>

#include "proxy/policy/pages.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/worker_context.hpp"
#include "rules/local_time.hpp"
#include "rules/normalize/url.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Form {
  std::string domain;
  std::string kind;
  std::string loai;
  std::string cat;
  std::string token;
};

Form parse_form(std::string_view query) {
  Form f;
  if (query.empty()) return f;  // Boost.URL 1.81's parse_query crashes on a null empty view
  auto params = boost::urls::parse_query(query);
  if (!params) return f;
  for (const auto& p : *params) {
    std::string value = p.value.decode();
    std::replace(value.begin(), value.end(), '+', ' ');  // form encoding
    if (p.key == "domain") f.domain = value;
    if (p.key == "kind") f.kind = value;
    if (p.key == "loai") f.loai = value;
    if (p.key == "cat") f.cat = value;
    if (p.key == "token") f.token = value;
  }
  return f;
}

/// The domain a pupil typed ("Example.com", "https://example.com/page"), normalised; empty when
/// it is not a host name.
std::string reported_domain(std::string_view typed) {
  while (!typed.empty() && typed.front() == ' ') typed.remove_prefix(1);
  while (!typed.empty() && typed.back() == ' ') typed.remove_suffix(1);
  if (typed.empty()) return {};
  auto url = rules::parse_and_normalize_url(typed, 2048, /*allow_schemeless=*/true);
  return url.url ? url.url->host : std::string();
}

/// Reads a small request body whole (the form); nullopt when it is too big or the read fails.
asio::awaitable<std::optional<std::string>> read_form_body(WorkerContext& w, ClientConnection& c,
                                                           http::RequestParser& parser) {
  std::string body;
  std::array<char, 2048> buf;
  while (!parser.is_done()) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    c.stream.expires_after(w.config.timeouts.body_idle);
    auto [ec, n] = co_await bhttp::async_read(c.stream, c.buffer, parser, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return std::nullopt;
    body.append(buf.data(), buf.size() - parser.get().body().size);
    if (body.size() > kMaxFormBody) co_return std::nullopt;
  }
  co_return body;
}

bhttp::response<bhttp::string_body> html(bhttp::status status, std::string body, unsigned version,
                                         bool keep) {
  bhttp::response<bhttp::string_body> res{status, version};
  res.set(bhttp::field::server, "edugate");
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.keep_alive(keep);
  res.prepare_payload();
  return res;
}

/// What a POSTed form asks for, after the checks a forged or flooded one fails.
struct Outcome {
  std::string notice;       ///< HTML fragment shown above the form
  bool clear_form = false;  ///< counted: the form comes back empty
};

/// True when the request comes from a page of the portal itself: its Origin (or, when a
/// browser sends none, its Referer) names the portal host. Another website's page posting a
/// form to the portal carries that website's origin; a request with neither is refused too.
bool same_origin(const bhttp::fields& h, std::string_view portal_host) {
  auto names_portal = [&](std::string_view v) {
    for (std::string_view scheme : {"http://", "https://"}) {
      if (!v.starts_with(scheme)) continue;
      auto rest = v.substr(scheme.size());
      if (!rest.starts_with(portal_host)) return false;
      rest.remove_prefix(portal_host.size());
      if (rest.empty()) return true;
      if (rest.front() == ':') {  // a port
        const auto end = rest.find('/');
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        return rest.empty() || rest.front() == '/';
      }
      return rest.front() == '/';
    }
    return false;
  };
  const auto origin = h[bhttp::field::origin];
  if (!origin.empty()) return names_portal(origin);
  const auto referer = h[bhttp::field::referer];
  return !referer.empty() && names_portal(referer);
}

constexpr std::string_view kNoticeThanks =
    "<p class=\"notice\">Cảm ơn em! Nhà trường đã nhận được báo cáo. · "
    "Thank you! The school has received your report.</p>";

Outcome take_report(WorkerContext& w, const rules::RuleSet& rules, const Form& form,
                    rules::GroupId gid, reporting::HourBucket hour, reporting::DeviceKey device) {
  const auto domain = reported_domain(form.domain);
  if (domain.empty())
    return {
        "<p class=\"notice\">Tên trang web chưa đúng, em hãy nhập lại. · "
        "That does not look like a website name; please try again.</p>"};
  if (form.kind != "harmful" && form.kind != "wrongly-blocked")
    return {
        "<p class=\"notice\">Em hãy chọn một loại báo cáo. · Please choose what you are "
        "reporting.</p>"};
  switch (w.report_guard.admit(device, hour.day, domain)) {
    case policy::ReportGuard::Admit::counted:
      break;
    case policy::ReportGuard::Admit::repeat:
      bump(w.metrics.portal_reports_not_counted);
      return {std::string(kNoticeThanks), true};  // already counted today: once is enough
    case policy::ReportGuard::Admit::over_limit:
      bump(w.metrics.portal_reports_not_counted);
      return {
          "<p class=\"notice\">Hôm nay em đã gửi đủ số báo cáo; mai em gửi tiếp nhé. · "
          "You have sent as many reports as can be taken today; please send more "
          "tomorrow.</p>"};
  }
  bump(w.metrics.portal_reports);
  if (w.recorder) {
    if (form.kind == "harmful") {
      w.recorder->count_site_report(gid, hour, domain, device);
    } else {
      const auto category = rules.find_category(form.cat).value_or(rules::kNoCategory);
      w.recorder->count_review_request(category, gid, hour, domain, device);
    }
  }
  return {std::string(kNoticeThanks), true};
}

}  // namespace

asio::awaitable<session::Next> serve_portal(WorkerContext& w, ClientConnection& client,
                                            http::RequestParser& parser,
                                            const rules::RuleSet& rules, ClientGroup& group) {
  bump(w.metrics.portal_requests);
  const auto gid = group.in(rules);
  const auto hour =
      reporting::HourBucket::from(rules::to_local_time(rules, w.services.clock->now()));
  const auto device = group.device(hour.day);
  auto& req = parser.get();
  const auto version = req.version();
  const auto target = std::string(req.target());
  auto url = boost::urls::parse_uri_reference(target);
  const std::string path = url ? std::string(url->path()) : std::string();
  bool keep = parser.keep_alive() && !w.draining;
  bhttp::response<bhttp::string_body> res;
  const bool get = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
  const bool post = req.method() == bhttp::verb::post;
  if (path != kReportPath) {
    res = html(bhttp::status::found, "", version, keep && parser.is_done());
    res.set(bhttp::field::location, std::string(kReportPath));
  } else if (!get && !post) {
    res = html(bhttp::status::method_not_allowed, "", version, false);
    res.set(bhttp::field::allow, "GET, HEAD, POST");
  } else {
    // GET only shows the form (pre-filled from the block page's "ask for a review" link); a
    // report is counted only when the pupil sends the form.
    Form form = parse_form(url && url->has_query() ? std::string(url->encoded_query()) : "");
    std::string notice;
    auto status = bhttp::status::ok;
    if (post) {
      auto body = co_await read_form_body(w, client, parser);
      if (!body) co_return session::Next::stop;
      form = parse_form(*body);
      const bool fresh = w.report_guard.valid(form.token, device, hour.day) ||
                         w.report_guard.valid(form.token, group.device(hour.day - 1), hour.day - 1);
      if (!same_origin(req, w.config.enforcement.portal_host) || !fresh) {
        // Another website's page (cross-site request forgery), or a form from another device
        // or day: nothing is counted. The pupil gets a fresh form to send again.
        bump(w.metrics.portal_reports_refused);
        status = bhttp::status::forbidden;
        notice =
            "<p class=\"notice\">Biểu mẫu đã hết hạn, em hãy gửi lại. · "
            "This form has expired; please send it again.</p>";
      } else {
        auto outcome = take_report(w, rules, form, gid, hour, device);
        notice = std::move(outcome.notice);
        if (outcome.clear_form) form = Form{};
      }
    }
    const bool wrongly = form.kind == "wrongly-blocked" || form.loai == "xem-lai";
    const auto token = w.report_guard.token(device, hour.day);
    const std::array values{policy::PageValue{"action", kReportPath},
                            policy::PageValue{"domain", form.domain},
                            policy::PageValue{"cat", form.cat},
                            policy::PageValue{"token", token},
                            policy::PageValue{"notice", notice, true},
                            policy::PageValue{"harmful_checked", wrongly ? "" : "checked", true},
                            policy::PageValue{"wrongly_checked", wrongly ? "checked" : "", true}};
    res = html(status, policy::render(w.services.pages.report, values), version,
               keep && parser.is_done());
    if (req.method() == bhttp::verb::head) res.body().clear();
  }
  keep = res.keep_alive();
  client.stream.expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await bhttp::async_write(client.stream, res, kTuple);
  co_return !ec && keep ? session::Next::request : session::Next::stop;
}

}  // namespace edugate::proxy::server
