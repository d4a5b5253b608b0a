// The school CA: what `edugate ca init` makes, writes and what inspection loads back.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "proxy/inspect/ca_store.hpp"
#include "tests/unit/proxy/inspect/inspect_test_ca.hpp"

namespace edugate::proxy::inspect {
namespace {

namespace fs = std::filesystem;
using testing::make_test_ca;
using testing::test_now;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/edugate-ca-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

std::string subject_cn(X509* cert) {
  char cn[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  return cn;
}

TEST(SchoolCa, CertificateIsAP256CaForTenYears) {
  const auto ca = make_test_ca();
  ASSERT_TRUE(ca.cert);
  X509* c = ca.cert.get();
  EXPECT_EQ(subject_cn(c), "edugate school CA THCS Thử nghiệm");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)), 0);
  EXPECT_EQ(X509_check_ca(c), 1);
  EXPECT_TRUE(X509_get_key_usage(c) & KU_KEY_CERT_SIGN);
  EXPECT_TRUE(X509_get_key_usage(c) & KU_CRL_SIGN);
  EXPECT_EQ(X509_get_pathlen(c), 0);
  int crit = -1;
  BasicConstraintsPtr bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(c, NID_basic_constraints, &crit, nullptr)));
  ASSERT_TRUE(bc);
  EXPECT_TRUE(bc->ca);
  EXPECT_EQ(crit, 1);
  EXPECT_TRUE(X509_get0_subject_key_id(c));
  EXPECT_EQ(X509_get_ext_by_NID(c, NID_name_constraints, -1), -1);  // off by default
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(c)), 256);
  EXPECT_TRUE(EVP_PKEY_is_a(X509_get0_pubkey(c), "EC"));
  EXPECT_EQ(X509_verify(c, ca.key.get()), 1);  // self-signed
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c), X509_get0_notAfter(c)), 1);
  EXPECT_GE(days, 3652);
  EXPECT_LE(days, 3654);
  const std::time_t now = std::chrono::system_clock::to_time_t(test_now());
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(c), const_cast<std::time_t*>(&now)), 0);
}

TEST(SchoolCa, CommonNameIsCutAtACharacterBoundary) {
  EXPECT_EQ(ca_common_name(""), "edugate school CA");
  const std::string long_name(40, 'x');
  EXPECT_EQ(ca_common_name(long_name).size(), 58u);
  const auto cut = ca_common_name("Trường Trung học cơ sở Nguyễn Đình Chiểu, Hà Nội");
  EXPECT_LE(cut.size(), 64u);
  // Still valid UTF-8: the last byte is not the start of a multi-byte sequence.
  EXPECT_NE(static_cast<unsigned char>(cut.back()) & 0xc0, 0xc0);
}

TEST(SchoolCa, SerialsArePositiveAndDistinct) {
  const auto a = random_serial(), b = random_serial();
  EXPECT_NE(a, b);
  EXPECT_EQ(a[0] & 0x80, 0);
}

TEST(CaStore, WritesKey0600WhateverTheUmaskAndLoadsItBack) {
  TempDir dir;
  const auto ca = make_test_ca();
  const mode_t old = ::umask(0);
  std::string error;
  const bool written = write_school_ca(ca, dir.path() / "ca", error);
  ::umask(old);
  ASSERT_TRUE(written) << error;
  EXPECT_EQ(mode_of(dir.path() / "ca" / kCaKeyPem), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "ca" / kCaCertPem), 0644u);
  EXPECT_EQ(mode_of(dir.path() / "ca" / kCaCertDer), 0644u);
  const auto loaded = load_school_ca((dir.path() / "ca" / kCaCertPem).string(),
                                     (dir.path() / "ca" / kCaKeyPem).string(), test_now(), error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(X509_cmp(loaded->cert.get(), ca.cert.get()), 0);
  EXPECT_EQ(EVP_PKEY_eq(loaded->key.get(), ca.key.get()), 1);
}

