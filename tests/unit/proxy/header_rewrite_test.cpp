#include "proxy/http/header_rewrite.hpp"

#include <gtest/gtest.h>

namespace edugate::proxy::http {
namespace {

using F = bhttp::field;

TEST(HeaderRewrite, RemovesHopByHopAndWhatConnectionNames) {
  bhttp::fields f;
  f.set(F::connection, "keep-alive, X-Secret-Hop, close");
  f.set("X-Secret-Hop", "1");
  f.set(F::keep_alive, "timeout=5");
  f.set(F::proxy_connection, "keep-alive");
  f.set(F::proxy_authorization, "Basic dXNlcjpwYXNz");
  f.set(F::te, "trailers");
  f.set(F::trailer, "Expires");
  f.set(F::upgrade, "h2c");
  f.set("X-Forwarded-For", "10.1.2.3");
  f.set(F::forwarded, "for=10.1.2.3");
  f.set(F::accept, "text/html");
  f.set(F::cookie, "a=b");
  strip_hop_by_hop(f, true);
  for (auto name :
       {"Connection", "X-Secret-Hop", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE",
        "Trailer", "Upgrade", "X-Forwarded-For", "Forwarded"})
    EXPECT_EQ(f.count(name), 0u) << name;
  EXPECT_EQ(f[F::accept], "text/html");
  EXPECT_EQ(f[F::cookie], "a=b");  // end-to-end headers stay
}

TEST(HeaderRewrite, ConnectionCannotNameTheFramingAwayNorTheHost) {
  // Dropping them would send a body without its length (or chunking): request smuggling.
  bhttp::fields f;
  f.set(F::connection, "Content-Length, Transfer-Encoding, Host, X-Other");
  f.set(F::content_length, "5");
  f.set(F::transfer_encoding, "chunked");
  f.set(F::host, "example.test");
  f.set("X-Other", "1");
  strip_hop_by_hop(f, false);
  EXPECT_EQ(f[F::content_length], "5");
  EXPECT_EQ(f[F::transfer_encoding], "chunked");
  EXPECT_EQ(f[F::host], "example.test");
  EXPECT_EQ(f.count("X-Other"), 0u);
  EXPECT_EQ(f.count(F::connection), 0u);
}

TEST(HeaderRewrite, KeepsWebSocketUpgradeWhenAsked) {
  bhttp::fields f;
  f.set(F::connection, "keep-alive, Upgrade");
  f.set(F::upgrade, "websocket");
  f.set(F::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  ASSERT_TRUE(is_websocket_upgrade(f));
  strip_hop_by_hop(f, true);
  EXPECT_EQ(f[F::upgrade], "websocket");
  EXPECT_EQ(f[F::connection], "Upgrade");
  EXPECT_EQ(f[F::sec_websocket_key], "dGhlIHNhbXBsZSBub25jZQ==");

  bhttp::fields g;
  g.set(F::connection, "Upgrade");
  g.set(F::upgrade, "websocket");
  strip_hop_by_hop(g, false);
  EXPECT_EQ(g.count(F::upgrade), 0u);
  EXPECT_EQ(g.count(F::connection), 0u);
}

TEST(HeaderRewrite, UpgradeToSomethingElseIsNotWebSocket) {
  bhttp::fields f;
  f.set(F::connection, "Upgrade");
  f.set(F::upgrade, "h2c");
  EXPECT_FALSE(is_websocket_upgrade(f));
  bhttp::fields g;
  g.set(F::upgrade, "websocket");  // no Connection: upgrade
  EXPECT_FALSE(is_websocket_upgrade(g));
}

TEST(HeaderRewrite, ViaIsAppended) {
  bhttp::fields f;
  add_via(f, 11, "edugate");
  EXPECT_EQ(f[F::via], "1.1 edugate");
  add_via(f, 10, "gw2");
  EXPECT_EQ(f[F::via], "1.1 edugate, 1.0 gw2");
}

TEST(HeaderRewrite, ViaLoopDetection) {
  bhttp::fields f;
  f.set(F::via, "1.1 cache.isp (squid/5.7), 1.1 EduGate");
  EXPECT_TRUE(via_names(f, "edugate"));
  EXPECT_FALSE(via_names(f, "gw1"));
  bhttp::fields g;
  g.set(F::via, "1.1 edugate-other");
  EXPECT_FALSE(via_names(g, "edugate"));
  bhttp::fields h;
  EXPECT_FALSE(via_names(h, "edugate"));
}

}  // namespace
}  // namespace edugate::proxy::http
