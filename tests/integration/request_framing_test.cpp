// What goes upstream is framed one way only: a Content-Length the client sent as a list
// ("5, 5", or twice) leaves edugate as one header with one value, so an origin that reads lists
// differently cannot frame the body differently from edugate. The origin records raw bytes.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>

#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/harness/recording_origin.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class RequestFraming : public ::testing::TestWithParam<const char*> {};

TEST_P(RequestFraming, AContentLengthListLeavesAsOneValue) {
  RecordingOrigin origin;
  EdugateProcess edugate{test_config()};
  const std::string request = "POST http://" + origin.authority() +
                              "/up HTTP/1.1\r\nHost: " + origin.authority() + "\r\n" + GetParam() +
                              "Connection: close\r\n\r\nhello";
  const auto r = raw_exchange(edugate.proxy(), request, milliseconds(5000));
  ASSERT_TRUE(r.received.starts_with("HTTP/1.1 200")) << r.received;
  const auto seen = origin.requests();
  ASSERT_EQ(seen.size(), 1u);
  const auto head = lower(seen[0]);
  EXPECT_EQ(count(head, "content-length:"), 1u) << seen[0];
  EXPECT_NE(head.find("content-length: 5\r\n"), std::string::npos) << seen[0];
  EXPECT_TRUE(seen[0].ends_with("\r\n\r\nhello")) << seen[0];
}

INSTANTIATE_TEST_SUITE_P(ListForms, RequestFraming,
                         ::testing::Values("Content-Length: 5, 5\r\n",
                                           "Content-Length: 5\r\nContent-Length: 5\r\n",
                                           "Content-Length: 5,5\r\n"));

}  // namespace
}  // namespace edugate::itest
