#include "proxy/inspect/leaf_certificate.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <ctime>
#include <string>

namespace edugate::proxy::inspect {

namespace {

constexpr std::size_t kMaxCommonName = 64;

bool set_serial(X509* cert, const Serial& serial) {
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  return bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool set_validity(X509* cert, X509* ca, std::chrono::system_clock::time_point now) {
  const std::time_t from = std::chrono::system_clock::to_time_t(now - kBackdate);
  std::time_t until = std::chrono::system_clock::to_time_t(now + kLeafValidity);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), from) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), until))
    return false;
  // A leaf outliving its CA would be rejected by clients anyway: end with the CA.
  if (ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca)) > 0)
    return X509_set1_notAfter(cert, X509_get0_notAfter(ca)) == 1;
  return true;
}

/// The subjectAltName entry: an IP address for IP literals, else a DNS name.
bool add_subject_alt_name(X509* cert, std::string_view host) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (!names || !name) {
    GENERAL_NAME_free(name);
    return false;
  }
  sk_GENERAL_NAME_push(names.get(), name);  // `names` owns it from here
  const std::string text(host);
  unsigned char ip[16];
  if (inet_pton(AF_INET, text.c_str(), ip) == 1 || inet_pton(AF_INET6, text.c_str(), ip) == 1) {
    const int len = text.find(':') == std::string::npos ? 4 : 16;
    Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
    if (!octets || ASN1_OCTET_STRING_set(octets.get(), ip, len) != 1) return false;
    GENERAL_NAME_set0_value(name, GEN_IPADD, octets.release());
  } else {
    ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
    if (!dns || ASN1_STRING_set(dns, text.data(), static_cast<int>(text.size())) != 1) {
      ASN1_IA5STRING_free(dns);
      return false;
    }
    GENERAL_NAME_set0_value(name, GEN_DNS, dns);
  }
  return X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

bool add_constraints_and_usage(X509* cert) {
  BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
  if (!bc) return false;
  bc->ca = 0;
  if (X509_add1_ext_i2d(cert, NID_basic_constraints, bc.get(), 1, X509V3_ADD_DEFAULT) != 1)
    return false;
  Asn1BitStringPtr ku(ASN1_BIT_STRING_new());
  if (!ku || ASN1_BIT_STRING_set_bit(ku.get(), 0, 1) != 1 ||  // bit 0: digitalSignature
      X509_add1_ext_i2d(cert, NID_key_usage, ku.get(), 1, X509V3_ADD_DEFAULT) != 1)
    return false;
  ExtendedKeyUsagePtr eku(sk_ASN1_OBJECT_new_null());
  if (!eku || !sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(NID_server_auth))) return false;
  return X509_add1_ext_i2d(cert, NID_ext_key_usage, eku.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

bool add_authority_key_id(X509* cert, X509* ca) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca);
  if (!ski) return true;  // a CA without one: clients chain by name
  AuthorityKeyidPtr aki(AUTHORITY_KEYID_new());
  if (!aki) return false;
  aki->keyid = ASN1_OCTET_STRING_dup(ski);
  return aki->keyid && X509_add1_ext_i2d(cert, NID_authority_key_identifier, aki.get(), 0,
                                         X509V3_ADD_DEFAULT) == 1;
}

}  // namespace

X509Ptr mint_leaf(const LeafRequest& r) {
  if (r.host.empty() || !r.ca_cert || !r.ca_key || !r.leaf_key) return nullptr;
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      !set_serial(cert.get(), r.serial) || !set_validity(cert.get(), r.ca_cert, r.now) ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(r.ca_cert)) != 1 ||
      X509_set_pubkey(cert.get(), r.leaf_key) != 1)
    return nullptr;
  if (r.host.size() <= kMaxCommonName &&
      X509_NAME_add_entry_by_NID(X509_get_subject_name(cert.get()), NID_commonName, MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(r.host.data()),
                                 static_cast<int>(r.host.size()), -1, 0) != 1)
    return nullptr;
  if (!add_subject_alt_name(cert.get(), r.host) || !add_constraints_and_usage(cert.get()) ||
      !add_authority_key_id(cert.get(), r.ca_cert))
    return nullptr;
  if (X509_sign(cert.get(), r.ca_key, EVP_sha256()) <= 0) return nullptr;
  return cert;
}

}  // namespace edugate::proxy::inspect
