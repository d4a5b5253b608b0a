#include "reporting/report_builder.hpp"

#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reporting/laplace_noise.hpp"

namespace edugate::reporting {
namespace {

using testing::find_entry;

TEST(ReportBuilder, CellsAndEveryTotalPerDay) {
  const auto r = build_report(testing::sample_week(), testing::sample_request());
  const LocalDay mon = r.period.from;
  EXPECT_EQ(r.iso_week, "2026-W47");
  EXPECT_EQ(r.rule_set_versions, std::vector<std::string>{"dept-2026.47"});
  const auto* cell = find_entry(r, mon, "block", "gambling", "thcs");
  ASSERT_TRUE(cell);
  EXPECT_EQ(cell->requests, 40u);
  EXPECT_FALSE(cell->suppressed);
  EXPECT_EQ(find_entry(r, mon, "block", "gambling", "*")->requests, 100u);
  EXPECT_EQ(find_entry(r, mon, "block", "*", "thpt")->requests, 180u);
  EXPECT_EQ(find_entry(r, mon, "block", "*", "*")->requests, 320u);
  EXPECT_EQ(find_entry(r, mon, "*", "*", "thcs")->requests, 5140u);
  EXPECT_EQ(find_entry(r, mon, "*", "*", "*")->requests, 12320u);
  EXPECT_EQ(r.categories.at("games").vi, "Trò chơi trực tuyến");
}

TEST(ReportBuilder, RareCellIsSuppressedWithItsComplements) {
  SuppressionStats stats;
  const auto r = build_report(testing::sample_week(), testing::sample_request(), &stats);
  const LocalDay tue = r.period.from + 1;
  const auto* rare = find_entry(r, tue, "block", "adult", "thcs");
  ASSERT_TRUE(rare);
  EXPECT_TRUE(rare->suppressed) << "37 requests, but from 2 devices";
  EXPECT_TRUE(find_entry(r, tue, "block", "adult", "*")->suppressed);
  EXPECT_EQ(stats.primary, 2u);
  EXPECT_GE(stats.complementary, 1u);
  // thcs/block column on Tuesday must hide a second cell, else adult = total - the rest.
  int hidden = 0;
  for (const auto& e : r.entries)
    if (e.day == tue && e.action == "block" && e.group == "thcs") hidden += e.suppressed;
  EXPECT_GE(hidden, 2);
  for (const auto& d : r.top_domains) EXPECT_NE(d.domain, "rare.example") << "names a few pupils";
  ASSERT_EQ(r.top_domains.size(), 2u);
  EXPECT_EQ(r.top_domains[0].domain, "game.example");
}

TEST(LaplaceNoise, ParametersAreStatedAndValuesPerturbed) {
  auto r = build_report(testing::sample_week(), testing::sample_request());
  const auto before = r;
  ASSERT_TRUE(add_laplace_noise(r, 0.5, openssl_random_bytes));
  EXPECT_TRUE(r.privacy.noise);
  EXPECT_DOUBLE_EQ(r.privacy.epsilon_per_week, 0.5);
  EXPECT_DOUBLE_EQ(r.privacy.sensitivity, kRequestSensitivity);
  EXPECT_DOUBLE_EQ(r.privacy.scale, kRequestSensitivity / 0.5);
  int changed = 0;
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    changed += r.entries[i].requests != before.entries[i].requests;
    EXPECT_EQ(r.entries[i].suppressed, before.entries[i].suppressed);
  }
  EXPECT_GT(changed, static_cast<int>(r.entries.size()) / 2);
}

TEST(LaplaceNoise, SamplesHaveTheLaplaceSpread) {
  // Laplace(0, b): mean 0, mean absolute deviation b.
  double sum = 0, abs_sum = 0;
  const int n = 40'000;
  for (int i = 0; i < n; ++i) {
    const double x = *laplace_sample(4.0, openssl_random_bytes);
    sum += x;
    abs_sum += std::abs(x);
  }
  EXPECT_NEAR(sum / n, 0.0, 0.15);
  EXPECT_NEAR(abs_sum / n, 4.0, 0.15);
}

TEST(LaplaceNoise, FailingRandomSourceLeavesTheReportAlone) {
  auto r = build_report(testing::sample_week(), testing::sample_request());
  EXPECT_FALSE(add_laplace_noise(r, 1.0, [](std::span<std::uint8_t>) { return false; }));
  EXPECT_FALSE(r.privacy.noise);
}

}  // namespace
}  // namespace edugate::reporting
