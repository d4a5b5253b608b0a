// A pupil must not reach the appliance itself or anything on it through the proxy: not the admin
// listener (metrics, status page), not a local service on any port, not the cloud-metadata
// address, however the address is written (a name that resolves to 127.0.0.1, IPv4-mapped,
// NAT64, 0.0.0.0, ...). Checked on the address actually connected to, for plain HTTP and
// CONNECT. Origins here are raw listeners that count the connections they accept, so a test
// can tell "refused" from "reached and failed".

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

/// A loopback origin on `address` (127.0.0.1 by default) that answers every connection's first
/// request with "ok" and counts the connections it accepted.
class CountingOrigin {
 public:
  explicit CountingOrigin(const char* address = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, address, &addr.sin_addr);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len))
      throw std::runtime_error(std::string("cannot listen on ") + address);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) return;
        accepted_.fetch_add(1);
        const timeval tv{2, 0};
        ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[4096];
        [[maybe_unused]] const auto n = ::recv(conn, buf, sizeof buf, 0);
        static constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        [[maybe_unused]] const auto sent = ::send(conn, kOk, sizeof kOk - 1, MSG_NOSIGNAL);
        ::close(conn);
      }
    });
  }
  ~CountingOrigin() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

constexpr std::string_view kShippedDefaults = "";  // no destinations: section at all

std::string port_of(const Endpoint& e) { return std::to_string(e.port); }

// The shipped default: nothing on loopback is reachable, whatever the way of writing it.
class DefaultDestinations : public ::testing::Test {
 protected:
  CountingOrigin origin;
  EdugateProcess edugate{test_config({}, 2, kShippedDefaults)};

  std::string at(std::string_view host) const {
    return "http://" + std::string(host) + ":" + std::to_string(origin.port()) + "/";
  }
};

TEST_F(DefaultDestinations, TheAdminListenerIsNotReachableThroughTheProxy) {
  const auto admin = port_of(edugate.admin());
  for (const char* path : {"/metrics", "/", "/healthz"}) {
    const auto r = via(edugate, {"http://127.0.0.1:" + admin + path});
    EXPECT_EQ(r.status, 403) << path << r.body;
    EXPECT_NE(r.body.find("cannot be reached through the school's proxy"), std::string::npos);
    EXPECT_EQ(r.body.find("edugate_requests_total"), std::string::npos);
    const auto by_name = via(edugate, {"http://localhost:" + admin + path});
    EXPECT_EQ(by_name.status, 403) << path << by_name.body;
  }
  // The admin listener itself still answers its operator directly.
  EXPECT_EQ(curl_http({edugate.admin().url() + "/healthz"}).status, 200);
}

TEST_F(DefaultDestinations, LoopbackIsRefusedInEveryFormBeforeAnyConnect) {
  const auto before = metric(edugate, "edugate_destinations_refused_total");
  int refused = 0;
  for (const char* host :
       {"127.0.0.1", "localhost", "localhost.", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
        "[64:ff9b::7f00:1]", "[::127.0.0.1]", "0.0.0.0", "[::]", "[::1]", "[2002:7f00:1::]"}) {
    const auto r = via(edugate, {at(host)});
    EXPECT_EQ(r.status, 403) << host << ": " << r.body << r.run.err;
    refused += r.status == 403;
  }
  EXPECT_EQ(origin.accepted(), 0);
  EXPECT_EQ(metric(edugate, "edugate_destinations_refused_total") - before, refused);
}

TEST_F(DefaultDestinations, ShorthandIpv4FormsNeverReachLoopback) {
  // Forms inet_aton accepts (decimal, hex, octal, short): refused as a bad target or as a
  // forbidden destination, never connected.
  for (const char* host : {"2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "127.1"}) {
    const auto r = via(edugate, {"--path-as-is", at(host)});
    EXPECT_TRUE(r.status == 403 || r.status == 400) << host << ": " << r.status << r.body;
  }
  EXPECT_EQ(origin.accepted(), 0);
}

TEST_F(DefaultDestinations, LinkLocalAndMulticastAreRefused) {
  for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
                          "http://224.0.0.1/", "http://255.255.255.255/"}) {
    const auto r = via(edugate, {url}, milliseconds(15000));
    EXPECT_EQ(r.status, 403) << url << r.body;
  }
}

