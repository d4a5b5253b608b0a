// An origin whose response carries two framings at once (Transfer-Encoding that does not end
// in chunked, plus Content-Length): ambiguous, the shape of response splitting. edugate answers
// 502 instead of passing both headers on (RFC 9112 6.3).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "tests/integration/harness/loopback_listener.hpp"
#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

/// Answers each connection's first request with `response`, then closes; stops when destroyed.
class CannedOrigin {
 public:
  explicit CannedOrigin(std::string response) : response_(std::move(response)) {
    thread_ = std::thread([this] {
      for (;;) {
        const int conn = ::accept(listener_.fd(), nullptr, nullptr);
        if (conn < 0) return;  // the listener was shut down
        const timeval tv{5, 0};
        ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string request;
        char buf[1024];
        while (request.find("\r\n\r\n") == std::string::npos) {
          const auto n = ::recv(conn, buf, sizeof buf, 0);
          if (n <= 0) break;
          request.append(buf, static_cast<std::size_t>(n));
        }
        [[maybe_unused]] const auto sent =
            ::send(conn, response_.data(), response_.size(), MSG_NOSIGNAL);
        ::close(conn);
      }
    });
  }
  ~CannedOrigin() {
    ::shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }
  std::string url() const { return "http://localhost:" + std::to_string(listener_.port()) + "/"; }

 private:
  std::string response_;
  LoopbackListener listener_;
  std::thread thread_;
};

TEST(ResponseFraming, TransferEncodingWithContentLengthIs502) {
  CannedOrigin origin(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello");
  EdugateProcess edugate{test_config()};
  const auto r = via(edugate, {origin.url()});
  EXPECT_EQ(r.status, 502) << r.run.err << r.body;
  EXPECT_EQ(metric(edugate, "edugate_upstream_bad_response_total"), 1);
}

// A chunked message relayed by edugate ends with exactly one last-chunk. Before, when the read
// that finished the message brought only the last chunk, an empty chunk went out and then the
// last chunk again: one "0\r\n\r\n" too many on a keep-alive connection (a desync). Checked on
// the bytes the client receives.
TEST(ResponseFraming, AChunkedResponseEndsWithOneLastChunk) {
  TestOrigin origin;
  EdugateProcess edugate{test_config()};
  for (const char* size : {"1", "5000", "70000"}) {
    const auto request = "GET " + origin.url(std::string("/bytes/") + size + "?chunked=1") +
                         " HTTP/1.1\r\nHost: " + origin.endpoint().authority() +
                         "\r\nConnection: close\r\n\r\n";
    const auto r = raw_exchange(edugate.proxy(), request, milliseconds(5000));
    ASSERT_TRUE(r.peer_closed) << size;
    EXPECT_TRUE(r.received.ends_with("\r\n0\r\n\r\n")) << size;
    EXPECT_FALSE(r.received.ends_with("0\r\n\r\n0\r\n\r\n")) << size << ": two last chunks";
  }
}

TEST(ResponseFraming, OneFramingIsPassedOn) {
  CannedOrigin origin("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  EdugateProcess edugate{test_config()};
  const auto r = via(edugate, {origin.url()});
  EXPECT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.body, "hello");
}

}  // namespace
}  // namespace edugate::itest
