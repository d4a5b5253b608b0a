// The forward proxy for plain HTTP, driven by real curl through the real binary to a local origin.

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/harness/websocket_client.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

class ProxyHttp : public ::testing::Test {
 protected:
  TestOrigin origin;
  EdugateProcess edugate{test_config()};
};

TEST_F(ProxyHttp, GetPassesTheBodyAndAddsVia) {
  const auto r = via(edugate, {origin.url("/bytes/1024")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.body, pattern_string(1024));
  EXPECT_EQ(r.header("Content-Length"), "1024");
  EXPECT_EQ(r.header("Via"), "1.1 edugate");
}

TEST_F(ProxyHttp, HopByHopHeadersAreRemovedAndNoForwardedFor) {
  const auto r =
      via(edugate, {"-H", "Connection: keep-alive, X-Hop", "-H", "X-Hop: secret", "-H",
                    "Proxy-Authorization: Basic dTpw", "-H", "TE: trailers", "-H",
                    "X-Forwarded-For: 10.9.8.7", "-H", "X-End: kept", origin.url("/headers")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  for (const char* gone :
       {"\"x-hop\"", "\"proxy-authorization\"", "\"te\"", "\"connection\"", "\"proxy-connection\"",
        "\"x-forwarded-for\"", "\"forwarded\"", "10.9.8.7", "127.0.0.1\""})
    EXPECT_EQ(r.body.find(gone), std::string::npos) << gone << " in " << r.body;
  EXPECT_NE(r.body.find("\"x-end\":\"kept\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"via\":\"1.1 edugate\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"host\":\"" + origin.endpoint().authority() + "\""), std::string::npos);
}

TEST_F(ProxyHttp, PostAndChunkedBodiesBothWays) {
  TempDir dir;
  std::string body(3 << 20, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7919 % 251);
  const auto file = dir.write("upload.bin", body);
  const std::string at = "@" + file.string();
  auto r = via(edugate, {"--data-binary", at, origin.url("/echo")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Content-Length"), std::to_string(body.size()));
  EXPECT_TRUE(r.body == body);
  r = via(edugate, {"-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", at,
                    origin.url("/echo")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");  // chunked upload, chunked answer
  EXPECT_TRUE(r.body == body);
  r = via(edugate, {origin.url("/bytes/1048577?chunked=1")});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(r.body, pattern_string(1048577));
}

TEST_F(ProxyHttp, ExpectContinueWorks) {
  const auto r = via(edugate, {"-H", "Expect: 100-continue", "--expect100-timeout", "10",
                               "--data-binary", "small body", origin.url("/echo")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_TRUE(r.run.out.starts_with("HTTP/1.1 100 Continue\r\n")) << r.run.out;
  EXPECT_EQ(r.body, "small body");
}

TEST_F(ProxyHttp, KeepAliveBothSidesReusesOneUpstreamConnection) {
  const auto r = curl({"-x", edugate.proxy().url(), "-w", " %{num_connects}\\n",
                       origin.url("/conn-id"), origin.url("/conn-id"), origin.url("/conn-id")});
  const auto w = words(r.out);
  ASSERT_EQ(w.size(), 6u) << r.out << r.err;
  EXPECT_EQ(w[1], "1");  // the client connected once to the proxy ...
  EXPECT_EQ(w[3], "0");
  EXPECT_EQ(w[5], "0");
  EXPECT_EQ(w[0], w[2]);  // ... and the proxy reused one upstream connection
  EXPECT_EQ(w[2], w[4]);
  EXPECT_GE(metric(edugate, "edugate_upstream_reused_total"), 2);
}

// Forty clients at once to one origin, twice: the second round finds all forty upstream
// connections of the first idle in the pool. (A per-host cap below the concurrency made most
// requests open a new connection: connect, handshake and close for each.)
TEST_F(ProxyHttp, ConcurrentClientsReuseEveryPooledUpstreamConnection) {
  EdugateProcess one{test_config({}, /*workers=*/1)};  // one pool
  constexpr int kClients = 40;
  std::vector<std::string> args = {"-Z",
                                   "--parallel-immediate",
                                   "--parallel-max",
                                   std::to_string(kClients),
                                   "-x",
                                   one.proxy().url(),
                                   "-s",
                                   "-w",
                                   "%{http_code}\\n"};
  for (int i = 0; i < kClients; ++i)
    args.insert(args.end(), {"-o", "/dev/null", origin.url("/slow/300")});
  for (int round = 0; round < 2; ++round) {
    const auto r = curl(args, milliseconds(30000));
    const auto codes = words(r.out);
    ASSERT_EQ(codes.size(), static_cast<std::size_t>(kClients)) << r.out << r.err;
    for (const auto& code : codes) EXPECT_EQ(code, "200");
  }
  const auto connects = metric(one, "edugate_upstream_connects_total");
  EXPECT_LE(connects, kClients) << "the second round opened new upstream connections";
  EXPECT_EQ(connects + metric(one, "edugate_upstream_reused_total"), 2 * kClients);
}

TEST_F(ProxyHttp, HeadAnd304HaveNoBody) {
  auto r = via(edugate, {"-I", origin.url("/bytes/5000")});
  EXPECT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Content-Length"), "5000");
  EXPECT_EQ(r.body, "");
  r = via(edugate, {"-H", "If-None-Match: \"v1\"", origin.url("/etag")});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  r = via(edugate, {origin.url("/status/204")});
  EXPECT_EQ(r.status, 204);
  // The connection is still in step afterwards: a HEAD then a GET on one connection.
  const auto two =
      curl({"-x", edugate.proxy().url(), "-s", "-o", "/dev/null", "-w", "%{http_code} ", "-I",
            origin.url("/bytes/77"), "--next", "-x", edugate.proxy().url(), "-o", "/dev/null", "-w",
            "%{http_code} %{size_download}", origin.url("/bytes/77")});
  EXPECT_EQ(words(two.out), (std::vector<std::string>{"200", "200", "77"})) << two.err;
}

TEST_F(ProxyHttp, LargeDownloadStreamsWithFlatMemory) {
  ASSERT_EQ(via(edugate, {origin.url("/bytes/1048576")}).status, 200);
  const auto rss = [&] {
    std::ifstream status("/proc/" + std::to_string(edugate.process().pid()) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return -1L;
  };
  const long before = rss();
  constexpr std::uint64_t kSize = std::uint64_t{512} << 20;
  const auto r = curl({"-x", edugate.proxy().url(), "-o", "/dev/null", "-w", "%{size_download}",
                       origin.url("/bytes/" + std::to_string(kSize))},
                      milliseconds(180000));
  EXPECT_EQ(r.out, std::to_string(kSize)) << r.err;
  const long after = rss();
  EXPECT_LT(after - before, 16 * 1024) << "RSS " << before << " KiB -> " << after << " KiB";
}

TEST_F(ProxyHttp, WebSocketUpgradePassesThrough) {
  const auto r = websocket_exchange({.connect_to = edugate.proxy(),
                                     .host = origin.endpoint().authority(),
                                     .target = origin.url("/ws"),
                                     .messages = {"xin chào", std::string(200000, 'x')},
                                     .timeout = milliseconds(10000)});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.replies, (std::vector<std::string>{"xin chào", std::string(200000, 'x')}));
  EXPECT_EQ(metric(edugate, "edugate_websocket_upgrades_total"), 1);
}

TEST_F(ProxyHttp, UpstreamRefusedIs502AndUnknownNameIs502) {
  auto r = via(edugate, {"http://127.0.0.1:1/"});
  EXPECT_EQ(r.status, 502) << r.run.err;
  EXPECT_NE(r.body.find("edugate"), std::string::npos);
  r = via(edugate, {"http://no-such-host.invalid/"});
  EXPECT_EQ(r.status, 502);
  EXPECT_NE(r.body.find("could not be found"), std::string::npos) << r.body;
  EXPECT_EQ(metric(edugate, "edugate_upstream_refused_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_upstream_dns_errors_total"), 1);
}

TEST_F(ProxyHttp, SlowUpstreamResponseIs504) {
  EdugateProcess fast{test_config("timeouts: {upstream_response: 300ms}\n")};
  const auto r = via(fast, {origin.url("/slow/3000")});
  EXPECT_EQ(r.status, 504) << r.run.err;
  EXPECT_EQ(metric(fast, "edugate_upstream_response_timeouts_total"), 1);
}

TEST_F(ProxyHttp, OriginFormOnTheProxyPortIsExplained) {
  const auto r = curl_http({edugate.proxy().url() + "/something"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("configure it as your HTTP proxy"), std::string::npos) << r.body;
  const auto pac = curl_http({edugate.proxy().url() + "/proxy.pac"});
  EXPECT_EQ(pac.status, 200);
  EXPECT_EQ(pac.header("Content-Type"), "application/x-ns-proxy-autoconfig");
  EXPECT_NE(pac.body.find("PROXY 127.0.0.1:0"), std::string::npos) << pac.body;
}

}  // namespace
}  // namespace edugate::itest
