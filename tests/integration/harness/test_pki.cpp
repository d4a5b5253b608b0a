#include "tests/integration/harness/test_pki.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

constexpr long kBackdateSeconds = 3600;
constexpr long kLifetimeSeconds = 30L * 24 * 3600;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("make_test_pki: ") + what + " failed");
}

PkeyPtr new_key() {
  PkeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value), X509_EXTENSION_free);
  check(ext && X509_add_ext(cert, ext.get(), -1) == 1, value);
}

/// An unsigned certificate for `key` named `cn`, issued by `issuer` (itself when null).
X509Ptr new_cert(EVP_PKEY* key, const char* cn, X509* issuer) {
  X509Ptr cert(X509_new(), X509_free);
  check(cert != nullptr, "X509_new");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial) == 1, "RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr), BN_free);
  check(bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())), "serial");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) != nullptr,
        "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), kLifetimeSeconds) != nullptr, "notAfter");
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("edugate tests"), -1, -1,
                                   0) == 1,
        "O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn), -1, -1, 0) == 1,
        "CN");
  X509* signer = issuer ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "issuer");
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) { check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign"); }

void write_pem(const std::filesystem::path& file, X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new_file(file.c_str(), "w"), BIO_free);
  check(bio != nullptr, "BIO_new_file");
  if (cert) check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  if (key) {
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
  }
}

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir,
                      const std::vector<std::string>& extra_dns_names) {
  const PkeyPtr ca_key = new_key();
  const X509Ptr ca = new_cert(ca_key.get(), "edugate test CA", nullptr);
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  sign(ca.get(), ca_key.get());

  std::string san = "DNS:localhost,DNS:origin.test,IP:127.0.0.1,IP:::1";
  for (const auto& name : extra_dns_names) san += ",DNS:" + name;
  const PkeyPtr key = new_key();
  const X509Ptr leaf = new_cert(key.get(), "localhost", ca.get());
  add_extension(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(leaf.get(), ca.get(), NID_subject_alt_name, san.c_str());
  add_extension(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  sign(leaf.get(), ca_key.get());

  const TestPki pki{dir / "ca.pem", dir / "ca.key", dir / "server.pem", dir / "server.key"};
  write_pem(pki.ca_cert, ca.get(), nullptr);
  write_pem(pki.ca_key, nullptr, ca_key.get());
  write_pem(pki.server_cert, leaf.get(), nullptr);
  write_pem(pki.server_key, nullptr, key.get());
  return pki;
}

bool certificate_expires_within(const std::filesystem::path& cert, long long seconds) {
  return run_command({"openssl", "x509", "-in", cert.string(), "-noout", "-checkend",
                      std::to_string(seconds)},
                     milliseconds(10000))
             .exit_code == 1;
}

}  // namespace edugate::itest
