#include "proxy/server/portal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <spdlog/spdlog.h>

#include <array>

#include "proxy/policy/pages.hpp"
#include "proxy/server/client_connection.hpp"
#include "proxy/server/client_group.hpp"
#include "rules/local_time.hpp"
#include "rules/rule_set.hpp"
#include "proxy/server/worker_context.hpp"
#include "rules/normalize/url.hpp"

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
};

Form parse_form(std::string_view query) {
  Form f;
  auto params = boost::urls::parse_query(query);
  if (!params) return f;
  for (const auto& p : *params) {
    std::string value = p.value.decode();
    std::replace(value.begin(), value.end(), '+', ' ');  // form encoding
    if (p.key == "domain") f.domain = value;
    if (p.key == "kind") f.kind = value;
    if (p.key == "loai") f.loai = value;
    if (p.key == "cat") f.cat = value;
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

}  // namespace

asio::awaitable<GateStep> serve_portal(WorkerContext& w, ClientConnection& client,
                                       http::RequestParser& parser, const rules::RuleSet& rules,
                                       ClientGroup& group) {
  bump(w.metrics.portal_requests);
  const auto gid = group.in(rules);
  const auto hour = reporting::HourBucket::from(rules::to_local_time(rules, w.services.clock->now()));
  const auto device = group.device(hour.day);
  auto& req = parser.get();
  const auto version = req.version();
  const auto target = std::string(req.target());
  auto url = boost::urls::parse_uri_reference(target);
  const std::string path = url ? std::string(url->path()) : std::string();
  bool keep = parser.keep_alive() && !w.draining;
  bhttp::response<bhttp::string_body> res;
  if (path != kReportPath) {
    res = html(bhttp::status::found, "", version, keep && parser.is_done());
    res.set(bhttp::field::location, std::string(kReportPath));
  } else {
    std::string notice;
    Form form = parse_form(url && url->has_query() ? std::string(url->encoded_query()) : "");
    if (req.method() == bhttp::verb::get && form.loai == "xem-lai" && w.recorder) {
      // The block page's "ask for a review" link: count the click for the site's category.
      const auto category = rules.find_category(form.cat).value_or(rules::kNoCategory);
      const auto domain = reported_domain(form.domain);
      if (!domain.empty())
        w.recorder->count_review_request(category, gid, hour, domain, device);
    }
    if (req.method() == bhttp::verb::post) {
      auto body = co_await read_form_body(w, client, parser);
      if (!body) co_return GateStep::answered_close;
      form = parse_form(*body);
      const auto domain = reported_domain(form.domain);
      if (domain.empty()) {
        notice = "<p class=\"notice\">Tên trang web chưa đúng, em hãy nhập lại. · "
                 "That does not look like a website name; please try again.</p>";
      } else {
        bump(w.metrics.portal_reports);
        if (w.recorder) w.recorder->count_site_report(gid, hour, domain, device);
        notice = "<p class=\"notice\">Cảm ơn em! Nhà trường đã nhận được báo cáo. · "
                 "Thank you! The school has received your report.</p>";
        form.domain.clear();
      }
    }
    const std::array values{
        policy::PageValue{"action", kReportPath}, policy::PageValue{"domain", form.domain},
        policy::PageValue{"notice", notice, true},
        policy::PageValue{"wrongly_checked", form.loai == "xem-lai" ? "checked" : "", true}};
    res = html(bhttp::status::ok, policy::render(w.services.pages.report, values), version,
               keep && parser.is_done());
  }
  keep = res.keep_alive();
  client.stream.expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await bhttp::async_write(client.stream, res, kTuple);
  co_return !ec && keep ? GateStep::answered_keep_alive : GateStep::answered_close;
}

}  // namespace edugate::proxy::server
