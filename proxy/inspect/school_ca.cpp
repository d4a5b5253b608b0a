#include "proxy/inspect/school_ca.hpp"

#include <openssl/ec.h>
#include <openssl/rand.h>

#include <algorithm>
#include <ctime>

namespace edugate::proxy::inspect {

namespace {

std::time_t to_time_t(std::chrono::system_clock::time_point t) {
  return std::chrono::system_clock::to_time_t(t);
}

bool add_name(X509_NAME* name, const char* field, std::string_view value) {
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

/// Adds an extension written in OpenSSL's config syntax (only used for the CA, made once).
bool add_conf_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

}  // namespace

Serial random_serial() {
  Serial s{};
  do {
    if (RAND_bytes(s.data(), static_cast<int>(s.size())) != 1) s.fill(0x5a);  // never reached
    s[0] &= 0x7f;
  } while (std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; }));
  return s;
}

EvpPkeyPtr generate_p256_key() { return EvpPkeyPtr(EVP_EC_gen("P-256")); }

std::string ca_common_name(std::string_view school_name) {
  std::string cn = "edugate school CA";
  if (!school_name.empty()) {
    cn += ' ';
    cn += school_name;
  }
  constexpr std::size_t kMaxCommonName = 64;
  if (cn.size() <= kMaxCommonName) return cn;
  std::size_t end = kMaxCommonName;
  while (end > 0 && (static_cast<unsigned char>(cn[end]) & 0xc0) == 0x80) --end;
  cn.resize(end);
  return cn;
}

X509Ptr make_ca_certificate(EVP_PKEY* key, std::string_view school_name,
                            std::chrono::system_clock::time_point now, const Serial& serial) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return nullptr;
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return nullptr;
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), to_time_t(now - kBackdate)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), to_time_t(now - kBackdate + kCaValidity)))
    return nullptr;
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!add_name(name, "O", "edugate") || !add_name(name, "CN", ca_common_name(school_name)) ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key) != 1)
    return nullptr;
  if (!add_conf_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_conf_extension(cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_conf_extension(cert.get(), NID_subject_key_identifier, "hash"))
    return nullptr;
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return nullptr;
  return cert;
}

}  // namespace edugate::proxy::inspect
