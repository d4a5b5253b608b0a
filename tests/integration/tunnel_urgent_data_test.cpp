// TCP urgent data inside a CONNECT tunnel. splice(2) stops at the urgent mark and keeps
// returning EAGAIN; a relay that only splices stalls there and never passes on what follows
// (on the code before the fix: "hello" arrived, "world" never did). edugate copies past the mark
// instead (the urgent byte itself, obsolete out-of-band data, is dropped).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "tests/integration/harness/loopback_listener.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

/// A plain TCP listener on 127.0.0.1 that accepts one connection and collects what it receives
/// (normal data only) until `want` bytes arrived or 10 s passed.
class CollectingOrigin {
 public:
  std::uint16_t port() const { return listener_.port(); }

  std::future<std::string> collect(std::size_t want) {
    return std::async(std::launch::async, [this, want] {
      const int conn = ::accept(listener_.fd(), nullptr, nullptr);
      if (conn < 0) return std::string("accept failed");
      const timeval tv{10, 0};
      ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string got;
      char buf[256];
      while (got.size() < want) {
        const auto n = ::recv(conn, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
      ::close(conn);
      return got;
    });
  }

 private:
  LoopbackListener listener_{1};
};

void send_all(int fd, const std::string& s, int flags = 0) {
  ASSERT_EQ(::send(fd, s.data(), s.size(), flags), static_cast<ssize_t>(s.size()));
}

TEST(TunnelUrgentData, BytesAfterTheUrgentMarkStillGoThrough) {
  CollectingOrigin origin;
  EdugateProcess edugate{test_config("connect_ports: [" + std::to_string(origin.port()) + "]\n")};
  auto received = origin.collect(10);

  const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in proxy{};
  proxy.sin_family = AF_INET;
  proxy.sin_port = htons(edugate.proxy().port);
  ::inet_pton(AF_INET, edugate.proxy().host.c_str(), &proxy.sin_addr);
  ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&proxy), sizeof proxy), 0);
  const timeval tv{10, 0};
  ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  send_all(c,
           "CONNECT 127.0.0.1:" + std::to_string(origin.port()) + " HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head(64, '\0');
  const auto n = ::recv(c, head.data(), head.size(), 0);
  ASSERT_GT(n, 0);
  head.resize(static_cast<std::size_t>(n));
  ASSERT_TRUE(head.starts_with("HTTP/1.1 200")) << head;

  send_all(c, "hello");  // not a ClientHello: relayed as it is
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the relay is running now
  send_all(c, "!", MSG_OOB);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  send_all(c, "world");

  ASSERT_EQ(received.wait_for(std::chrono::seconds(15)), std::future_status::ready);
  EXPECT_EQ(received.get(), "helloworld");
  ::close(c);
  EXPECT_GE(metric(edugate, "edugate_connect_requests_total"), 1);  // the CONNECT was counted
}

}  // namespace
}  // namespace edugate::itest
