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
  EXPECT_TRUE(b.add("example.com", 1, 0, 3));
  EXPECT_TRUE(b.add("example.com", 2, 0, 4));
  EXPECT_FALSE(b.add("example.com", 1, 0, 9));  // duplicate in category 1
  EXPECT_TRUE(b.add("ads.example.com", 3, 1, 5));
  const DomainIndex idx = b.freeze();
  EXPECT_EQ(idx.domain_count(), 2u);
  EXPECT_EQ(idx.rule_count(), 3u);
  std::vector<std::pair<CategoryId, std::uint32_t>> hits;
  idx.match(HostSuffixes("x.ads.example.com", false),
            [&](const DomainHit& h, std::size_t) { hits.emplace_back(h.category, h.line); });
  const std::vector<std::pair<CategoryId, std::uint32_t>> want = {{3, 5}, {1, 3}, {2, 4}};
  EXPECT_EQ(hits, want);
  int count = 0;
  idx.match(HostSuffixes("badexample.com", false), [&](const DomainHit&, std::size_t) { ++count; });
  EXPECT_EQ(count, 0);
  const auto [hit, domain] = idx.entry(2);
  EXPECT_EQ(domain, "ads.example.com");
  EXPECT_EQ(hit.source, 1);
  EXPECT_EQ(hit.line, 5u);
}

TEST(DomainIndex, EntriesByIndexAcrossCheckpoints) {
  DomainIndexBuilder b;
  for (int i = 0; i < 1000; ++i) {
    b.add(fmt::format("d{}.example", i), 0, 0, static_cast<std::uint32_t>(i + 1));
    if (i % 3 == 0) b.add(fmt::format("d{}.example", i), 1, 0, static_cast<std::uint32_t>(i + 1));
  }
  const DomainIndex idx = b.freeze();
  std::uint32_t index = 0;
  for (int i = 0; i < 1000; ++i) {
    const int entries = i % 3 == 0 ? 2 : 1;
    for (int k = 0; k < entries; ++k, ++index) {
      const auto [hit, domain] = idx.entry(index);
      EXPECT_EQ(domain, fmt::format("d{}.example", i));
      EXPECT_EQ(hit.category, k);
      EXPECT_EQ(hit.index, index);
    }
  }
  EXPECT_EQ(index, idx.rule_count());
}

}  // namespace
}  // namespace edugate::rules::compiled
