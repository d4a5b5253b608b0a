#pragma once

// HTTPS inspection through the real binary: a school CA made with `edugate ca init` at test
// time, a TLS origin with its own test CA (which edugate trusts as its upstream bundle), origins
// with an expired or wrong-host certificate, and a small rule set whose group inspects.

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <string>
#include <vector>

#include "proxy/inspect/openssl_ptr.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/test_pki.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {

inline constexpr const char* kInspectDepartment = R"(
description: test department set (inspection)
categories:
  - id: xau
    labels: {vi: "Nội dung xấu", en: "Harmful content"}
    mandatory: true
    domains: [blocked.test]
    urls: [allowed.test/forbidden]
    keywords: ["cờ bạc"]
  - id: mxh
    labels: {vi: "Mạng xã hội", en: "Social networks"}
    domains: [social.test]
  - id: ngan-hang
    labels: {vi: "Ngân hàng", en: "Banking"}
    domains: [bank.test]
  - id: thu-nghiem
    labels: {vi: "Danh sách thử nghiệm", en: "Trial list"}
    urls: [allowed.test/trial]
profiles:
  thcs:
    warn: [mxh]
    monitor: [thu-nghiem]
    inspect: all
    inspect_exempt: {categories: [ngan-hang]}
    safe_search: {enabled: true, youtube: strict}
)";

/// The school file: one pupil group on loopback, with `policy` (YAML flow map) when given.
inline std::string inspect_school(std::string_view policy = {}) {
  std::string s =
      "groups:\n  - id: hoc-sinh\n    labels: {vi: \"Học sinh\", en: \"Pupils\"}\n"
      "    age: thcs\n    networks: [127.0.0.0/8]\n";
  if (!policy.empty()) s += "    policy: " + std::string(policy) + "\n";
  return s;
}

/// A certificate for `dns_names` signed by the test PKI's CA, valid [not_before, not_after]
/// (seconds from now), written as a TestPki whose server pair is the new certificate.
inline TestPki make_origin_cert(const TestPki& pki, const std::filesystem::path& dir,
                                const std::string& dns_name, long not_before, long not_after) {
  namespace in = proxy::inspect;
  auto fail = [](const char* what) { throw std::runtime_error(std::string("cert: ") + what); };
  in::BioPtr ca_bio(BIO_new_file(pki.ca_cert.c_str(), "r"));
  in::X509Ptr ca(ca_bio ? PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  in::BioPtr key_bio(BIO_new_file(pki.ca_key.c_str(), "r"));
  in::EvpPkeyPtr ca_key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                                : nullptr);
  in::EvpPkeyPtr key(EVP_EC_gen("P-256"));
  in::X509Ptr cert(X509_new());
  if (!ca || !ca_key || !key || !cert) fail("setup");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca.get(), cert.get(), nullptr, nullptr, 0);
  const std::string san = "DNS:" + dns_name;
  in::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str()));
  if (!ext || X509_add_ext(cert.get(), ext.get(), -1) != 1) fail("SAN");
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) fail("sign");
  TestPki out = pki;
  out.server_cert = dir / (dns_name + ".pem");
  out.server_key = dir / (dns_name + ".key");
  in::BioPtr c(BIO_new_file(out.server_cert.c_str(), "w"));
  in::BioPtr k(BIO_new_file(out.server_key.c_str(), "w"));
  if (!c || !k || PEM_write_bio_X509(c.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("write");
  return out;
}

/// Everything but the edugate process: CA, PKI, origins, rules.
struct InspectionSetup {
  explicit InspectionSetup(std::string_view school_policy = {})
      : school(dir.write("school.yaml", inspect_school(school_policy))) {
    const auto r = run_command(
        {edugate_binary(), "ca", "init", "--out", ca_dir.string(), "--name", "Trường Kiểm thử"},
        milliseconds(20000));
    if (r.exit_code != 0) throw std::runtime_error("edugate ca init failed: " + r.err);
  }

  TempDir dir{"edugate-inspect"};
  std::filesystem::path department = dir.write("department.yaml", kInspectDepartment);
  std::filesystem::path school;
  std::filesystem::path ca_dir = dir.path() / "ca";
  std::filesystem::path school_ca = ca_dir / "school-ca.pem";
  TestPki pki = make_test_pki(
      dir.path(), {"allowed.test", "blocked.test", "bank.test", "social.test", "www.google.com"});
  TestOrigin origin{pki};
  TestOrigin expired_origin{
      make_origin_cert(pki, dir.path(), "expired.test", -10 * 86400L, -86400L)};

  /// Config: every test name routed to the TLS origin (expired.test to the expired one;
  /// www.google.com deliberately absent: only its safe-search endpoint leads anywhere).
  std::string config(std::string_view extra = {}, int workers = 2) const {
    std::string c = test_config(extra, workers);
    c += "rules:\n  department: " + department.string() + "\n  school: " + school.string() +
         "\n  timezone: Asia/Ho_Chi_Minh\n";
    c += "upstream_overrides:\n";
    const auto o = origin.endpoint().authority();
    for (const char* host : {"allowed.test", "blocked.test", "bank.test", "social.test",
                             "wronghost.test", "forcesafesearch.google.com"})
      c += std::string("  ") + host + ": \"" + o + "\"\n";
    c += "  expired.test: \"" + expired_origin.endpoint().authority() + "\"\n";
    c += "inspection:\n  ca_cert: " + school_ca.string() +
         "\n  ca_key: " + (ca_dir / "school-ca.key").string() +
         "\n  upstream_ca: " + pki.ca_cert.string() + "\n";
    return c;
  }
};

}  // namespace edugate::itest