TEST_F(DefaultDestinations, ConnectToLoopbackIsRefusedWith403) {
  for (const std::string target : {"127.0.0.1:443", "localhost:443", "[::1]:443"}) {
    const auto r = raw_exchange(edugate.proxy(),
                                "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n",
                                milliseconds(5000));
    EXPECT_TRUE(r.received.starts_with("HTTP/1.1 403")) << target << ": " << r.received;
  }
}

TEST_F(DefaultDestinations, TheProxyCannotBeMadeToConnectToItself) {
  const auto r = via(edugate, {"http://127.0.0.1:" + port_of(edugate.proxy()) + "/"});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(metric(edugate, "edugate_destinations_refused_own_service_total"), 1);
}

// Tests and an intranet on the box open loopback with destinations.allow; edugate's own
// listeners stay closed whatever `allow` says, and `deny` wins over `allow`.
TEST(Destinations, AllowOpensLoopbackButNeverEdugatesOwnListeners) {
  CountingOrigin origin;
  EdugateProcess edugate{test_config()};  // allow: [127.0.0.0/8, ::1/128]
  const auto ok = via(edugate, {"http://127.0.0.1:" + std::to_string(origin.port()) + "/"});
  EXPECT_EQ(ok.status, 200) << ok.body << ok.run.err;
  EXPECT_EQ(origin.accepted(), 1);
  const auto admin = port_of(edugate.admin());
  for (const std::string host : {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"}) {
    const auto r = via(edugate, {"http://" + host + ":" + admin + "/metrics"});
    EXPECT_EQ(r.status, 403) << host << r.body;
    EXPECT_EQ(r.body.find("edugate_requests_total"), std::string::npos);
  }
  EXPECT_EQ(via(edugate, {"http://0.0.0.0:" + admin + "/metrics"}).status, 403);
  // A trailing dot after an address (Boost.URL 1.81 drops the port) is refused as malformed.
  const auto dotted = via(edugate, {"http://127.0.0.1.:" + admin + "/metrics"});
  EXPECT_EQ(dotted.status, 400) << dotted.body;
  EXPECT_EQ(dotted.body.find("edugate_requests_total"), std::string::npos);
  EXPECT_EQ(via(edugate, {"http://127.0.0.1:" + port_of(edugate.proxy()) + "/"}).status, 403);
  EXPECT_EQ(metric(edugate, "edugate_destinations_refused_own_service_total"), 5);
}

TEST(Destinations, AllowListsExactlyTheExceptionsAndDenyWins) {
  CountingOrigin on_2("127.0.0.2");
  CountingOrigin on_3("127.0.0.3");
  EdugateProcess edugate{test_config({}, 2,
                                     "destinations: {allow: [127.0.0.2/32, 127.0.0.3/32], "
                                     "deny: [127.0.0.3/32]}\n")};
  EXPECT_EQ(via(edugate, {"http://127.0.0.2:" + std::to_string(on_2.port()) + "/"}).status, 200);
  EXPECT_EQ(via(edugate, {"http://127.0.0.3:" + std::to_string(on_3.port()) + "/"}).status, 403);
  EXPECT_EQ(on_2.accepted(), 1);
  EXPECT_EQ(on_3.accepted(), 0);
  // 127.0.0.1 is still denied by default.
  EXPECT_EQ(via(edugate, {"http://127.0.0.1:" + std::to_string(on_2.port()) + "/"}).status, 403);
}

// The second wall: a request that carries edugate's own Via came through the proxy, and the
// admin listener refuses it even from loopback.
TEST(Destinations, TheAdminListenerRefusesRequestsThatCameThroughTheProxy) {
  EdugateProcess edugate{test_config()};
  const auto r = curl_http({"-H", "Via: 1.1 edugate", edugate.admin().url() + "/metrics"});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("edugate_requests_total"), std::string::npos);
  const auto other =
      curl_http({"-H", "Via: 1.1 some-other-proxy", edugate.admin().url() + "/healthz"});
  EXPECT_EQ(other.status, 200);
}

}  // namespace
}  // namespace edugate::itest
