#include "rules/compiled/name_table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/compiled/domain_index.hpp"
#include "rules/compiled/host_suffixes.hpp"

namespace edugate::rules::compiled {
namespace {

TEST(NameTable, InternsAndFreezesWithPayloads) {
  NameTableBuilder b;
  bool inserted = false;
  EXPECT_EQ(b.intern("example.com", inserted), 0u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(b.intern("roblox.com", inserted), 1u);
  EXPECT_EQ(b.intern("example.com", inserted), 0u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(b.find("roblox.com"), 1u);
  EXPECT_EQ(b.find("nope.com"), std::nullopt);
  const std::vector<NamePayload> payloads = {{10, 2}, {20, 1}};
  const NameTable t = b.freeze(payloads);
  ASSERT_TRUE(t.find("example.com"));
  EXPECT_EQ(t.find("example.com")->first, 10u);
  EXPECT_EQ(t.find("example.com")->count, 2u);
  EXPECT_EQ(t.find("roblox.com")->first, 20u);
  EXPECT_FALSE(t.find("example.co"));
  EXPECT_FALSE(t.find(""));
  EXPECT_EQ(t.size(), 2u);
}

TEST(NameTable, GrowsPastManyRehashesWithoutLosingNames) {
  NameTableBuilder b;
  bool inserted = false;
  for (int i = 0; i < 100000; ++i) b.intern(fmt::format("host{}.example", i), inserted);
  std::vector<NamePayload> payloads(b.size());
  for (std::uint32_t i = 0; i < payloads.size(); ++i) payloads[i] = {i, 1};
  const NameTable t = b.freeze(payloads);
  for (int i = 0; i < 100000; i += 997) {
    const auto p = t.find(fmt::format("host{}.example", i));
    ASSERT_TRUE(p) << i;
    EXPECT_EQ(p->first, static_cast<std::uint32_t>(i));
  }
  EXPECT_FALSE(t.find("host100000.example"));
  std::size_t seen = 0;
  t.for_each([&](std::string_view, NamePayload) { ++seen; });
  EXPECT_EQ(seen, 100000u);
}

TEST(NameTable, RejectsOverlongLookups) {
  NameTableBuilder b;
  bool inserted = false;
  b.intern("a.example", inserted);
  const std::vector<NamePayload> payloads = {{0, 1}};
  const NameTable t = b.freeze(payloads);
  EXPECT_FALSE(t.find(std::string(300, 'a')));
}

TEST(HostSuffixes, LongestFirstAndHashesMatchWholeNames) {
  const HostSuffixes s("www.example.com", false);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.suffix(0), "www.example.com");
  EXPECT_EQ(s.suffix(1), "example.com");
  EXPECT_EQ(s.suffix(2), "com");
  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s.hash(i), hash_name(s.suffix(i)));
  const HostSuffixes ip("10.1.2.3", true);
  ASSERT_EQ(ip.size(), 1u);
  EXPECT_EQ(ip.suffix(0), "10.1.2.3");
  EXPECT_EQ(HostSuffixes("", false).size(), 0u);
}

TEST(HostSuffixes, KeepsTheShortSuffixesOfAnAbsurdlyLongHost) {
  std::string host;
  for (int i = 0; i < 300; ++i) host += "a.";
  host += "porn.example";
  const HostSuffixes s(host, false);
  EXPECT_EQ(s.size(), HostSuffixes::kMax);
  EXPECT_EQ(s.suffix(s.size() - 2), "porn.example");
}

TEST(DomainIndex, SubdomainsMatchLabelBoundariesOnly) {
  DomainIndexBuilder b;
  EXPECT_TRUE(b.add("example.com", 1, 0, pack_line_col(3, 0)));
  EXPECT_TRUE(b.add("example.com", 2, 0, pack_line_col(4, 0)));
  EXPECT_FALSE(b.add("example.com", 1, 0, pack_line_col(9, 0)));  // duplicate in category 1
  EXPECT_TRUE(b.add("ads.example.com", 3, 1, pack_line_col(5, 7)));
  const DomainIndex idx = b.freeze();
  EXPECT_EQ(idx.domain_count(), 2u);
  std::vector<std::pair<CategoryId, std::uint32_t>> hits;
  idx.match(HostSuffixes("x.ads.example.com", false),
            [&](std::uint32_t, const DomainRule& r, std::size_t) {
              hits.emplace_back(r.category, r.line());
            });
  const std::vector<std::pair<CategoryId, std::uint32_t>> want = {{3, 5}, {1, 3}, {2, 4}};
  EXPECT_EQ(hits, want);
  int count = 0;
  idx.match(HostSuffixes("badexample.com", false),
            [&](std::uint32_t, const DomainRule&, std::size_t) { ++count; });
  EXPECT_EQ(count, 0);
  EXPECT_EQ(idx.rules()[2].column(), 7u);
  EXPECT_EQ(idx.domain_of(idx.rules()[2]), "ads.example.com");
}

}  // namespace
}  // namespace edugate::rules::compiled