TEST(CaStore, NeverOverwritesAnExistingCa) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(write_school_ca(make_test_ca(), dir.path(), error)) << error;
  const auto before = fs::last_write_time(dir.path() / kCaKeyPem);
  EXPECT_FALSE(write_school_ca(make_test_ca(), dir.path(), error));
  EXPECT_NE(error.find("never overwritten"), std::string::npos) << error;
  EXPECT_EQ(fs::last_write_time(dir.path() / kCaKeyPem), before);
}

TEST(CaStore, RefusesAPairThatDoesNotBelongTogether) {
  TempDir dir, other;
  std::string error;
  ASSERT_TRUE(write_school_ca(make_test_ca(), dir.path(), error));
  ASSERT_TRUE(write_school_ca(make_test_ca(), other.path(), error));
  EXPECT_FALSE(load_school_ca((dir.path() / kCaCertPem).string(),
                              (other.path() / kCaKeyPem).string(), test_now(), error));
  EXPECT_NE(error.find("does not belong"), std::string::npos) << error;
}

TEST(CaStore, RefusesAnExpiredCaAndAWorldReadableKey) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(write_school_ca(make_test_ca(), dir.path(), error));
  const auto cert = (dir.path() / kCaCertPem).string(), key = (dir.path() / kCaKeyPem).string();
  EXPECT_FALSE(load_school_ca(cert, key, test_now() + std::chrono::hours(24 * 3660), error));
  EXPECT_NE(error.find("expired"), std::string::npos) << error;
  fs::permissions(key, fs::perms::others_read, fs::perm_options::add);
  EXPECT_FALSE(load_school_ca(cert, key, test_now(), error));
  EXPECT_NE(error.find("open to its group or other users (mode 604"), std::string::npos) << error;
}

// Group bits too: a key shared with a group (say, every admin of the box) is a key any of them
// can mint certificates for every site with.
TEST(CaStore, RefusesAGroupReadableOrWritableKey) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(write_school_ca(make_test_ca(), dir.path(), error));
  const auto cert = (dir.path() / kCaCertPem).string(), key = (dir.path() / kCaKeyPem).string();
  ASSERT_TRUE(load_school_ca(cert, key, test_now(), error)) << error;
  for (const auto bit : {fs::perms::group_read, fs::perms::group_write, fs::perms::others_write}) {
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | bit,
                    fs::perm_options::replace);
    EXPECT_FALSE(load_school_ca(cert, key, test_now(), error));
    EXPECT_NE(error.find("open to its group or other users"), std::string::npos) << error;
  }
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  EXPECT_TRUE(load_school_ca(cert, key, test_now(), error)) << error;
  // Another owner: only testable as root (chown).
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(key.c_str(), 65534, 65534), 0);
    EXPECT_FALSE(load_school_ca(cert, key, test_now(), error));
    EXPECT_NE(error.find("belongs to user id 65534"), std::string::npos) << error;
  }
}

TEST(CaStore, RefusesALeafCertificateAsCa) {
  TempDir dir;
  // A self-signed certificate without CA:TRUE.
  const auto key = generate_p256_key();
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365 * 20);
  X509_set_pubkey(cert.get(), key.get());
  X509_sign(cert.get(), key.get(), EVP_sha256());
  const auto cert_path = dir.path() / "leaf.pem", key_path = dir.path() / "leaf.key";
  {
    BioPtr b(BIO_new_file(cert_path.c_str(), "w"));
    PEM_write_bio_X509(b.get(), cert.get());
    BioPtr k(BIO_new_file(key_path.c_str(), "w"));
    PEM_write_bio_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }
  fs::permissions(key_path, fs::perms::owner_read | fs::perms::owner_write);
  std::string error;
  EXPECT_FALSE(load_school_ca(cert_path.string(), key_path.string(),
                              std::chrono::system_clock::now(), error));
  EXPECT_NE(error.find("not a CA certificate"), std::string::npos) << error;
  EXPECT_FALSE(load_school_ca((dir.path() / "missing.pem").string(), key_path.string(),
                              std::chrono::system_clock::now(), error));
  EXPECT_NE(error.find("missing.pem"), std::string::npos) << error;
}

}  // namespace
}  // namespace edugate::proxy::inspect
