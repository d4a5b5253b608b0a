// Leaf minting: the fields a browser checks, the SAN for names and IP literals, the validity
// window, the signature chaining to the school CA, and purity (same inputs, same certificate).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proxy/inspect/leaf_certificate.hpp"
#include "tests/unit/proxy/inspect/inspect_test_ca.hpp"

namespace edugate::proxy::inspect {
namespace {

using testing::make_test_ca;
using testing::test_now;

class LeafTest : public ::testing::Test {
 protected:
  X509Ptr mint(std::string_view host, std::chrono::system_clock::time_point now = test_now(),
               Serial serial = random_serial()) {
    LeafRequest r;
    r.ca_cert = ca_.cert.get();
    r.ca_key = ca_.key.get();
    r.leaf_key = leaf_key_.get();
    r.host = host;
    r.now = now;
    r.serial = serial;
    return mint_leaf(r);
  }

  /// Verifies `leaf` against the CA as a TLS client would at `now`, for `host`.
  int verify(X509* leaf, std::string_view host, std::chrono::system_clock::time_point now) {
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca_.cert.get());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_VERIFY_PARAM* p = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(p, std::chrono::system_clock::to_time_t(now));
    X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_SSL_SERVER);
    const std::string h(host);
    unsigned char ip[16];
    if (inet_pton(AF_INET, h.c_str(), ip) == 1 || inet_pton(AF_INET6, h.c_str(), ip) == 1)
      X509_VERIFY_PARAM_set1_ip_asc(p, h.c_str());
    else
      X509_VERIFY_PARAM_set1_host(p, h.c_str(), h.size());
    if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
    return X509_STORE_CTX_get_error(ctx.get());
  }

  std::vector<std::string> san(X509* leaf, int type) {
    std::vector<std::string> out;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
      if (n->type != type) continue;
      const ASN1_STRING* s = type == GEN_DNS ? n->d.dNSName : n->d.iPAddress;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       ASN1_STRING_length(s));
    }
    return out;
  }

  SchoolCa ca_ = make_test_ca();
  EvpPkeyPtr leaf_key_ = generate_p256_key();
};

TEST_F(LeafTest, NameLeafHasTheFieldsBrowsersCheck) {
  const auto leaf = mint("www.example.vn");
  ASSERT_TRUE(leaf);
  X509* c = leaf.get();
  EXPECT_EQ(X509_get_version(c), X509_VERSION_3);
  EXPECT_EQ(san(c, GEN_DNS), std::vector<std::string>{"www.example.vn"});
  EXPECT_TRUE(san(c, GEN_IPADD).empty());
  char cn[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "www.example.vn");
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(c), X509_get_subject_name(ca_.cert.get())), 0);
  EXPECT_EQ(X509_check_ca(c), 0);
  EXPECT_EQ(X509_get_key_usage(c), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_get_extended_key_usage(c), static_cast<std::uint32_t>(XKU_SSL_SERVER));
  int crit = -1;
  BasicConstraintsPtr bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(c, NID_basic_constraints, &crit, nullptr)));
  ASSERT_TRUE(bc);
  EXPECT_FALSE(bc->ca);
  EXPECT_EQ(crit, 1);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(c),
                                  X509_get0_subject_key_id(ca_.cert.get())),
            0);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(c), leaf_key_.get()), 1);
  EXPECT_EQ(X509_get_signature_nid(c), NID_ecdsa_with_SHA256);
}

TEST_F(LeafTest, SignatureChainsToTheSchoolCaForThatHostOnly) {
  const auto leaf = mint("allowed.test");
  ASSERT_TRUE(leaf);
  EXPECT_EQ(X509_verify(leaf.get(), ca_.key.get()), 1);
  EXPECT_EQ(verify(leaf.get(), "allowed.test", test_now()), X509_V_OK);
  EXPECT_EQ(verify(leaf.get(), "other.test", test_now()), X509_V_ERR_HOSTNAME_MISMATCH);
  const SchoolCa stranger = make_test_ca();
  EXPECT_EQ(X509_verify(leaf.get(), stranger.key.get()), 0);
}

