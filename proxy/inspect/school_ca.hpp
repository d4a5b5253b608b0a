#pragma once

// The school's own certificate authority: what `edugate ca init` makes, and what inspection
// signs leaf certificates with. Making the certificate is a pure function of its inputs (the
// key, the school's name, the time, the serial); only key generation and serials draw on
// OpenSSL's random generator.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/inspect/openssl_ptr.hpp"

namespace edugate::proxy::inspect {

/// A positive, non-zero 128-bit certificate serial number (big-endian bytes).
using Serial = std::array<std::uint8_t, 16>;

/// A school CA: its certificate and private key.
struct SchoolCa {
  X509Ptr cert;
  EvpPkeyPtr key;
};

/// How long a school CA is valid: 10 years, from one hour before it was made.
inline constexpr std::chrono::hours kCaValidity{24 * 3653};
inline constexpr std::chrono::hours kBackdate{1};

/// 16 bytes from the CSPRNG with the top bit cleared and never all zero. Thread-safe.
Serial random_serial();

/// A fresh ECDSA P-256 key pair; nullptr if OpenSSL fails. Thread-safe.
EvpPkeyPtr generate_p256_key();

/// "edugate school CA <school_name>", or "edugate school CA" when the name is empty; cut at a
/// UTF-8 character boundary to the 64 bytes a common name may hold.
std::string ca_common_name(std::string_view school_name);

/// The self-signed CA certificate for `key`: subject and issuer O=edugate, CN=ca_common_name(),
/// valid from now - kBackdate for kCaValidity, basicConstraints critical CA:TRUE with pathlen 0
/// (it signs leaves only), keyUsage critical keyCertSign + cRLSign, subjectKeyIdentifier. No
/// name constraints. Signed with SHA-256. Pure; nullptr only if OpenSSL fails.
X509Ptr make_ca_certificate(EVP_PKEY* key, std::string_view school_name,
                            std::chrono::system_clock::time_point now, const Serial& serial);

}  // namespace edugate::proxy::inspect
