// One pupil must never receive bytes meant for another. An origin that sends a second,
// unrequested response (at once, or while the connection idles in edugate's pool) must not have
// that response handed to the next pupil whose request takes the pooled connection — and the
// responses after it must not be one off. Over plain HTTP and inspected HTTPS, with one worker so
// that every request shares one pool.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/integration/inspection_fixture.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

constexpr std::string_view kStray = "STRAY-SECRET";

bool is_number(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

class UpstreamIsolation : public ::testing::TestWithParam<int> {
 protected:
  TestOrigin origin;
  EdugateProcess edugate{test_config({}, /*workers=*/1)};
};

// GetParam(): how long after the first response the stray one comes (0 = in the same write).
TEST_P(UpstreamIsolation, AStrayResponseNeverReachesTheNextPupil) {
  const auto before = metric(edugate, "edugate_upstream_stray_bytes_total");
  const auto a = via(edugate, {origin.url("/stray/" + std::to_string(GetParam()))});
  ASSERT_EQ(a.status, 200) << a.run.err;
  EXPECT_EQ(a.body, "first\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(GetParam() + 300));
  // Other pupils (new client connections), one after another, each get their own response.
  for (int i = 0; i < 3; ++i) {
    const auto b = via(edugate, {origin.url("/conn-id")});
    EXPECT_EQ(b.status, 200) << b.run.err;
    EXPECT_TRUE(is_number(b.body)) << "pupil " << i << " got: " << b.body;
    EXPECT_EQ(b.body.find(kStray), std::string::npos);
  }
  EXPECT_EQ(metric(edugate, "edugate_upstream_stray_bytes_total") - before, 1);
}

INSTANTIATE_TEST_SUITE_P(AtOnceAndLater, UpstreamIsolation, ::testing::Values(0, 300));

class InspectedUpstreamIsolation : public ::testing::TestWithParam<int> {
 protected:
  InspectionSetup setup;
  EdugateProcess edugate{setup.config({}, /*workers=*/1)};

  HttpReply get(const std::string& url) {
    return via(edugate, {"--cacert", setup.school_ca.string(), url});
  }
};

TEST_P(InspectedUpstreamIsolation, AStrayResponseNeverReachesTheNextPupil) {
  const auto before = metric(edugate, "edugate_upstream_stray_bytes_total");
  const auto a = get("https://allowed.test/stray/" + std::to_string(GetParam()));
  ASSERT_EQ(a.status, 200) << a.run.err;
  EXPECT_EQ(a.body, "first\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(GetParam() + 300));
  for (int i = 0; i < 3; ++i) {
    const auto b = get("https://allowed.test/conn-id");
    EXPECT_EQ(b.status, 200) << b.run.err;
    EXPECT_TRUE(is_number(b.body)) << "pupil " << i << " got: " << b.body;
    EXPECT_EQ(b.body.find(kStray), std::string::npos);
  }
  EXPECT_EQ(metric(edugate, "edugate_upstream_stray_bytes_total") - before, 1);
}

INSTANTIATE_TEST_SUITE_P(AtOnceAndLater, InspectedUpstreamIsolation, ::testing::Values(0, 300));

}  // namespace
}  // namespace edugate::itest
