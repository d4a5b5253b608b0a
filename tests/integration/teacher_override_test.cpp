// A teacher opens a page for one lesson (http://edugate.lan/mo-khoa): only from the staff
// network, only with a teacher code, never a mandatory category, for one pupil group, on every
// worker at once (plain HTTP and CONNECT alike), and it ends by itself or when ended early.

#include <gtest/gtest.h>

#include <regex>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/raw_client.hpp"

namespace edugate::itest {
namespace {

class TeacherOverride : public ::testing::Test {
 protected:
  EnforcementSetup setup;
  bool school_written = [this] {
    setup.dir.write("school.yaml", kStaffAndPupilsSchool);
    return true;
  }();
  TestOrigin origin;
  /// The hash of the teacher code "1234-5678-9012", as `edugate portal code` prints it.
  std::string code_hash = [] {
    const auto r = run_command({edugate_binary(), "portal", "code", "--code", "1234-5678-9012"},
                               milliseconds(10000));
    std::smatch m;
    static const std::regex re("(sha256:[0-9a-f]{64})");
    return std::regex_search(r.out, m, re) ? m[1].str() : std::string("(portal code failed)");
  }();
  EdugateProcess edugate{
      setup.config(origin, "portal: {teacher_codes: [\"" + code_hash + "\"], override_max: 45m}\n"),
      setup.options()};

  static constexpr const char* kStaff = "127.0.0.5";
  static constexpr const char* kPupil = "127.0.1.5";
  static constexpr const char* kOtherClass = "127.1.0.5";

  HttpReply from(const std::string& client, std::vector<std::string> args) {
    args.insert(args.begin(), {"--interface", client});
    return via(edugate, std::move(args));
  }
  HttpReply post(const std::string& client, const std::string& fields,
                 const std::string& origin_header = "http://edugate.lan") {
    std::vector<std::string> args = {"--data", fields};
    if (!origin_header.empty()) args.insert(args.end(), {"-H", "Origin: " + origin_header});
    args.push_back("http://edugate.lan/mo-khoa");
    return from(client, args);
  }
  int games(const std::string& client) {
    return from(client, {"http://games.test/bytes/3"}).status;
  }
  std::string connect_games(const std::string& client) {
    const auto r = curl({"--interface", client, "-x", edugate.proxy().url(), "-p", "-o",
                         "/dev/null", "-w", "%{http_connect}", "http://games.test:443/"});
    return r.out;
  }
};

TEST_F(TeacherOverride, OpensACategoryForOneGroupForItsDurationOnly) {
  // A pupil cannot even see the page.
  auto r = from(kPupil, {"http://edugate.lan/mo-khoa"});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("mạng của giáo viên"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("<form"), std::string::npos);
  r = post(kPupil, "action=open&group=hoc-sinh&category=tro-choi&minutes=45&code=123456789012");
  EXPECT_EQ(r.status, 403);

  // The staff network gets the form: pupil groups and non-mandatory categories only.
  r = from(kStaff, {"http://edugate.lan/mo-khoa"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<option value=\"hoc-sinh\">"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("<option value=\"giao-vien\">"), std::string::npos);
  EXPECT_NE(r.body.find("<option value=\"tro-choi\">"), std::string::npos);
  EXPECT_EQ(r.body.find("<option value=\"xau\">"), std::string::npos);

  // School hours: games are blocked for pupils, on plain HTTP and CONNECT.
  ASSERT_EQ(games(kPupil), 403);
  ASSERT_EQ(connect_games(kPupil), "403");

  // A wrong code, a forged form (no Origin), a mandatory category: nothing opens.
  r = post(kStaff, "action=open&group=hoc-sinh&category=tro-choi&minutes=45&code=000000000000");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("không đúng"), std::string::npos) << r.body;
  r = post(kStaff, "action=open&group=hoc-sinh&category=tro-choi&minutes=45&code=123456789012", "");
  EXPECT_EQ(r.status, 403);
  r = post(kStaff, "action=open&group=hoc-sinh&category=xau&minutes=45&code=123456789012");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("bắt buộc"), std::string::npos) << r.body;
  r = post(kStaff, "action=open&group=hoc-sinh&category=tro-choi&minutes=46&code=123456789012");
  EXPECT_EQ(r.status, 400) << "longer than portal.override_max";
  EXPECT_EQ(games(kPupil), 403);

  // Opened for hoc-sinh, 45 minutes, from 07:00.
  r = post(kStaff, "action=open&group=hoc-sinh&category=tro-choi&minutes=45&code=1234-5678-9012");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Opened tro-choi for group hoc-sinh until 07:45"), std::string::npos)
      << r.body;
  EXPECT_EQ(games(kPupil), 200);
  EXPECT_EQ(connect_games(kPupil), "200");
  EXPECT_EQ(games(kOtherClass), 403) << "another group stays blocked";
  EXPECT_EQ(from(kPupil, {"http://blocked.test/"}).status, 403) << "mandatory stays blocked";
  EXPECT_EQ(metric(edugate, "edugate_teacher_overrides_total"), 1);
  const auto metrics = curl_http({edugate.admin().url() + "/metrics"}).body;
  EXPECT_NE(
      metrics.find(
          "edugate_teacher_overrides_opened_total{group=\"hoc-sinh\",category=\"tro-choi\"} 1"),
      std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("127.0.0.5"), std::string::npos);

  setup.set_time(kMonday0700 + 44 * 60);
  EXPECT_EQ(games(kPupil), 200);
  setup.set_time(kMonday0700 + 45 * 60);  // ends by itself
  EXPECT_EQ(games(kPupil), 403);
  EXPECT_EQ(connect_games(kPupil), "403");
}

TEST_F(TeacherOverride, ASiteOpensAndEndsEarlyFromThePage) {
  ASSERT_EQ(from(kPupil, {"http://social.test/bytes/3"}).status, 403);  // the warn page
  auto r = post(kStaff,
                "action=open&group=hoc-sinh&category=&domain=social.test&minutes=10&"
                "code=123456789012");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(from(kPupil, {"http://social.test/bytes/3"}).status, 200);
  r = from(kStaff, {"http://edugate.lan/mo-khoa"});
  EXPECT_NE(r.body.find("<td>social.test</td><td>07:10</td>"), std::string::npos) << r.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.body, m, std::regex("name=\"id\" value=\"([0-9]+)\"")));
  r = post(kStaff, "action=close&id=" + m[1].str() + "&code=123456789012");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Ended."), std::string::npos);
  EXPECT_EQ(from(kPupil, {"http://social.test/bytes/3"}).status, 403);
  // A public suffix would open every site under it.
  r = post(kStaff,
           "action=open&group=hoc-sinh&category=&domain=github.io&minutes=10&code=123456789012");
  EXPECT_EQ(r.status, 400);
}

TEST_F(TeacherOverride, GuessingCodesIsCutOff) {
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(post(kStaff, "action=open&group=hoc-sinh&category=tro-choi&minutes=5&code=" +
                               std::to_string(i))
                  .status,
              403);
  // Even the right code waits now, from that device.
  EXPECT_EQ(post(kStaff, "action=open&group=hoc-sinh&category=tro-choi&minutes=5&code=123456789012")
                .status,
            429);
  EXPECT_EQ(games(kPupil), 403);
  // A teacher at another staff PC is not locked out by it.
  EXPECT_EQ(
      post("127.0.0.6", "action=open&group=hoc-sinh&category=tro-choi&minutes=5&code=123456789012")
          .status,
      200);
  EXPECT_EQ(games(kPupil), 200);
}

}  // namespace
}  // namespace edugate::itest
