// Requests inside an inspected tunnel: which host they are decided on, and the head checks.
#include <gtest/gtest.h>

#include "proxy/http/request_checks.hpp"
#include "proxy/inspect/inner_request.hpp"

namespace edugate::proxy::inspect {
namespace {

using http::ProxyError;

const TunnelName kTunnel{"www.example.vn", 443, "forcesafesearch.example"};

http::ForwardTarget ok(std::string_view target, std::optional<std::string_view> host) {
  auto r = inner_target(target, host, kTunnel);
  EXPECT_TRUE(std::holds_alternative<http::ForwardTarget>(r));
  return std::holds_alternative<http::ForwardTarget>(r) ? std::get<http::ForwardTarget>(r)
                                                        : http::ForwardTarget{};
}

ProxyError error(std::string_view target, std::optional<std::string_view> host) {
  auto r = inner_target(target, host, kTunnel);
  EXPECT_TRUE(std::holds_alternative<ProxyError>(r));
  return std::holds_alternative<ProxyError>(r) ? std::get<ProxyError>(r) : ProxyError{};
}

TEST(InnerTarget, HostHeaderNamesTheHostAndGoesUpstreamAsSent) {
  const auto t = ok("/search?q=co+bac", "www.example.vn:443");
  EXPECT_EQ(t.host, "www.example.vn");
  EXPECT_EQ(t.port, 443);
  EXPECT_EQ(t.origin_form, "/search?q=co+bac");
  EXPECT_EQ(t.authority, "www.example.vn:443");
  EXPECT_EQ(t.connect_host, "forcesafesearch.example");  // always the tunnel's origin
  EXPECT_EQ(ok("/", "[2001:db8::1]:8443").host, "2001:db8::1");
  EXPECT_EQ(ok("/", "[2001:db8::1]").host, "2001:db8::1");
  EXPECT_EQ(ok("/", "Other.Example").host, "Other.Example");  // the gate normalises it
}

TEST(InnerTarget, WithoutHostTheTunnelNameIsUsed) {
  const auto t = ok("/x", std::nullopt);
  EXPECT_EQ(t.host, "www.example.vn");
  EXPECT_EQ(t.authority, "www.example.vn");
}

TEST(InnerTarget, OnlyOriginFormAndPlainHostsAreAccepted) {
  EXPECT_EQ(error("https://www.example.vn/", "www.example.vn"), ProxyError::bad_request);
  EXPECT_EQ(error("*", "www.example.vn"), ProxyError::bad_request);
  EXPECT_EQ(error("", "www.example.vn"), ProxyError::bad_request);
  for (const char* bad : {"", "user@host", "host/path", "host:99999", "host:x",
                          "host:", "2001:db8::1", "[2001:db8::1", "[::1]x", "a b"})
    EXPECT_EQ(error("/", std::string_view(bad)), ProxyError::bad_request) << bad;
}

/// http::check_request_head() on `head` with max_url 100, max_header 1000 and 10 fields.
std::optional<ProxyError> check(const std::string& head) {
  http::RequestParser p;
  p.eager(false);
  boost::beast::error_code ec;
  p.put(boost::asio::buffer(head.data(), head.size()), ec);
  EXPECT_TRUE(p.is_header_done()) << ec.message();
  return http::check_request_head(p, {100, 1000, 10}, "edugate");
}

TEST(CheckRequestHead, InsideATunnelAppliesThePlainPathLimits) {
  EXPECT_EQ(check("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), std::nullopt);
  EXPECT_EQ(check("GET /" + std::string(200, 'x') + " HTTP/1.1\r\nHost: a\r\n\r\n"),
            ProxyError::uri_too_long);
  EXPECT_EQ(check("GET / HTTP/1.1\r\nX: " + std::string(2000, 'y') + "\r\n\r\n"),
            ProxyError::header_too_large);
  EXPECT_EQ(check("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            ProxyError::bad_request);
  EXPECT_EQ(check("GET / HTTP/1.1\r\nVia: 1.1 edugate\r\n\r\n"), ProxyError::loop_detected);
  std::string fields;
  for (int i = 0; i < 10; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(check("GET / HTTP/1.1\r\n" + fields + "\r\n"), std::nullopt);
  EXPECT_EQ(check("GET / HTTP/1.1\r\n" + fields + "X-10: v\r\n\r\n"), ProxyError::header_too_large);
}

}  // namespace
}  // namespace edugate::proxy::inspect
