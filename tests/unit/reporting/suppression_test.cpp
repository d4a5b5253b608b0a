#include "reporting/suppression.hpp"

#include <gtest/gtest.h>

namespace edugate::reporting {
namespace {

std::vector<bool> hidden(const std::vector<SuppressionCell>& cells) {
  std::vector<bool> out;
  for (const auto& c : cells) out.push_back(c.suppressed);
  return out;
}

TEST(Suppress, PrimaryIsByDevicesNotRequests) {
  // One device making 400 requests is still one pupil.
  std::vector<SuppressionCell> cells{{400, 1}, {12, 10}, {30, 9}};
  const auto s = suppress(cells, {}, 10);
  EXPECT_EQ(hidden(cells), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(s.primary, 2u);
  EXPECT_EQ(s.complementary, 0u);
}

TEST(Suppress, ALoneSuppressedCellInALineTakesTheNextSmallest) {
  // Row: cells a, b, c with published total t = a + b + c. a is small: hiding a alone would let
  // anyone compute it as t - b - c. The smallest other non-zero member (c) goes too.
  std::vector<SuppressionCell> cells{{5, 2}, {50, 20}, {30, 15}, {85, 30}};
  const auto s = suppress(cells, {{{0, 1, 2, 3}}}, 10);
  EXPECT_EQ(hidden(cells), (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(s.complementary, 1u);
}

TEST(Suppress, IteratesAcrossRowsAndColumnsToAFixedPoint) {
  // 2x2 table with margins:      g1   g2 | row
  //                        c1     3   40 |  43      (3 has 2 devices)
  //                        c2    25   60 |  85
  //                        col   28  100 | 128
  // indices: c1g1=0 c1g2=1 c2g1=2 c2g2=3 r1=4 r2=5 k1=6 k2=7 t=8
  std::vector<SuppressionCell> cells{{3, 2},   {40, 20}, {25, 12},  {60, 30}, {43, 21},
                                     {85, 40}, {28, 13}, {100, 45}, {128, 55}};
  const std::vector<SuppressionLine> lines{{{0, 1, 4}}, {{2, 3, 5}}, {{0, 2, 6}},
                                           {{1, 3, 7}}, {{4, 5, 8}}, {{6, 7, 8}}};
  suppress(cells, lines, 10);
  // Row c1 hides c1g2 (40 < 43), column g1 hides c2g1 (25 < 28); then row c2 and column g2 each
  // have one hidden cell left, so c2g2 goes too. No line may end with exactly one hidden member.
  EXPECT_EQ(hidden(cells),
            (std::vector<bool>{true, true, true, true, false, false, false, false, false}));
  for (const auto& line : lines) {
    int n = 0;
    for (auto i : line.members) n += cells[i].suppressed;
    EXPECT_NE(n, 1);
  }
}

TEST(Suppress, ZeroCellsAreNeverPickedAsComplements) {
  std::vector<SuppressionCell> cells{{4, 1}, {0, 0}, {40, 20}, {44, 21}};
  suppress(cells, {{{0, 1, 2, 3}}}, 10);
  EXPECT_TRUE(cells[2].suppressed);
  EXPECT_FALSE(cells[1].suppressed);
}

Report small_report() {
  Report r;
  r.privacy.k = 10;
  auto add = [&](const char* a, const char* c, const char* g, std::uint64_t n, std::uint64_t d) {
    r.entries.push_back({100, a, c, g, n, d, false, 0});
  };
  add("block", "gambling", "thcs", 4, 2);
  add("block", "gambling", "thpt", 50, 20);
  add("block", "gambling", "*", 54, 22);
  add("block", "games", "thcs", 30, 15);
  add("block", "games", "thpt", 70, 30);
  add("block", "games", "*", 100, 45);
  add("block", "*", "thcs", 34, 17);
  add("block", "*", "thpt", 120, 50);
  add("block", "*", "*", 154, 67);
  return r;
}

TEST(ApplySuppression, NoRowOrColumnOfTheReportKeepsASingleHiddenCell) {
  Report r = small_report();
  const auto s = apply_suppression(r);
  EXPECT_EQ(s.primary, 1u);
  EXPECT_GE(s.complementary, 1u);
  EXPECT_TRUE(r.entries[0].suppressed);
  // The hidden gambling/thcs value cannot be recovered from its row or its column.
  int row = r.entries[0].suppressed + r.entries[1].suppressed + r.entries[2].suppressed;
  int col = r.entries[0].suppressed + r.entries[3].suppressed + r.entries[6].suppressed;
  EXPECT_GE(row, 2);
  EXPECT_GE(col, 2);
}

TEST(ApplySuppression, ExhaustiveDomainListIsAnotherRelation) {
  Report r;
  r.privacy.k = 10;
  // gambling/block on two days; day 2 is small. The domain list names the only gambling domain,
  // whose period total would reveal day 2 = 60 - 50.
  r.entries.push_back({1, "block", "gambling", "*", 50, 20, false, 0});
  r.entries.push_back({2, "block", "gambling", "*", 10, 3, false, 0});
  r.top_domains.push_back({"bet.example", "gambling", "block", 60, 20, false, 0});
  apply_suppression(r);
  EXPECT_TRUE(r.entries[1].suppressed);
  EXPECT_TRUE(r.top_domains[0].suppressed) << "the listed domain is the preferred complement";
  EXPECT_FALSE(r.entries[0].suppressed) << "so the other day stays published";
}

}  // namespace
}  // namespace edugate::reporting
