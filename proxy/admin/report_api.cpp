#include "proxy/admin/report_api.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "reporting/bearer_token.hpp"
#include "reporting/calendar.hpp"
#include "reporting/school_report.hpp"

namespace edugate::proxy::server {

namespace rep = edugate::reporting;
using Clock = rep::TokenBucket::Clock;

namespace {

AdminResponse text(unsigned status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body) + "\n", {}};
}

std::string format_param(std::string_view query) {
  for (auto rest = query; !rest.empty();) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.starts_with("format=")) return std::string(pair.substr(7));
  }
  return "json";
}

}  // namespace

ReportApi::ReportApi(const rep::ReportingSettings& settings)
    : settings_(settings), failures_(10.0 / 60.0, 10, Clock::now()) {}

AdminResponse ReportApi::handle(const AdminRequest& request) {
  const auto now = Clock::now();
  const auto token = rep::bearer_token(request.authorization);
  if (!token || !rep::token_matches(*token, settings_.api_token_hashes)) {
    if (!failures_.try_take(now)) {
      auto r = text(429, "too many failed attempts");
      r.headers.emplace_back("Retry-After", "60");
      return r;
    }
    auto r = text(401, "a valid bearer token is required");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"edugate reports\"");
    return r;
  }
  const auto key = rep::hash_token(*token);
  auto bucket = per_token_.find(key);
  if (bucket == per_token_.end())
    bucket = per_token_
                 .emplace(key, rep::TokenBucket(settings_.api_requests_per_minute / 60.0,
                                                settings_.api_burst, now))
                 .first;
  if (!bucket->second.try_take(now)) {
    auto r = text(429, "rate limit: try again later");
    r.headers.emplace_back(
        "Retry-After",
        std::to_string(static_cast<long>(std::ceil(bucket->second.wait_seconds(now)))));
    return r;
  }
  return build(std::string_view(request.path).substr(kPrefix.size()), format_param(request.query));
}

AdminResponse ReportApi::build(std::string_view what, std::string_view format) {
  if (format != "json" && format != "csv" && format != "html")
    return text(400, "format must be json, csv or html");
  std::optional<rep::DayRange> period;
  if (what.starts_with("weekly/")) {
    period = rep::parse_iso_week(what.substr(7));
  } else if (what.starts_with("range/")) {
    const auto rest = what.substr(6);
    const auto slash = rest.find('/');
    const auto from = rep::parse_date(rest.substr(0, slash));
    const auto to =
        slash == std::string_view::npos ? std::nullopt : rep::parse_date(rest.substr(slash + 1));
    if (from && to && *from <= *to && *to - *from <= 400) period = rep::DayRange{*from, *to};
  } else {
    return text(404, "not found: use weekly/<YYYY-Www> or range/<from>/<to>");
  }
  if (!period) return text(400, "not a valid ISO week (2026-W47) or date range (at most 400 days)");
  if (settings_.school_id.empty()) return text(503, "reporting.school_id is not configured");
  std::string error;
  auto report = rep::render_school_report(settings_, *period, format, "edugate", &error);
  if (!report) {
    spdlog::error("report endpoint: {}", error);
    return text(503, "the report cannot be built now: " + error);
  }
  return {200, report->content_type, std::move(report->body), {}};
}

}  // namespace edugate::proxy::server
