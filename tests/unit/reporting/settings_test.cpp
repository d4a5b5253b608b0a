#include "reporting/settings.hpp"

#include <gtest/gtest.h>

#include <set>

#include "reporting/bearer_token.hpp"

namespace edugate::reporting {
namespace {

struct Parsed {
  std::optional<ReportingSettings> settings;
  rules::Diagnostics diags;
};

Parsed parse(const std::string& yaml) {
  Parsed p;
  rules::YamlReader reader("/etc/edugate/edugate.yaml", p.diags);
  const auto root = reader.load_text(yaml);
  if (!root) return p;
  p.settings = parse_reporting_settings((*root)["reporting"], reader, "/etc/edugate");
  return p;
}

TEST(ReportingSettings, DefaultsWhenTheSectionIsAbsent) {
  const auto p = parse("listeners: []\n");
  ASSERT_TRUE(p.settings);
  EXPECT_EQ(p.settings->k, 10);
  EXPECT_FALSE(p.settings->epsilon);
  EXPECT_EQ(p.settings->flush_interval, std::chrono::seconds(10));
  EXPECT_EQ(p.settings->store, "/var/lib/edugate/edugate.db");
  EXPECT_EQ(p.settings->max_store_size, 512ull << 20);  // a flood cannot fill the disk
}

TEST(ReportingSettings, ReadsEveryKeyAndResolvesRelativePaths) {
  const auto token_hash = hash_token("secret-token");
  const auto p = parse(
      "reporting:\n"
      "  store: state/edugate.db\n"
      "  flush_interval: 30s\n"
      "  k: 12\n"
      "  epsilon: 0.5\n"
      "  school_id: thcs-nguyen-du.hn\n"
      "  school_name: Trường THCS Nguyễn Du\n"
      "  signing_key: keys/school.key\n"
      "  retention_weeks: 4\n"
      "  max_store_size: 256MiB\n"
      "  top_domains: 15\n"
      "  api:\n"
      "    tokens: [" +
      token_hash +
      "]\n"
      "    requests_per_minute: 10\n"
      "    burst: 2\n");
  ASSERT_TRUE(p.settings) << (p.diags.empty() ? "" : rules::format(p.diags[0]));
  const auto& s = *p.settings;
  EXPECT_EQ(s.store, "/etc/edugate/state/edugate.db");
  EXPECT_EQ(s.signing_key, "/etc/edugate/keys/school.key");
  EXPECT_EQ(s.flush_interval, std::chrono::seconds(30));
  EXPECT_EQ(s.k, 12);
  ASSERT_TRUE(s.epsilon);
  EXPECT_DOUBLE_EQ(*s.epsilon, 0.5);
  EXPECT_EQ(s.school_id, "thcs-nguyen-du.hn");
  EXPECT_EQ(s.school_name, "Trường THCS Nguyễn Du");
  EXPECT_EQ(s.retention_weeks, 4);
  EXPECT_EQ(s.max_store_size, 256ull << 20);
  EXPECT_EQ(s.top_domains, 15);
  ASSERT_EQ(s.api_token_hashes.size(), 1u);
  EXPECT_EQ(s.api_burst, 2);
}

TEST(ReportingSettings, EpsilonOffIsOff) {
  const auto p = parse("reporting: {epsilon: off}\n");
  ASSERT_TRUE(p.settings);
  EXPECT_FALSE(p.settings->epsilon);
}

TEST(ReportingSettings, UnknownKeysAndBadValuesAreFileLineColErrors) {
  const auto p = parse(
      "reporting:\n"
      "  k: 1\n"
      "  flush_intervall: 10s\n"
      "  epsilon: lots\n"
      "  school_id: 'bad id/..'\n"
      "  api: {tokens: [abc]}\n");
  EXPECT_FALSE(p.settings);
  ASSERT_EQ(p.diags.size(), 1u) << "check_map stops at the unknown key";
  EXPECT_EQ(rules::format(p.diags[0]).substr(0, 30), "/etc/edugate/edugate.yaml:3:3:");
  EXPECT_NE(p.diags[0].message.find("flush_intervall"), std::string::npos);

  const auto q = parse(
      "reporting:\n"
      "  k: 1\n"
      "  epsilon: lots\n"
      "  school_id: 'bad id/..'\n"
      "  api: {tokens: [abc]}\n"
      "  flush_interval: 10\n");
  EXPECT_FALSE(q.settings);
  ASSERT_EQ(q.diags.size(), 5u);
  std::set<int> lines;
  for (const auto& d : q.diags) {
    lines.insert(d.line);
    EXPECT_GT(d.column, 0) << d.message;
  }
  EXPECT_EQ(lines, (std::set<int>{2, 3, 4, 5, 6})) << "one diagnostic per bad line";
}

TEST(ReportingSettings, PushNeedsHttpsASigningKeyAndASchoolId) {
  const auto ok = parse(
      "reporting:\n  school_id: thcs-a\n  signing_key: keys/school.key\n"
      "  push: {url: \"https://so-gddt.example.vn/api/v1/reports\", ca: keys/so.pem}\n");
  ASSERT_TRUE(ok.settings && ok.settings->push);
  EXPECT_EQ(ok.settings->push->url, "https://so-gddt.example.vn/api/v1/reports");
  EXPECT_EQ(ok.settings->push->ca, "/etc/edugate/keys/so.pem");
  EXPECT_EQ(ok.settings->push->keep_weeks, 12);
  EXPECT_EQ(ok.settings->push->retry_max, std::chrono::hours(4));

  const auto bad = parse(
      "reporting:\n  push:\n    url: http://so-gddt.example.vn/api/v1/reports\n"
      "    keep_weeks: 4\n");
  EXPECT_FALSE(bad.settings);
  std::string all;
  for (const auto& d : bad.diags) all += rules::format(d) + "\n";
  EXPECT_NE(all.find("edugate.yaml:3:10: reporting.push.url must be an https:// URL"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("keep_weeks"), std::string::npos) << all;
  EXPECT_NE(all.find("reporting.push needs reporting.signing_key"), std::string::npos) << all;
  EXPECT_NE(all.find("reporting.push needs reporting.school_id"), std::string::npos) << all;
}

TEST(ReportingSettings, KCannotExceedTheExactDeviceCountLimit) {
  EXPECT_FALSE(parse("reporting: {k: 65}\n").settings);
  EXPECT_TRUE(parse("reporting: {k: 64}\n").settings);
}

}  // namespace
}  // namespace edugate::reporting
