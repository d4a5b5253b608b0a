// One hostile device must not lock the whole school out: it cannot hold more than
// limits.max_connections_per_client connections (all workers together), and a CONNECT tunnel
// that never sends a ClientHello is closed after timeouts.client_hello. Clients are raw sockets
// bound to distinct loopback addresses (127.0.0.2 is one device, 127.0.0.3 another).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

using Clock = std::chrono::steady_clock;

/// A TCP connection from `source` (a loopback address) to `to`, kept open until destroyed.
class HeldConnection {
 public:
  HeldConnection(const char* source, const Endpoint& to) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(to.port);
    ::inet_pton(AF_INET, to.host.c_str(), &dst.sin_addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0)
      throw std::runtime_error(std::string("cannot connect from ") + source);
  }
  ~HeldConnection() { ::close(fd_); }
  HeldConnection(const HeldConnection&) = delete;
  HeldConnection& operator=(const HeldConnection&) = delete;

  void send(std::string_view bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error("send failed");
  }
  /// Reads until `until` appears, the peer closes, or `timeout` passes. Sets closed().
  std::string read(std::string_view until, milliseconds timeout) {
    std::string out;
    const auto end = Clock::now() + timeout;
    while (until.empty() || out.find(until) == std::string::npos) {
      const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

std::string connect_to(const TestOrigin& origin) {
  const auto a = origin.endpoint().authority();
  return "CONNECT " + a + " HTTP/1.1\r\nHost: " + a + "\r\n\r\n";
}

TEST(Lockout, OneDeviceCannotHoldEveryConnection) {
  TestOrigin origin;
  EdugateProcess edugate{
      test_config("connect_ports: [" + std::to_string(origin.port()) +
                  "]\n"
                  "limits: {max_connections: 50, max_connections_per_client: 10}\n"
                  "timeouts: {client_hello: 60s}\n")};
  // The hostile device opens empty tunnels until it is refused.
  std::vector<std::unique_ptr<HeldConnection>> held;
  for (int i = 0; i < 10; ++i) {
    held.push_back(std::make_unique<HeldConnection>("127.0.0.2", edugate.proxy()));
    held.back()->send(connect_to(origin));
    const auto answer = held.back()->read("\r\n\r\n", milliseconds(5000));
    ASSERT_TRUE(answer.starts_with("HTTP/1.1 200")) << i << ": " << answer;
  }
  HeldConnection eleventh("127.0.0.2", edugate.proxy());
  eleventh.send(connect_to(origin));
  EXPECT_EQ(eleventh.read("\r\n\r\n", milliseconds(3000)), "");
  EXPECT_TRUE(eleventh.closed());
  EXPECT_EQ(metric(edugate, "edugate_connections_refused_client_limit_total"), 1);
  // Every other device still browses.
  const auto other = via(edugate, {"--interface", "127.0.0.3", origin.url("/bytes/3")});
  EXPECT_EQ(other.status, 200) << other.run.err;
  // The device gets its slots back as its connections close.
  held.pop_back();
  std::this_thread::sleep_for(milliseconds(300));
  const auto again = via(edugate, {"--interface", "127.0.0.2", origin.url("/bytes/3")});
  EXPECT_EQ(again.status, 200) << again.run.err;
}

// A guard more than a reproduction: before the per-client cap, the stream's deadline already
// closed such a tunnel at timeouts.client_hello (this passes on that code too); the session now
// says so itself instead of relying on it.
TEST(Lockout, ATunnelThatNeverSaysHelloIsClosedAfterTheDeadline) {
  TestOrigin origin;
  EdugateProcess edugate{test_config("connect_ports: [" + std::to_string(origin.port()) +
                                     "]\n"
                                     "timeouts: {client_hello: 1s}\n")};
  HeldConnection silent("127.0.0.2", edugate.proxy());
  silent.send(connect_to(origin));
  ASSERT_TRUE(silent.read("\r\n\r\n", milliseconds(5000)).starts_with("HTTP/1.1 200"));
  const auto start = Clock::now();
  EXPECT_EQ(silent.read({}, milliseconds(8000)), "");
  EXPECT_TRUE(silent.closed());
  EXPECT_LT(Clock::now() - start, milliseconds(4000));
  EXPECT_EQ(metric(edugate, "edugate_client_hello_timeout_total"), 1);
}

}  // namespace
}  // namespace edugate::itest
