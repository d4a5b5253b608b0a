#pragma once

// A throw-away PKI for TLS tests: a CA and one server certificate signed by it.

#include <filesystem>
#include <string>
#include <vector>

namespace edugate::itest {

struct TestPki {
  std::filesystem::path ca_cert;      ///< PEM; give it to curl --cacert
  std::filesystem::path ca_key;       ///< PEM, unencrypted (for tests that mint certificates)
  std::filesystem::path server_cert;  ///< PEM, leaf only
  std::filesystem::path server_key;   ///< PEM, unencrypted
};

/// Writes ca.pem, ca.key, server.pem and server.key into `dir`: a fresh P-256 CA ("edugate test
/// CA") and a server certificate for localhost, origin.test, 127.0.0.1 and ::1 plus
/// `extra_dns_names`, valid from an hour ago for 30 days. Throws std::runtime_error on failure.
TestPki make_test_pki(const std::filesystem::path& dir,
                      const std::vector<std::string>& extra_dns_names = {});

/// True when the PEM certificate in `cert` expires within `seconds` from now, as
/// `openssl x509 -checkend` reads it: an independent reading to check edugate's own against.
bool certificate_expires_within(const std::filesystem::path& cert, long long seconds);

}  // namespace edugate::itest
