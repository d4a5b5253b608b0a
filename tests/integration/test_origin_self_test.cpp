// The test origin, driven directly with curl (no proxy), so that a failing proxy test can trust
// what the origin does. Every endpoint the proxy tests rely on is checked here.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "tests/integration/harness/curl.hpp"
#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/harness/temp_dir.hpp"
#include "tests/integration/harness/test_origin_process.hpp"
#include "tests/integration/harness/test_pki.hpp"
#include "tests/integration/harness/websocket_client.hpp"
#include "tests/integration/origin/pattern.hpp"

namespace edugate::itest {
namespace {

using std::chrono::steady_clock;

/// Bytes that are not the /bytes pattern, so an echo cannot pass by accident.
std::string noise(std::size_t size) {
  std::string s(size, '\0');
  std::uint32_t x = 2463534242u;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < size; ++i) (hex += kHex[digest[i] >> 4]) += kHex[digest[i] & 0xf];
  return hex;
}

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

/// curl's "@path" argument (built with +=: GCC 12 warns falsely on "@" + std::string).
std::string at_file(const std::filesystem::path& path) {
  std::string arg = "@";
  arg += path.string();
  return arg;
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(TestOrigin, BytesHasContentLengthAndThePattern) {
  TestOrigin origin;
  const HttpReply r = curl_http({origin.url("/bytes/1024")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Content-Length"), "1024");
  EXPECT_EQ(r.body, pattern_string(1024));
  EXPECT_EQ(r.header("X-Origin-Target"), "/bytes/1024");
  EXPECT_EQ(curl_http({origin.url("/bytes/0")}).body, "");
}

TEST(TestOrigin, BytesCanBeChunked) {
  TestOrigin origin;
  const HttpReply r = curl_http({origin.url("/bytes/1048577?chunked=1")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(r.header("Content-Length"));
  EXPECT_EQ(r.body, pattern_string(1048577));
}

TEST(TestOrigin, HeadHasHeadersOnly) {
  TestOrigin origin;
  HttpReply r = curl_http({"-I", origin.url("/bytes/5000")});
  EXPECT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Content-Length"), "5000");
  EXPECT_EQ(r.body, "");
  r = curl_http({"-I", origin.url("/headers")});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("Content-Length"), "0");
  EXPECT_EQ(r.body, "");
}

TEST(TestOrigin, EtagRevalidatesTo304) {
  TestOrigin origin;
  HttpReply r = curl_http({origin.url("/etag")});
  EXPECT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("ETag"), "\"v1\"");
  EXPECT_EQ(r.body, "etag v1\n");
  r = curl_http({"-H", "If-None-Match: \"v1\"", origin.url("/etag")});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.header("ETag"), "\"v1\"");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(curl_http({"-H", "If-None-Match: \"v0\"", origin.url("/etag")}).status, 200);
}

TEST(TestOrigin, StatusAndErrors) {
  TestOrigin origin;
  HttpReply r = curl_http({origin.url("/status/418")});
  EXPECT_EQ(r.status, 418) << r.run.err;
  EXPECT_EQ(r.body, "status 418\n");
  r = curl_http({origin.url("/status/204")});
  EXPECT_EQ(r.status, 204);
  EXPECT_FALSE(r.header("Content-Length"));
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(curl_http({origin.url("/status/99")}).status, 400);
  EXPECT_EQ(curl_http({origin.url("/nowhere")}).status, 404);
  EXPECT_EQ(curl_http({"-X", "POST", origin.url("/bytes/1")}).status, 405);
  EXPECT_EQ(curl_http({origin.url("/echo")}).status, 405);
}

TEST(TestOrigin, HeadersComeBackAsJson) {
  TestOrigin origin;
  const HttpReply r = curl_http({"-H", "X-Test: one", "-H", "X-Test: two", "-H",
                                 "Quote: say \"hi\"", origin.url("/headers")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_NE(r.body.find(R"("x-test":"one, two")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("quote":"say \"hi\"")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"host\":\"" + origin.endpoint().authority() + "\""), std::string::npos);
}

TEST(TestOrigin, EchoStreamsTheBodyBack) {
  TestOrigin origin;
  TempDir dir;
  const std::string body = noise(3 << 20);
  const auto file = dir.write("upload.bin", body);
  HttpReply r = curl_http({"--data-binary", at_file(file), origin.url("/echo")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Content-Length"), std::to_string(body.size()));
  EXPECT_TRUE(r.body == body);
  r = curl_http({"-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", at_file(file),
                 origin.url("/echo")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_TRUE(r.body == body);
}

TEST(TestOrigin, ExpectContinueIsHonoured) {
  TestOrigin origin;
  const HttpReply r = curl_http({"-H", "Expect: 100-continue", "--expect100-timeout", "10",
                                 "--data-binary", "small body", origin.url("/echo")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_TRUE(r.run.out.starts_with("HTTP/1.1 100 Continue\r\n")) << r.run.out;
  EXPECT_EQ(r.body, "small body");
}

TEST(TestOrigin, SinkReportsLengthAndSha256) {
  TestOrigin origin;
  TempDir dir;
  const std::string body = noise(5 << 20);
  const auto file = dir.write("upload.bin", body);
  const HttpReply r = curl_http({"-T", file.string(), origin.url("/sink")});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("X-Body-Length"), std::to_string(body.size()));
  EXPECT_EQ(r.header("X-Body-Sha256"), sha256_hex(body));
}

TEST(TestOrigin, ConnIdShowsConnectionReuse) {
  TestOrigin origin;
  const CommandResult both =
      curl({"-w", " ", origin.url("/conn-id"), origin.url("/conn-id")});  // one curl, keep-alive
  const auto ids = words(both.out);
  ASSERT_EQ(ids.size(), 2u) << both.out << both.err;
  EXPECT_EQ(ids[0], ids[1]);
  const CommandResult again = curl({origin.url("/conn-id")});
  EXPECT_NE(again.out, ids[0]);
}

TEST(TestOrigin, CloseEndsTheConnection) {
  TestOrigin origin;
  const HttpReply r = curl_http({origin.url("/close")});
  EXPECT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.header("Connection"), "close");
  const CommandResult two = curl({"-w", " %{num_connects}", "-o", "/dev/null", origin.url("/close"),
                                  "-o", "/dev/null", origin.url("/conn-id")});
  EXPECT_EQ(words(two.out), (std::vector<std::string>{"1", "1"})) << two.out;
}

TEST(TestOrigin, SlowWaitsBeforeAnswering) {
  TestOrigin origin;
  const auto start = steady_clock::now();
  const HttpReply r = curl_http({origin.url("/slow/300")});
  EXPECT_EQ(r.status, 200) << r.run.err;
  EXPECT_GE(steady_clock::now() - start, milliseconds(300));
}

TEST(TestOrigin, WebSocketEcho) {
  TestOrigin origin;
  const WebSocketResult r = websocket_exchange({.connect_to = origin.endpoint(),
                                                .host = origin.endpoint().authority(),
                                                .target = "/ws",
                                                .messages = {"hello", std::string(100000, 'x')},
                                                .timeout = milliseconds(10000)});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.replies, (std::vector<std::string>{"hello", std::string(100000, 'x')}));
  EXPECT_EQ(curl_http({origin.url("/ws")}).status, 426);  // no upgrade asked for
}

TEST(TestOrigin, TlsWithTheTestCa) {
  TempDir dir;
  const TestPki pki = make_test_pki(dir.path());
  TestOrigin origin(pki);
  EXPECT_TRUE(origin.url("/").starts_with("https://127.0.0.1:"));
  const std::string port = std::to_string(origin.port());
  HttpReply r =
      curl_http({"--cacert", pki.ca_cert.string(), "https://localhost:" + port + "/bytes/2048"});
  ASSERT_EQ(r.status, 200) << r.run.err;
  EXPECT_EQ(r.body, pattern_string(2048));
  r = curl_http({"--cacert", pki.ca_cert.string(), origin.url("/conn-id")});
  EXPECT_EQ(r.status, 200) << r.run.err;
  // Without the CA, verification fails: the origin is not trusted by accident.
  EXPECT_NE(curl({origin.url("/bytes/1")}).exit_code, 0);
}

TEST(TestOrigin, LargeDownloadKeepsMemoryFlat) {
  TestOrigin origin;
  // Growth, not absolute size: a sanitizer build starts at ~100 MiB of shadow memory.
  ASSERT_EQ(curl({"-o", "/dev/null", origin.url("/bytes/1048576")}).exit_code, 0);
  const long before = rss_kib(origin.process().pid());
  constexpr std::uint64_t kSize = std::uint64_t{256} << 20;
  const CommandResult r = curl(
      {"-o", "/dev/null", "-w", "%{size_download}", origin.url("/bytes/" + std::to_string(kSize))},
      milliseconds(120000));
  EXPECT_EQ(r.out, std::to_string(kSize)) << r.err;
  const long after = rss_kib(origin.process().pid());
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 16 * 1024) << "RSS " << before << " KiB -> " << after << " KiB";
}

TEST(TestOrigin, RawBytesGetRawAnswers) {
  TestOrigin origin;
  RawResult r = raw_exchange(origin.endpoint(),
                             "GET /conn-id HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                             milliseconds(5000));
  EXPECT_TRUE(r.connected);
  EXPECT_TRUE(r.received.starts_with("HTTP/1.1 200 OK\r\n")) << r.received;
  EXPECT_TRUE(r.peer_closed);
  r = raw_exchange(origin.endpoint(), "NOT HTTP AT ALL\r\n\r\n", milliseconds(5000));
  EXPECT_TRUE(r.peer_closed);
  EXPECT_EQ(r.received, "");
  r = raw_exchange(origin.endpoint(), "GET /conn-id HTTP/1.1\r\n", milliseconds(200));
  EXPECT_TRUE(r.timed_out);  // an unfinished head: the origin waits, the client gives up
}

}  // namespace
}  // namespace edugate::itest
