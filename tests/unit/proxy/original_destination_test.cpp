// Where a redirected connection was going: SO_ORIGINAL_DST on real sockets, the "is that
// edugate itself" check, and the Host-header target a transparent request is decided on.
#include "proxy/net/original_destination.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>

#include "proxy/transparent/host_target.hpp"

namespace edugate::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::make_address;
using asio::ip::tcp;

tcp::endpoint ep(const char* address, std::uint16_t port) { return {make_address(address), port}; }

ListenerConfig listener(const char* address, std::uint16_t port) {
  return {address, port, ListenerConfig::Mode::transparent, {}};
}

/// A connected pair on loopback: nothing redirected it.
struct LoopbackPair {
  explicit LoopbackPair(const char* address)
      : acceptor(io, ep(address, 0)), client(io), server(io) {
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
  asio::io_context io;
  tcp::acceptor acceptor;
  tcp::socket client;
  tcp::socket server;
};

void expect_not_redirected(const tcp::socket& accepted) {
  const auto original = net::original_destination(accepted);
  // Without conntrack there is no answer (ENOENT); with it, the untranslated destination is the
  // socket's own address. Never somewhere else.
  if (original) {
    EXPECT_EQ(*original, accepted.local_endpoint());
    EXPECT_TRUE(net::is_own_listener(*original, accepted.local_endpoint(), {}));
  } else {
    EXPECT_TRUE(original.error()) << "an error without a code";
  }
}

TEST(OriginalDestination, UnredirectedIPv4ConnectionIsNeverElsewhere) {
  LoopbackPair pair("127.0.0.1");
  expect_not_redirected(pair.server);
}

TEST(OriginalDestination, UnredirectedIPv6ConnectionIsNeverElsewhere) {
  asio::io_context io;
  boost::system::error_code ec;
  tcp::acceptor probe(io);
  probe.open(tcp::v6(), ec);
  if (!ec) probe.bind(ep("::1", 0), ec);
  if (ec) GTEST_SKIP() << "no IPv6 loopback here: " << ec.message();
  probe.close();
  LoopbackPair pair("::1");
  expect_not_redirected(pair.server);
}

TEST(OriginalDestination, SocketThatIsNotOpenIsAnError) {
  asio::io_context io;
  const tcp::socket closed(io);
  const auto original = net::original_destination(closed);
  ASSERT_FALSE(original);
  EXPECT_TRUE(original.error());
}

TEST(OwnListener, TheSocketsOwnAddressMeansNoRedirectHappened) {
  EXPECT_TRUE(net::is_own_listener(ep("10.0.0.1", 3080), ep("10.0.0.1", 3080), {}));
  EXPECT_TRUE(net::is_own_listener(ep("fd00::1", 3443), ep("fd00::1", 3443), {}));
}

TEST(OwnListener, ARedirectedDestinationIsElsewhere) {
  const std::vector<ListenerConfig> listeners{listener("0.0.0.0", 3080),
                                              listener("10.0.0.1", 3128)};
  EXPECT_FALSE(net::is_own_listener(ep("93.184.216.34", 80), ep("10.0.0.1", 3080), listeners));
  EXPECT_FALSE(net::is_own_listener(ep("2001:db8::5", 443), ep("fd00::1", 3443), listeners));
  // The gateway's own address on port 80: a web server there is a real destination.
  EXPECT_FALSE(net::is_own_listener(ep("10.0.0.1", 80), ep("10.0.0.1", 3080), listeners));
}

TEST(OwnListener, AnotherConfiguredListenerIsEdugateToo) {
  const std::vector<ListenerConfig> listeners{listener("0.0.0.0", 3080), listener("10.0.0.1", 3128),
                                              listener("::", 3443)};
  // Redirected into the forward listener: edugate again.
  EXPECT_TRUE(net::is_own_listener(ep("10.0.0.1", 3128), ep("10.0.0.1", 3080), listeners));
  // A wildcard listener's port on the address the connection arrived at.
  EXPECT_TRUE(net::is_own_listener(ep("fd00::1", 3443), ep("fd00::1", 3080), listeners));
  // The same port number on another host is not edugate.
  EXPECT_FALSE(net::is_own_listener(ep("192.0.2.7", 3128), ep("10.0.0.1", 3080), listeners));
  EXPECT_FALSE(net::is_own_listener(ep("192.0.2.7", 3080), ep("10.0.0.1", 3443), listeners));
}

using transparent::host_target;
using transparent::HostRequest;

http::ForwardTarget ok(const HostRequest& r, tcp::endpoint to = ep("192.0.2.10", 80)) {
  auto t = host_target(r, to);
  EXPECT_TRUE(std::holds_alternative<http::ForwardTarget>(t)) << r.target;
  if (auto* f = std::get_if<http::ForwardTarget>(&t)) return *f;
  return {};
}

bool bad(const HostRequest& r) {
  auto t = host_target(r, ep("192.0.2.10", 80));
  auto* e = std::get_if<http::ProxyError>(&t);
  return e && *e == http::ProxyError::bad_request;
}

TEST(HostTarget, OriginFormIsDecidedOnTheHostHeader) {
  auto t = ok({"/a/b?x=1", "Example.COM.", 11});
  EXPECT_EQ(t.host, "example.com");
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(t.origin_form, "/a/b?x=1");
  EXPECT_EQ(t.authority, "example.com");
  t = ok({"/", "example.com:8080", 11});
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.authority, "example.com:8080");
  EXPECT_EQ(ok({"/", "[2001:DB8::1]", 11}).host, "2001:db8::1");
  EXPECT_EQ(ok({"//double/slash", "example.com", 11}).origin_form, "//double/slash");
}

TEST(HostTarget, AbsoluteFormWinsOverHost) {
  const auto t = ok({"http://other.example/p", "example.com", 11});
  EXPECT_EQ(t.host, "other.example");
  EXPECT_EQ(t.origin_form, "/p");
}

TEST(HostTarget, Http10WithoutHostIsDecidedOnTheDestinationAddress) {
  EXPECT_EQ(ok({"/p", std::nullopt, 10}).host, "192.0.2.10");
  const auto t = ok({"/p", std::nullopt, 10}, ep("2001:db8::7", 8080));
  EXPECT_EQ(t.host, "2001:db8::7");
  EXPECT_EQ(t.port, 8080);
}

TEST(HostTarget, MissingOrSmuggledHostsAreRefused) {
  EXPECT_TRUE(bad({"/", std::nullopt, 11}));  // HTTP/1.1 requires Host
  EXPECT_TRUE(bad({"/", "", 11}));
  EXPECT_TRUE(bad({"/", "user@blocked.example", 11}));  // userinfo would hide the name
  EXPECT_TRUE(bad({"/", "allowed.example/x?", 11}));    // a path inside Host
  EXPECT_TRUE(bad({"/", "allowed.example#frag", 11}));
  EXPECT_TRUE(bad({"/", "example.com:99999", 11}));
  EXPECT_TRUE(bad({"/", "exa mple.com", 11}));
  EXPECT_TRUE(bad({"*", "example.com", 11}));                // asterisk-form
  EXPECT_TRUE(bad({"example.com:443", "example.com", 11}));  // authority-form
  EXPECT_TRUE(bad({"https://example.com/", "example.com", 11}));
  EXPECT_TRUE(bad({"", "example.com", 11}));
}

}  // namespace
}  // namespace edugate::proxy
