// The `inspection:` section of edugate.yaml, and what describes a failed origin certificate.
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "proxy/config.hpp"
#include "proxy/inspect/tls_contexts.hpp"

namespace edugate::proxy {
namespace {

constexpr std::string_view kBase =
    "listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n";

std::optional<Config> parse(std::string_view extra, rules::Diagnostics& d) {
  return parse_config(std::string(kBase) + std::string(extra), "/etc/edugate/edugate.yaml", d);
}

TEST(InspectionConfig, OffByDefault) {
  rules::Diagnostics d;
  const auto c = parse("", d);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->inspection.enabled);
}

TEST(InspectionConfig, ReadsEveryKeyAndResolvesPaths) {
  rules::Diagnostics d;
  const auto c = parse(R"(inspection:
  ca_cert: ca/school-ca.pem
  ca_key: /secure/school-ca.key
  cert_cache: 5000
  upstream_ca: trust/bundle.pem
  fallback_ttl: 30m
  fallback_hosts: 100
)",
                       d);
  ASSERT_TRUE(c) << (d.empty() ? "" : rules::format(d[0]));
  const auto& i = c->inspection;
  EXPECT_TRUE(i.enabled);
  EXPECT_EQ(i.ca_cert, "/etc/edugate/ca/school-ca.pem");
  EXPECT_EQ(i.ca_key, "/secure/school-ca.key");
  EXPECT_EQ(i.cert_cache, 5000u);
  EXPECT_EQ(i.upstream_ca, "/etc/edugate/trust/bundle.pem");
  EXPECT_EQ(i.fallback_ttl, std::chrono::minutes(30));
  EXPECT_EQ(i.fallback_hosts, 100u);
}

TEST(InspectionConfig, SystemMeansTheSystemTrustStore) {
  rules::Diagnostics d;
  const auto c = parse("inspection: {ca_cert: a.pem, ca_key: a.key, upstream_ca: system}\n", d);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->inspection.upstream_ca, "");
  EXPECT_EQ(c->inspection.cert_cache, 10000u);
}

struct BadCase {
  const char* yaml;
  int line;
  int column;
  const char* message;
};

TEST(InspectionConfig, ErrorsPointAtTheKey) {
  const BadCase cases[] = {
      {"inspection: {ca_cert: a.pem, ca_key: a.key, cert_cahce: 10}\n", 3, 45,
       "unknown key 'cert_cahce' in inspection"},
      {"inspection: {ca_cert: a.pem}\n", 3, 13, "inspection needs ca_cert and ca_key"},
      {"inspection: {ca_cert: a.pem, ca_key: a.key, cert_cache: 0}\n", 3, 57, "cert_cache"},
      {"inspection: {ca_cert: a.pem, ca_key: a.key, fallback_ttl: soon}\n", 3, 59, "fallback_ttl"},
      {"inspection: on\n", 3, 13, "inspection must be a mapping"},
  };
  for (const auto& c : cases) {
    rules::Diagnostics d;
    EXPECT_FALSE(parse(c.yaml, d)) << c.yaml;
    ASSERT_FALSE(d.empty()) << c.yaml;
    EXPECT_EQ(d[0].file, "/etc/edugate/edugate.yaml");
    EXPECT_EQ(d[0].line, c.line) << c.yaml << rules::format(d[0]);
    EXPECT_EQ(d[0].column, c.column) << c.yaml << rules::format(d[0]);
    EXPECT_NE(d[0].message.find(c.message), std::string::npos) << rules::format(d[0]);
  }
}

TEST(CertProblems, EachVerifyErrorHasABilingualReason) {
  using inspect::describe_verify_error;
  EXPECT_EQ(describe_verify_error(X509_V_ERR_CERT_HAS_EXPIRED).code, "expired");
  EXPECT_EQ(describe_verify_error(X509_V_ERR_HOSTNAME_MISMATCH).code, "wrong-host");
  EXPECT_EQ(describe_verify_error(X509_V_ERR_IP_ADDRESS_MISMATCH).code, "wrong-host");
  EXPECT_EQ(describe_verify_error(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT).code, "untrusted");
  EXPECT_EQ(describe_verify_error(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY).code, "untrusted");
  EXPECT_EQ(describe_verify_error(X509_V_ERR_CERT_NOT_YET_VALID).code, "not-yet-valid");
  EXPECT_EQ(describe_verify_error(12345).code, "invalid");
  EXPECT_NE(describe_verify_error(X509_V_ERR_CERT_HAS_EXPIRED).vi.find("hết hạn"),
            std::string_view::npos);
  EXPECT_NE(describe_verify_error(X509_V_ERR_CERT_HAS_EXPIRED).en.find("expired"),
            std::string_view::npos);
}

}  // namespace
}  // namespace edugate::proxy
