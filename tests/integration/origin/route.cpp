#include "tests/integration/origin/route.hpp"

#include <charconv>

namespace edugate::itest {
namespace {

constexpr std::uint64_t kMaxSlowMs = 120'000;

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool query_has(std::string_view query, std::string_view param) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    if (query.substr(0, amp) == param) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

/// A route that takes a number after `prefix`, checked against [min, max].
Route numbered(RouteKind kind, std::string_view path, std::string_view prefix, std::uint64_t min,
               std::uint64_t max) {
  Route route{kind};
  if (!parse_number(path.substr(prefix.size()), route.number) || route.number < min ||
      route.number > max) {
    return Route{RouteKind::bad_request};
  }
  return route;
}

Route route_get(std::string_view path, std::string_view query) {
  if (path.starts_with("/bytes/")) {
    Route route = numbered(RouteKind::bytes, path, "/bytes/", 0, UINT64_MAX);
    route.chunked = route.kind == RouteKind::bytes && query_has(query, "chunked=1");
    return route;
  }
  if (path.starts_with("/status/")) return numbered(RouteKind::status, path, "/status/", 200, 599);
  if (path.starts_with("/slow/")) return numbered(RouteKind::slow, path, "/slow/", 0, kMaxSlowMs);
  if (path.starts_with("/stray/"))
    return numbered(RouteKind::stray, path, "/stray/", 0, kMaxSlowMs);
  if (path == "/headers") return Route{RouteKind::headers};
  if (path == "/etag") return Route{RouteKind::etag};
  if (path == "/close") return Route{RouteKind::close};
  if (path == "/conn-id") return Route{RouteKind::conn_id};
  if (path == "/ws") return Route{RouteKind::websocket};
  return Route{RouteKind::not_found};
}

}  // namespace

Route route_request(std::string_view method, std::string_view target) {
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  const bool is_get = method == "GET" || method == "HEAD";
  const bool is_upload = method == "POST" || method == "PUT";
  if (path == "/echo" || path == "/sink") {
    if (!is_upload) return Route{RouteKind::bad_method};
    return Route{path == "/echo" ? RouteKind::echo : RouteKind::sink};
  }
  const Route route = route_get(path, query);
  if (route.kind != RouteKind::not_found && !is_get) return Route{RouteKind::bad_method};
  return route;
}

}  // namespace edugate::itest
