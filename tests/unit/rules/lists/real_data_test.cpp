// Importer tests over the real public lists in ../shared/data (never copied into the repo).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "rules/lists/list_reader.hpp"
#include "rules/lists/squidguard_directory.hpp"

#ifndef EDUGATE_SHARED_DATA_DIR
#define EDUGATE_SHARED_DATA_DIR "/work/shared/data"
#endif

namespace edugate::rules {
namespace {

namespace fs = std::filesystem;

/// The data directory: $EDUGATE_DATA_DIR, else the shared folder beside the checkout.
std::string data_dir() {
  const char* env = std::getenv("EDUGATE_DATA_DIR");
  return env != nullptr ? env : EDUGATE_SHARED_DATA_DIR;
}

#define REQUIRE_DATA(relative)                            \
  const std::string path = data_dir() + "/" + (relative); \
  if (!fs::exists(path)) GTEST_SKIP() << "shared test data absent: " << path;

ListReadResult read_or_fail(ListFormat format, const std::string& path) {
  std::string error;
  auto r = read_list_file(format, path, &error);
  EXPECT_TRUE(r) << error;
  return r ? std::move(*r) : ListReadResult{};
}

std::set<std::string> value_set(const ListReadResult& r) {
  std::set<std::string> out;
  for (const auto& e : r.entries) out.insert(e.value);
  return out;
}

std::string first_problem(const ListReadResult& r) {
  if (r.problems.empty()) return "";
  const auto& p = r.problems.front();
  return std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message;
}

TEST(RealData, LargestPlainDomainList) {
  REQUIRE_DATA("blocklistproject/phishing.txt");
  const ListReadResult r = read_or_fail(ListFormat::domains, path);
  // The file is normalised upstream (lowercase, unique, hostname-checked): everything is kept.
  EXPECT_EQ(r.entries.size(), 190215u);
  EXPECT_EQ(r.duplicates, 0u);
  EXPECT_TRUE(r.problems.empty()) << first_problem(r);
}

TEST(RealData, FourRenderingsOfOneListAgree) {
  REQUIRE_DATA("blocklistproject/raw");
  for (const std::string cat : {"crypto", "vaping"}) {
    const auto nl = read_or_fail(ListFormat::domains, path + "/" + cat + "-nl.txt");
    const auto hosts = read_or_fail(ListFormat::hosts, path + "/" + cat + ".hosts.txt");
    const auto ags = read_or_fail(ListFormat::adguard, path + "/" + cat + "-ags.txt");
    const auto dnsmasq = read_or_fail(ListFormat::dnsmasq, path + "/" + cat + "-dnsmasq.txt");
    for (const auto* r : {&nl, &hosts, &ags, &dnsmasq}) {
      EXPECT_TRUE(r->problems.empty()) << cat << ": " << first_problem(*r);
      EXPECT_GT(r->skipped_comments, 0u) << cat;  // the headers
    }
    EXPECT_GT(nl.entries.size(), 100u);
    EXPECT_EQ(value_set(ags), value_set(nl)) << cat;
    EXPECT_EQ(value_set(dnsmasq), value_set(nl)) << cat;
    // The hosts rendering is the canonical one upstream and may be a little newer.
    std::size_t missing = 0;
    const auto in_hosts = value_set(hosts);
    for (const auto& v : value_set(nl)) missing += in_hosts.count(v) == 0;
    EXPECT_LE(missing, 5u) << cat;
  }
}

TEST(RealData, UnicodeThreatNamesBecomePunycode) {
  REQUIRE_DATA("vn/hostsvn/raw/threat-domain.txt");
  const auto raw = read_or_fail(ListFormat::domains, path);
  const auto normalised = read_or_fail(ListFormat::domains, data_dir() + "/vn/hostsvn/threat.txt");
  EXPECT_TRUE(raw.problems.empty()) << first_problem(raw);
  // The README: 4 Unicode names, converted upstream with IDNA-2003; for these names IDNA-2008
  // (libidn2) gives the same A-labels, so both files must hold the same set.
  EXPECT_EQ(value_set(raw), value_set(normalised));
  std::size_t punycode = 0;
  for (const auto& e : raw.entries) punycode += e.value.find("xn--") != std::string::npos;
  EXPECT_GE(punycode, 4u);
  EXPECT_TRUE(value_set(raw).count("xn--momovints1-o8a64b3904adea8q.weebly.com"));
}

TEST(RealData, HostsVnGamblingRenderingsAgree) {
  REQUIRE_DATA("vn/hostsvn/raw/gambling-hosts-VN");
  const auto hosts = read_or_fail(ListFormat::hosts, path);
  const auto plain = read_or_fail(ListFormat::domains, data_dir() + "/vn/hostsvn/gambling-VN.txt");
  const auto filter =
      read_or_fail(ListFormat::adguard, data_dir() + "/vn/hostsvn/raw/gambling-filter-VN.txt");
  EXPECT_TRUE(hosts.problems.empty()) << first_problem(hosts);
  EXPECT_TRUE(filter.problems.empty()) << first_problem(filter);
  EXPECT_EQ(value_set(hosts), value_set(plain));
  // The AdGuard rendering has fewer rules ("Blocked: 3.313 rules"): "||157win.com^" stands for
  // www.157win.com and the other sub-domains. Each rule covers at least one plain entry.
  const auto all = value_set(plain);
  for (const auto& v : value_set(filter)) {
    bool covered = all.count(v) > 0;
    for (auto it = all.begin(); !covered && it != all.end(); ++it) {
      covered = it->ends_with("." + v);
    }
    EXPECT_TRUE(covered) << v;
  }
  EXPECT_GT(filter.entries.size(), 3000u);
}

TEST(RealData, SinfoniettaExtractedList) {
  REQUIRE_DATA("sinfonietta/pornography.txt");
  const auto r = read_or_fail(ListFormat::domains, path);
  EXPECT_GT(r.entries.size(), 60000u);
  EXPECT_TRUE(r.problems.empty()) << first_problem(r);
}

TEST(RealData, AbpvnFilterIsMostlyUnsupportedButNeverFails) {
  REQUIRE_DATA("vn/abpvn/abpvn.txt");
  const auto r = read_or_fail(ListFormat::adguard, path);
  EXPECT_GT(r.skipped_unsupported, 500u);  // cosmetic and URL rules
  EXPECT_GT(r.skipped_comments, 0u);
  EXPECT_LE(r.problems.size(), 5u) << first_problem(r);
}

TEST(RealData, Ut1CategoryDirectoryWithDomainsAndUrls) {
  REQUIRE_DATA("ut1/blacklists/drogue");
  std::string error;
  const auto dir = read_squidguard_directory(path, &error);
  ASSERT_TRUE(dir) << error;
  ASSERT_TRUE(dir->domains && dir->urls);
  EXPECT_GT(dir->domains->entries.size(), 500u);
  EXPECT_GT(dir->urls->entries.size(), 400u);
  EXPECT_TRUE(dir->domains->problems.empty()) << first_problem(*dir->domains);
  EXPECT_TRUE(dir->urls->problems.empty()) << first_problem(*dir->urls);
  // Bare IPv4 entries are real in UT1 domains files.
  std::size_t ips = 0;
  for (const auto& e : dir->domains->entries)
    ips += e.value.find_first_not_of("0123456789.") == std::string::npos;
  EXPECT_GT(ips, 100u);
  for (const auto& e : dir->urls->entries) {
    EXPECT_EQ(e.value.find("://"), std::string::npos) << e.value;
    EXPECT_FALSE(e.value.starts_with("www.")) << e.value;
    EXPECT_NE(e.value.find('/'), std::string::npos) << e.value;
  }
}

TEST(RealData, Ut1UrlsAndExpressions) {
  REQUIRE_DATA("ut1/blacklists/adult");
  std::string error;
  const auto dir = read_squidguard_directory(path, &error);
  ASSERT_TRUE(dir) << error;
  EXPECT_FALSE(dir->domains);  // absent from the snapshot, see ut1/MISSING.txt
  ASSERT_TRUE(dir->urls && dir->expressions);
  EXPECT_GT(dir->urls->entries.size(), 1000u);
  EXPECT_TRUE(dir->urls->problems.empty()) << first_problem(*dir->urls);
  EXPECT_TRUE(dir->expressions->entries.empty());  // present but empty upstream
  const auto ads = read_squidguard_directory(data_dir() + "/ut1/blacklists/publicite", &error);
  ASSERT_TRUE(ads) << error;
  ASSERT_TRUE(ads->expressions);
  EXPECT_GE(ads->expressions->entries.size(), 1u);
  EXPECT_TRUE(ads->expressions->problems.empty());
}

TEST(RealData, EveryUt1CategoryReads) {
  REQUIRE_DATA("ut1/blacklists");
  std::size_t categories = 0;
  std::size_t domains = 0;
  for (const auto& entry : fs::directory_iterator(path)) {
    if (!entry.is_directory()) continue;
    std::string error;
    const auto dir = read_squidguard_directory(entry.path().string(), &error);
    if (!dir) {
      ADD_FAILURE() << error;
      continue;
    }
    ++categories;
    for (const auto* list : {&dir->domains, &dir->urls, &dir->expressions}) {
      if (!list->has_value()) continue;
      const auto& r = **list;
      domains += r.entries.size();
      // UT1 has no comments and no duplicates; a handful of odd entries may exist.
      EXPECT_LE(r.problems.size(), r.entries.size() / 1000 + 3)
          << entry.path() << ": " << first_problem(r);
    }
  }
  EXPECT_GE(categories, 69u);
  EXPECT_GT(domains, 1000000u);
}

}  // namespace
}  // namespace edugate::rules
