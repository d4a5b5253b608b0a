#include "proxy/session/portal.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>
#include <map>

#include "proxy/policy/overrides.hpp"
#include "proxy/policy/pages.hpp"
#include "proxy/policy/teacher_code.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/worker_context.hpp"
#include "reporting/bearer_token.hpp"
#include "reporting/html_escape.hpp"
#include "reporting/registrable_domain.hpp"
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

/// The fields of a query string or a form body (application/x-www-form-urlencoded); the last
/// value of a repeated field wins.
std::map<std::string, std::string> parse_fields(std::string_view query) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;  // Boost.URL 1.81's parse_query crashes on a null empty view
  auto params = boost::urls::parse_query(query);
  if (!params) return out;
  for (const auto& p : *params) {
    std::string value = p.value.decode();
    std::replace(value.begin(), value.end(), '+', ' ');  // form encoding
    out[std::string(p.key)] = std::move(value);
  }
  return out;
}

Form parse_form(std::string_view query) {
  auto fields = parse_fields(query);
  return {std::move(fields["domain"]), std::move(fields["kind"]), std::move(fields["loai"]),
          std::move(fields["cat"]), std::move(fields["token"])};
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

// ---- the teacher page: open a category or a site to a pupil group for one lesson -----------

std::string hhmm(const rules::RuleSet& rules, policy::TimePoint t) {
  const auto at = rules::to_local_time(rules, t);
  return fmt::format("{:02}:{:02}", at.minute_of_day / 60, at.minute_of_day % 60);
}

std::string teacher_page(WorkerContext& w, const rules::RuleSet& rules, std::string_view notice,
                         policy::TimePoint now) {
  const auto esc = [](std::string_view s) { return reporting::html_escape(s); };
  std::string groups, categories, active;
  for (rules::GroupId g = 0; g < rules.group_count(); ++g) {
    const auto& info = rules.group(g);
    if (!rules::is_pupil(info.age)) continue;
    groups += fmt::format("<option value=\"{}\">{} / {}</option>", esc(info.id), esc(info.label_vi),
                          esc(info.label_en));
  }
  for (rules::CategoryId c = 0; c < rules.category_count(); ++c) {
    const auto& info = rules.category(c);
    if (info.mandatory || info.builtin) continue;  // a mandatory category never opens
    categories += fmt::format("<option value=\"{}\">{} / {}</option>", esc(info.id),
                              esc(info.label_vi), esc(info.label_en));
  }
  for (const auto& o : *w.services.overrides->current(now))
    active += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"{}\">"
        "<input type=\"hidden\" name=\"action\" value=\"close\"><input type=\"hidden\" "
        "name=\"id\" value=\"{}\"><input type=\"password\" name=\"code\" required "
        "placeholder=\"Mã / Code\" autocomplete=\"off\"> <button type=\"submit\">Kết thúc / End "
        "now</button></form></td></tr>",
        esc(o.group), esc(o.category.empty() ? o.domain : o.category), hhmm(rules, o.until),
        kTeacherPath, o.id);
  const auto max_minutes =
      std::chrono::duration_cast<std::chrono::minutes>(w.config.enforcement.override_max).count();
  return fmt::format(
      R"(<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mở trang cho tiết học · Open a site for a lesson</title>
<style>body{{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;max-width:44rem;margin:2rem auto;color:#1d2733;padding:0 1rem}}
label{{display:block;margin:.6rem 0 .2rem;font-weight:bold}} .en{{color:#5b6775;font-weight:normal}}
select,input{{font-size:1rem;padding:.3rem}} button{{font-size:1rem;padding:.4rem 1rem;margin-top:.8rem}}
table{{border-collapse:collapse;width:100%;margin-top:.5rem}} td,th{{border:1px solid #d5dbe1;padding:.3rem .5rem;text-align:left}}
.notice{{background:#eef6ee;padding:.6rem 1rem;border-radius:6px}}</style></head><body>
<h1>Mở trang cho tiết học <span class="en">· Open a site for a lesson</span></h1>
{notice}
<form method="post" action="{path}">
<input type="hidden" name="action" value="open">
<label for="group">Nhóm học sinh <span class="en">· Pupil group</span></label>
<select id="group" name="group" required>{groups}</select>
<label for="category">Danh mục <span class="en">· Category</span></label>
<select id="category" name="category"><option value="">— một trang cụ thể / one site below —</option>{categories}</select>
<label for="domain">Hoặc tên miền <span class="en">· Or a site</span></label>
<input id="domain" name="domain" placeholder="vi-du.edu.vn" autocomplete="off">
<label for="minutes">Số phút <span class="en">· Minutes</span> (≤ {max})</label>
<input id="minutes" name="minutes" type="number" min="1" max="{max}" value="{max}" required>
<label for="code">Mã giáo viên <span class="en">· Teacher code</span></label>
<input id="code" name="code" type="password" required autocomplete="off">
<button type="submit">Mở · Open</button>
</form>
<p class="en">Danh mục bắt buộc của Sở không bao giờ mở được; việc mở tự kết thúc. · A category the Department made mandatory never opens; an override ends by itself. Only how many overrides, for which category and group, is counted; never who.</p>
<h2>Đang mở <span class="en">· Open now</span></h2>
<table><thead><tr><th>Nhóm · Group</th><th>Mở · Opens</th><th>Đến · Until</th><th></th></tr></thead><tbody>{active}</tbody></table>
</body></html>
)",
      fmt::arg("notice", notice), fmt::arg("path", kTeacherPath), fmt::arg("groups", groups),
      fmt::arg("categories", categories), fmt::arg("max", max_minutes),
      fmt::arg("active", active.empty() ? "<tr><td colspan=\"4\">—</td></tr>" : active));
}

std::string notice_html(std::string_view vi, std::string_view en) {
  return fmt::format("<p class=\"notice\">{} · <span class=\"en\">{}</span></p>", vi, en);
}

/// What a POSTed teacher form asks for, checked; the notice to show and the status.
std::pair<bhttp::status, std::string> take_teacher_form(WorkerContext& w,
                                                        const rules::RuleSet& rules,
                                                        std::map<std::string, std::string> f,
                                                        policy::TimePoint now,
                                                        reporting::DeviceKey device) {
  auto& board = *w.services.overrides;
  const bool right = reporting::token_matches(policy::normalized_teacher_code(f["code"]),
                                              w.config.enforcement.teacher_codes);
  if (!board.may_try_code(device, now, right))
    return {bhttp::status::too_many_requests,
            notice_html("Sai mã quá nhiều lần; thử lại sau một phút.",
                        "Too many wrong codes; try again in a minute.")};
  if (!right) {
    board.wrong_code(device, now);
    bump(w.metrics.teacher_overrides_refused);
    return {bhttp::status::forbidden,
            notice_html("Mã giáo viên không đúng.", "That teacher code is not valid.")};
  }
  if (f["action"] == "close") {
    std::uint64_t id = 0;
    const auto& text = f["id"];
    std::from_chars(text.data(), text.data() + text.size(), id);
    if (!board.close(id))
      return {bhttp::status::ok,
              notice_html("Việc mở này đã kết thúc.", "That override had ended.")};
    return {bhttp::status::ok, notice_html("Đã kết thúc.", "Ended.")};
  }
  const auto refuse = [&](std::string_view vi, std::string_view en) {
    bump(w.metrics.teacher_overrides_refused);
    return std::pair{bhttp::status::bad_request, notice_html(vi, en)};
  };
  const auto group = rules.find_group(f["group"]);
  if (!group || !rules::is_pupil(rules.group(*group).age))
    return refuse("Hãy chọn một nhóm học sinh.", "Choose a pupil group.");
  policy::Override o;
  o.group = f["group"];
  if (!f["category"].empty()) {
    const auto c = rules.find_category(f["category"]);
    if (!c || rules.category(*c).builtin)
      return refuse("Không có danh mục này.", "No such category.");
    if (rules.category(*c).mandatory)
      return refuse("Danh mục bắt buộc của Sở không mở được.",
                    "A category the Department made mandatory cannot be opened.");
    o.category = f["category"];
  } else {
    o.domain = reported_domain(f["domain"]);
    if (o.domain.empty() || reporting::is_public_suffix(o.domain))
      return refuse("Hãy chọn một danh mục hoặc nhập một tên miền.",
                    "Choose a category or type a site's name.");
  }
  int minutes = 0;
  const auto& text = f["minutes"];
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
  const auto max =
      std::chrono::duration_cast<std::chrono::minutes>(w.config.enforcement.override_max);
  if (ec != std::errc{} || end != text.data() + text.size() || minutes < 1 || minutes > max.count())
    return refuse("Số phút không hợp lệ.", "That number of minutes is not allowed.");
  o.until = now + std::chrono::minutes(minutes);
  const auto what = o.category.empty() ? o.domain : o.category;
  const auto until = hhmm(rules, o.until);
  if (!board.open(std::move(o), now))
    return refuse("Đang mở quá nhiều; hãy kết thúc bớt.",
                  "Too many overrides open; end some first.");
  bump(w.metrics.teacher_overrides);
  return {bhttp::status::ok,
          notice_html(fmt::format("Đã mở {} cho nhóm {} đến {}.", reporting::html_escape(what),
                                  reporting::html_escape(f["group"]), until),
                      fmt::format("Opened {} for group {} until {}.", reporting::html_escape(what),
                                  reporting::html_escape(f["group"]), until))};
}

asio::awaitable<session::Next> serve_teacher_page(WorkerContext& w, ClientConnection& client,
                                                  http::RequestParser& parser,
                                                  const rules::RuleSet& rules, rules::GroupId gid,
                                                  reporting::DeviceKey device) {
  auto& req = parser.get();
  const auto version = req.version();
  const bool keep = parser.keep_alive() && !w.draining;
  const auto now = w.services.clock->now();
  bhttp::response<bhttp::string_body> res;
  const bool off = w.config.enforcement.teacher_codes.empty();
  if (off || gid == rules::kDefaultGroup || rules::is_pupil(rules.group(gid).age)) {
    // Off (no teacher codes), or asked from a pupil network or from a network no group lists
    // (the default group, whatever its age band): no form at all.
    if (!off) bump(w.metrics.teacher_overrides_refused);
    res = html(bhttp::status::forbidden,
               "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>edugate"
               "</title></head><body><p>Trang này chỉ dùng được trên mạng của giáo viên. · This "
               "page works only from the staff network.</p></body></html>\n",
               version, false);
    client.stream.expires_after(w.config.timeouts.body_idle);
    co_await bhttp::async_write(client.stream, res, kTuple);
    co_return session::Next::stop;
  }
  std::string notice;
  auto status = bhttp::status::ok;
  if (req.method() == bhttp::verb::post) {
    auto body = co_await read_form_body(w, client, parser);
    if (!body) co_return session::Next::stop;
    if (!same_origin(req, w.config.enforcement.portal_host)) {
      status = bhttp::status::forbidden;
      notice =
          notice_html("Biểu mẫu không đến từ trang này.", "That form did not come from this page.");
    } else {
      std::tie(status, notice) = take_teacher_form(w, rules, parse_fields(*body), now, device);
    }
  } else if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    res = html(bhttp::status::method_not_allowed, "", version, false);
    res.set(bhttp::field::allow, "GET, HEAD, POST");
    client.stream.expires_after(w.config.timeouts.body_idle);
    co_await bhttp::async_write(client.stream, res, kTuple);
    co_return session::Next::stop;
  }
  res = html(status, teacher_page(w, rules, notice, now), version, keep && parser.is_done());
  res.set("X-Frame-Options", "DENY");
  if (req.method() == bhttp::verb::head) res.body().clear();
  const bool again = res.keep_alive();
  client.stream.expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await bhttp::async_write(client.stream, res, kTuple);
  co_return !ec && again ? session::Next::request : session::Next::stop;
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
  if (path == kTeacherPath)
    co_return co_await serve_teacher_page(w, client, parser, rules, gid, device);
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
