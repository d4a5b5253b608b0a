// What a pupil and an admin actually see, in headless Chromium (Debian's chromium package):
// the block page rendered through the proxy, and the admin status page with its charts.
// Screenshots are saved next to the test executable (the build tree).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/screenshot.hpp"

namespace edugate::itest {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

/// Headless Chromium with the flags that keep it off the (closed) network; `proxy` may be empty.
CommandResult chromium(const TempDir& profile, const std::string& proxy,
                       std::vector<std::string> args) {
  std::vector<std::string> argv = {
      kChromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      // Keep plain http:// as typed (no HTTPS-first upgrade).
      "--disable-features=HttpsUpgrades", "--user-data-dir=" + profile.path().string()};
  if (!proxy.empty()) argv.push_back("--proxy-server=" + proxy);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, milliseconds(60000));
}

class Chromium : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kChromium, X_OK) != 0) GTEST_SKIP() << "chromium is not installed";
  }
};

TEST_F(Chromium, BlockPageShowsVietnameseTextAndHotline) {
  EnforcementSetup setup;
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin), setup.options()};
  TempDir profile("edugate-chromium");
  const auto dom = chromium(profile, edugate.proxy().url(), {"--dump-dom", "http://blocked.test/"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("<h1>Trang này đã bị chặn</h1>"), std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("Tổng đài 111"), std::string::npos);
  EXPECT_NE(dom.out.find("<a href=\"tel:111\">"), std::string::npos);  // tap to call
  EXPECT_NE(dom.out.find("Nội dung xấu"), std::string::npos);
  EXPECT_NE(dom.out.find("Đề nghị xem lại"), std::string::npos);
  const auto shot = screenshot_path("chromium-block-page.png");
  std::filesystem::remove(shot);
  TempDir profile2("edugate-chromium");
  const auto r = chromium(
      profile2, edugate.proxy().url(),
      {"--window-size=1000,1100", "--screenshot=" + shot.string(), "http://blocked.test/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(shot));
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);  // a rendered page, not an empty canvas
}

TEST_F(Chromium, StatusPageShowsTheWeeksCharts) {
  EnforcementSetup setup;
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin), setup.options()};
  for (int i = 0; i < 12; ++i)  // twelve devices: above k = 10, so the counts are published
    curl({"--interface", "127.0.0." + std::to_string(30 + i), "-x", edugate.proxy().url(), "-o",
          "/dev/null", "http://blocked.test/"});
  std::this_thread::sleep_for(milliseconds(1500));  // one flush
  TempDir profile("edugate-chromium");
  const auto dom = chromium(profile, "", {"--dump-dom", edugate.admin().url() + "/"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("<strong>12</strong>"), std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("Theo nhóm nội dung"), std::string::npos);
  EXPECT_NE(dom.out.find("Nội dung xấu"), std::string::npos);
  EXPECT_GE(std::count(dom.out.begin(), dom.out.end(), '<'), 10);
  EXPECT_NE(dom.out.find("<svg"), std::string::npos);
  const auto shot = screenshot_path("chromium-status-page.png");
  TempDir profile2("edugate-chromium");
  chromium(
      profile2, "",
      {"--window-size=1100,1000", "--screenshot=" + shot.string(), edugate.admin().url() + "/"});
  EXPECT_TRUE(std::filesystem::exists(shot));
}

// The review list as the school admin sees it: what pupils reported this week, harmful first,
// with distinct devices and never an address.
TEST_F(Chromium, StatusPageListsWhatPupilsReported) {
  EnforcementSetup setup;
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin), setup.options()};
  for (int device : {2, 3, 4})
    EXPECT_EQ(
        send_report(edugate, "127.0.0." + std::to_string(device), "domain=bad.test&kind=harmful")
            .status,
        200);
  for (int device : {5, 6})
    EXPECT_EQ(send_report(edugate, "127.0.0." + std::to_string(device),
                          "domain=blocked.test&kind=wrongly-blocked&cat=xau")
                  .status,
              200);
  std::this_thread::sleep_for(milliseconds(1500));  // one flush
  TempDir profile("edugate-chromium");
  const auto dom = chromium(profile, "", {"--dump-dom", edugate.admin().url() + "/"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const auto list = dom.out.find("<section id=\"review\">");
  ASSERT_NE(list, std::string::npos) << dom.out;
  const auto bad = dom.out.find("<tr class=\"harmful\"><td>bad.test</td>", list);
  EXPECT_NE(bad, std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("<td class=\"n\">3</td>", bad), std::string::npos);
  const auto blocked = dom.out.find("<tr class=\"wrongly\"><td>blocked.test</td>", list);
  EXPECT_NE(blocked, std::string::npos) << dom.out;
  EXPECT_LT(bad, blocked) << "harmful first";
  EXPECT_NE(dom.out.find("xau <em>(bắt buộc · mandatory)</em>", blocked), std::string::npos);
  EXPECT_NE(dom.out.find("edugate review block DOMAIN --category C"), std::string::npos);
  EXPECT_EQ(dom.out.find("127.0.0."), std::string::npos) << "an address on the page";
  const auto shot = screenshot_path("chromium-review-list.png");
  std::filesystem::remove(shot);
  TempDir profile2("edugate-chromium");
  chromium(
      profile2, "",
      {"--window-size=1100,1000", "--screenshot=" + shot.string(), edugate.admin().url() + "/"});
  ASSERT_TRUE(std::filesystem::exists(shot));
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

// The teacher page as a teacher on the staff network sees it (Chromium connects from
// 127.0.0.1, a staff address here).
TEST_F(Chromium, TeacherPageShowsTheFormToStaff) {
  EnforcementSetup setup;
  setup.dir.write("school.yaml", kStaffAndPupilsSchool);

  TestOrigin origin;
  EdugateProcess edugate{
      setup.config(origin, "portal: {teacher_codes: [\"sha256:" + std::string(64, 'a') + "\"]}\n"),
      setup.options()};
  TempDir profile("edugate-chromium");
  const auto dom =
      chromium(profile, edugate.proxy().url(), {"--dump-dom", "http://edugate.lan/mo-khoa"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("Mở trang cho tiết học"), std::string::npos) << dom.out;
  const auto groups = dom.out.find("<select id=\"group\"");
  ASSERT_NE(groups, std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("<option value=\"hoc-sinh\">", groups), std::string::npos) << dom.out;
  EXPECT_EQ(dom.out.find("<option value=\"giao-vien\">"), std::string::npos)
      << "staff is no pupil group";
  EXPECT_NE(dom.out.find("name=\"code\" type=\"password\""), std::string::npos);
  EXPECT_EQ(dom.out.find("value=\"xau\""), std::string::npos) << "a mandatory category";
  const auto shot = screenshot_path("chromium-teacher-page.png");
  std::filesystem::remove(shot);
  TempDir profile2("edugate-chromium");
  chromium(
      profile2, edugate.proxy().url(),
      {"--window-size=900,1100", "--screenshot=" + shot.string(), "http://edugate.lan/mo-khoa"});
  ASSERT_TRUE(std::filesystem::exists(shot));
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

}  // namespace
}  // namespace edugate::itest
