// CONNECT tunnels: TLS end to end through edugate, allowed ports only, ClientHello read.

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/harness/test_pki.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

class ProxyConnect : public ::testing::Test {
 protected:
  TempDir dir;
  TestPki pki = make_test_pki(dir.path());
  TestOrigin origin{pki};
  EdugateProcess edugate{test_config("connect_ports: [" + std::to_string(origin.port()) + "]\n")};

  std::string https(std::string_view path) const {
    return "https://localhost:" + std::to_string(origin.port()) + std::string(path);
  }
};

TEST_F(ProxyConnect, TlsGoesThroughTheTunnelUntouched) {
  const auto r = via(edugate, {"--cacert", pki.ca_cert.string(), https("/bytes/100000")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.body, pattern_string(100000));
  // The origin's own certificate reached the client: verification against the test CA passed.
  EXPECT_EQ(metric(edugate, "edugate_client_hello_sni_found_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_connect_requests_total"), 1);
}

TEST_F(ProxyConnect, LargeDownloadAndUploadThroughTheTunnel) {
  const std::string body(8 << 20, 'u');
  const auto file = dir.write("up.bin", body);
  auto r = via(edugate, {"--cacert", pki.ca_cert.string(), "-T", file.string(), https("/sink")},
               milliseconds(60000));
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("X-Body-Length"), std::to_string(body.size()));
  const auto big = curl({"-x", edugate.proxy().url(), "--cacert", pki.ca_cert.string(), "-o",
                         "/dev/null", "-w", "%{size_download}", https("/bytes/268435456")},
                        milliseconds(120000));
  EXPECT_EQ(big.out, "268435456") << big.err;
}

TEST_F(ProxyConnect, ForbiddenPortIs403) {
  const auto r = curl_http({"-x", edugate.proxy().url(), "-p", "https://localhost:8443/"});
  EXPECT_EQ(r.status, 403) << r.run.out << r.run.err;
  EXPECT_EQ(metric(edugate, "edugate_connect_port_refused_total"), 1);
  // 443 is not in this test's connect_ports either.
  const auto raw = raw_exchange(edugate.proxy(),
                                "CONNECT example.org:443 HTTP/1.1\r\n"
                                "Host: example.org:443\r\n\r\n",
                                milliseconds(5000));
  EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 403")) << raw.received;
}

TEST_F(ProxyConnect, UnreachableUpstreamIs502) {
  EdugateProcess closed{test_config("connect_ports: [1]\n")};
  const auto raw = raw_exchange(closed.proxy(), "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n",
                                milliseconds(5000));
  EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 502")) << raw.received;
}

TEST_F(ProxyConnect, NonTlsBytesAreRelayedAndCounted) {
  // A plain HTTP request inside a CONNECT tunnel to a TLS port: not a ClientHello, passed on as
  // is (the origin answers its TLS alert or closes), counted, never crashed on.
  const auto raw = raw_exchange(edugate.proxy(),
                                "CONNECT localhost:" + std::to_string(origin.port()) +
                                    " HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
                                milliseconds(5000));
  EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 200 Connection established\r\n\r\n"))
      << raw.received;
  EXPECT_EQ(metric(edugate, "edugate_client_hello_not_tls_total"), 1);
}

}  // namespace
}  // namespace edugate::itest
