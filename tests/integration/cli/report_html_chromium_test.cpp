// The HTML report as a person sees it: headless Chromium loads the file (no network) and dumps
// the DOM it built. Skipped, with a message, when chromium is not installed.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "reporting/report_html.hpp"
#include "tests/unit/reporting/report_fixture.hpp"
#include "tests/unit/reporting/test_support.hpp"

namespace edugate::reporting {
namespace {

std::string find_chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (std::filesystem::exists(p)) return p;
  return {};
}

std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0;)
    out.append(buf.data(), n);
  return out;
}

TEST(HtmlInChromium, RendersChartsAndBothLanguages) {
  const auto chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  testing::TempDir dir;
  const auto file = dir.file("report.html");
  std::ofstream(file) << render_html(
      build_report(testing::sample_week(), testing::sample_request()));
  const auto dom = run("timeout 90 " + chromium +
                       " --headless --no-sandbox --disable-gpu --no-first-run"
                       " --disable-background-networking --disable-component-update --disable-sync"
                       " --user-data-dir=" +
                       dir.file("profile") + " --dump-dom file://" + file + " 2>/dev/null");
  ASSERT_NE(dom.find("</html>"), std::string::npos) << "chromium produced no DOM";
  int svgs = 0;
  for (auto p = dom.find("<svg"); p != std::string::npos; p = dom.find("<svg", p + 1)) ++svgs;
  EXPECT_EQ(svgs, 3);
  EXPECT_NE(dom.find("<rect"), std::string::npos) << "bars were drawn";
  EXPECT_NE(dom.find("Yêu cầu bị chặn theo ngày"), std::string::npos);
  EXPECT_NE(dom.find("Blocked requests per day"), std::string::npos);
  EXPECT_NE(dom.find("Trường THCS Nguyễn Du"), std::string::npos) << "UTF-8 decoded";
}

}  // namespace
}  // namespace edugate::reporting
