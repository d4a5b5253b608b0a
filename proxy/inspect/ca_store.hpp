#pragma once

// Reading and writing the school CA's files. The private key is written 0600 with O_EXCL (an
// existing CA is never overwritten: devices already trust it) and is never logged or echoed.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "proxy/inspect/school_ca.hpp"

namespace edugate::proxy::inspect {

/// File names `edugate ca init --out DIR` writes into DIR.
inline constexpr const char* kCaCertPem = "school-ca.pem";  ///< certificate, PEM (0644)
inline constexpr const char* kCaCertDer = "school-ca.crt";  ///< certificate, DER (0644)
inline constexpr const char* kCaKeyPem = "school-ca.key";   ///< private key, PEM PKCS#8 (0600)

/// Writes the three files above into `dir` (created if missing). Each file is opened with
/// O_CREAT|O_EXCL, so nothing is overwritten; the key gets mode 0600 whatever the umask. On
/// failure `error` says which file and why (never anything about the key's bytes) and files
/// already written are removed again.
bool write_school_ca(const SchoolCa& ca, const std::filesystem::path& dir, std::string& error);

/// Loads a CA certificate (PEM) and its unencrypted private key (PEM) and checks that they
/// belong together, that the certificate is a CA allowed to sign certificates, that it is
/// valid at `now`, and that the key file is not readable by every user. On failure returns
/// nullopt with `error` naming the file and the problem.
std::optional<SchoolCa> load_school_ca(const std::string& cert_path, const std::string& key_path,
                                       std::chrono::system_clock::time_point now,
                                       std::string& error);

/// The certificate's common name and SHA-256 fingerprint (AA:BB:...), for logs and `ca init`.
std::string describe_certificate(X509* cert);

}  // namespace edugate::proxy::inspect
