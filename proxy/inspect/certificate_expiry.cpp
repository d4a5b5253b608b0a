#include "proxy/inspect/certificate_expiry.hpp"

#include <openssl/pem.h>

#include <ctime>

#include "proxy/inspect/openssl_ptr.hpp"

namespace edugate::proxy::inspect {

std::optional<std::int64_t> certificate_not_after(const std::string& pem_file) {
  BioPtr bio{BIO_new_file(pem_file.c_str(), "r")};
  if (!bio) return std::nullopt;
  X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
  if (!cert) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace edugate::proxy::inspect
