#include "proxy/net/upstream_pool.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

namespace edugate::proxy::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

/// A connected loopback pair: `client` goes into the pool, `server` plays the origin.
struct Pair {
  explicit Pair(asio::io_context& io) : server(io) {
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    conn = std::make_unique<UpstreamConnection>(boost::beast::tcp_stream(std::move(client)),
                                                "origin:80");
  }
  tcp::socket server;
  std::unique_ptr<UpstreamConnection> conn;
};

TEST(UpstreamPool, ReturnsAnIdleConnectionForTheSameKeyOnly) {
  asio::io_context io;
  UpstreamPool pool(4, 16, std::chrono::seconds(30));
  Pair p(io);
  const auto now = Clock::now();
  pool.give_back(std::move(p.conn), now);
  EXPECT_EQ(pool.idle_count(), 1u);
  EXPECT_EQ(pool.take("other:80", now), nullptr);
  auto again = pool.take("origin:80", now);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->reused);
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST(UpstreamPool, DropsConnectionsTheOriginClosed) {
  asio::io_context io;
  UpstreamPool pool(4, 16, std::chrono::seconds(30));
  Pair p(io);
  pool.give_back(std::move(p.conn), Clock::now());
  p.server.close();
  usleep(20'000);  // let the FIN arrive on loopback
  EXPECT_EQ(pool.take("origin:80", Clock::now()), nullptr);
}

TEST(UpstreamPool, DropsConnectionsWithStrayBytes) {
  asio::io_context io;
  UpstreamPool pool(4, 16, std::chrono::seconds(30));
  Pair p(io);
  pool.give_back(std::move(p.conn), Clock::now());
  asio::write(p.server, asio::buffer("HTTP/1.1 200 OK\r\n", 17));
  usleep(20'000);
  EXPECT_EQ(pool.take("origin:80", Clock::now()), nullptr);
}

TEST(UpstreamPool, ExpiresIdleConnectionsAndHonoursLimits) {
  asio::io_context io;
  UpstreamPool pool(2, 3, std::chrono::seconds(30));
  std::vector<Pair> pairs;
  for (int i = 0; i < 4; ++i) pairs.emplace_back(io);
  const auto t0 = Clock::now();
  for (auto& p : pairs) pool.give_back(std::move(p.conn), t0);
  EXPECT_EQ(pool.idle_count(), 2u);  // per-host cap
  pool.sweep(t0 + std::chrono::seconds(29));
  EXPECT_EQ(pool.idle_count(), 2u);
  pool.sweep(t0 + std::chrono::seconds(31));
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_EQ(pool.take("origin:80", t0 + std::chrono::seconds(31)), nullptr);
}

}  // namespace
}  // namespace edugate::proxy::net