TEST_F(LeafTest, ValidFromAnHourAgoForSevenDays) {
  const auto leaf = mint("a.test");
  int days = 0, secs = 0;
  ASSERT_EQ(
      ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(leaf.get()), X509_get0_notAfter(leaf.get())),
      1);
  EXPECT_EQ(days, 7);
  EXPECT_EQ(secs, 3600);
  const auto now = test_now();
  EXPECT_EQ(verify(leaf.get(), "a.test", now - std::chrono::minutes(59)), X509_V_OK);
  EXPECT_EQ(verify(leaf.get(), "a.test", now - std::chrono::minutes(61)),
            X509_V_ERR_CERT_NOT_YET_VALID);
  EXPECT_EQ(verify(leaf.get(), "a.test", now + std::chrono::hours(24 * 7 - 1)), X509_V_OK);
  EXPECT_EQ(verify(leaf.get(), "a.test", now + std::chrono::hours(24 * 7 + 1)),
            X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(LeafTest, NeverOutlivesTheCa) {
  // A CA made ten years ago ends in a day: the leaf ends with it.
  const auto old = test_now() - std::chrono::hours(24 * 3652);
  ca_ = make_test_ca(old);
  const auto leaf = mint("a.test");
  ASSERT_TRUE(leaf);
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(leaf.get()), X509_get0_notAfter(ca_.cert.get())),
            0);
}

TEST_F(LeafTest, IpLiteralsGetAnIpSan) {
  const auto v4 = mint("203.0.113.7");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(san(v4.get(), GEN_DNS).empty());
  EXPECT_EQ(san(v4.get(), GEN_IPADD),
            (std::vector<std::string>{std::string("\xcb\x00\x71\x07", 4)}));
  EXPECT_EQ(verify(v4.get(), "203.0.113.7", test_now()), X509_V_OK);
  const auto v6 = mint("2001:db8::1");
  ASSERT_TRUE(v6);
  ASSERT_EQ(san(v6.get(), GEN_IPADD).size(), 1u);
  EXPECT_EQ(san(v6.get(), GEN_IPADD)[0].size(), 16u);
  EXPECT_EQ(verify(v6.get(), "2001:db8::1", test_now()), X509_V_OK);
}

TEST_F(LeafTest, LongNamesGoInTheSanOnly) {
  const std::string host = std::string(70, 'a') + ".example.vn";
  const auto leaf = mint(host);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(leaf.get())), 0);
  EXPECT_EQ(san(leaf.get(), GEN_DNS), std::vector<std::string>{host});
  EXPECT_EQ(verify(leaf.get(), host, test_now()), X509_V_OK);
}

TEST_F(LeafTest, SerialIsTheOneGiven) {
  Serial s{};
  s.fill(0x11);
  s[0] = 0x7f;
  const auto leaf = mint("a.test", test_now(), s);
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf.get()), nullptr));
  std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), bytes.data());
  EXPECT_EQ(bytes, std::vector<unsigned char>(s.begin(), s.end()));
}

TEST_F(LeafTest, MintingIsAPureFunctionOfItsInputs) {
  // ECDSA signatures carry a random nonce, so compare everything that is signed.
  Serial s = random_serial();
  const auto a = mint("same.test", test_now(), s);
  const auto b = mint("same.test", test_now(), s);
  auto tbs = [](X509* c) {
    unsigned char* der = nullptr;
    const int n = i2d_re_X509_tbs(c, &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
  };
  EXPECT_EQ(tbs(a.get()), tbs(b.get()));
  EXPECT_NE(tbs(a.get()), tbs(mint("same.test", test_now(), random_serial()).get()));
  EXPECT_NE(tbs(a.get()), tbs(mint("same.test", test_now() + std::chrono::seconds(1), s).get()));
}

TEST_F(LeafTest, RefusesMissingInputs) {
  EXPECT_FALSE(mint(""));
  LeafRequest r;
  r.host = "a.test";
  EXPECT_FALSE(mint_leaf(r));
}

}  // namespace
}  // namespace edugate::proxy::inspect
