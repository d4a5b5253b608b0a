#include "proxy/net/upstream_pool.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <vector>

namespace edugate::proxy::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

/// A connected loopback pair: `client` goes into the pool, `server` plays the origin.
struct Pair {
  explicit Pair(asio::io_context& io, std::string key = "origin:80") : server(io) {
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    conn = std::make_unique<UpstreamConnection>(boost::beast::tcp_stream(std::move(client)),
                                                std::move(key));
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
  std::atomic<std::uint64_t> unclean{0};
  UpstreamPool pool(4, 16, std::chrono::seconds(30), &unclean);
  Pair p(io);
  pool.give_back(std::move(p.conn), Clock::now());
  asio::write(p.server, asio::buffer("HTTP/1.1 200 OK\r\n", 17));
  usleep(20'000);
  EXPECT_EQ(pool.take("origin:80", Clock::now()), nullptr);
  EXPECT_EQ(unclean.load(), 1u);
  EXPECT_EQ(pool.idle_count(), 0u);
}

// The parser read a response and the first bytes of an unrequested second one into the
// connection's buffer: it must not go back into the pool.
TEST(UpstreamPool, RefusesAConnectionWithBytesInItsBuffer) {
  asio::io_context io;
  std::atomic<std::uint64_t> unclean{0};
  UpstreamPool pool(4, 16, std::chrono::seconds(30), &unclean);
  Pair p(io);
  const std::string stray = "HTTP/1.1 200 OK\r\n";
  asio::buffer_copy(p.conn->buffer.prepare(stray.size()), asio::buffer(stray));
  p.conn->buffer.commit(stray.size());
  EXPECT_FALSE(pool.give_back(std::move(p.conn), Clock::now()));
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_EQ(unclean.load(), 1u);
}

TEST(UpstreamPool, KeepsAndHandsOutACleanConnection) {
  asio::io_context io;
  std::atomic<std::uint64_t> unclean{0};
  UpstreamPool pool(4, 16, std::chrono::seconds(30), &unclean);
  Pair p(io);
  EXPECT_TRUE(pool.give_back(std::move(p.conn), Clock::now()));
  EXPECT_NE(pool.take("origin:80", Clock::now()), nullptr);
  EXPECT_EQ(unclean.load(), 0u);
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

TEST(UpstreamPool, OverTheTotalTheConnectionIdleLongestGoesWhateverItsKey) {
  asio::io_context io;
  UpstreamPool pool(4, 3, std::chrono::seconds(30));
  std::vector<Pair> pairs;
  for (const char* key : {"a:80", "b:80", "a:80", "c:80"}) pairs.emplace_back(io, key);
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < pairs.size(); ++i)
    pool.give_back(std::move(pairs[i].conn), t0 + std::chrono::seconds(i));
  EXPECT_EQ(pool.idle_count(), 3u);
  const auto later = t0 + std::chrono::seconds(5);
  // The first a:80 (given back at t0) went; the second a:80 (t0 + 2 s) is still there.
  auto a = pool.take("a:80", later);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->idle_since, t0 + std::chrono::seconds(2));
  EXPECT_EQ(pool.take("a:80", later), nullptr);
  EXPECT_NE(pool.take("b:80", later), nullptr);
  EXPECT_NE(pool.take("c:80", later), nullptr);
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST(UpstreamPool, SweepDropsOnlyWhatIdledOutAcrossKeys) {
  asio::io_context io;
  UpstreamPool pool(4, 16, std::chrono::seconds(30));
  std::vector<Pair> pairs;
  for (const char* key : {"a:80", "b:80", "a:80"}) pairs.emplace_back(io, key);
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < pairs.size(); ++i)
    pool.give_back(std::move(pairs[i].conn), t0 + std::chrono::seconds(10 * i));
  pool.sweep(t0 + std::chrono::seconds(41));  // a:80 from t0 and b:80 from t0 + 10 s idled out
  EXPECT_EQ(pool.idle_count(), 1u);
  EXPECT_EQ(pool.take("b:80", t0 + std::chrono::seconds(41)), nullptr);
  auto a = pool.take("a:80", t0 + std::chrono::seconds(41));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->idle_since, t0 + std::chrono::seconds(20));
}

}  // namespace
}  // namespace edugate::proxy::net
