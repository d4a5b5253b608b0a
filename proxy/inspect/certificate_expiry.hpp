#pragma once

// When a certificate edugate presents or signs with runs out: the school CA of HTTPS
// inspection and the admin listener's certificate. Exported as a metric, so that an alert
// (etc/prometheus/edugate-alerts.yml) fires a month before pupils' HTTPS or the department's
// pulls break.

#include <cstdint>
#include <optional>
#include <string>

namespace edugate::proxy::inspect {

/// The notAfter of the first certificate in a PEM file, as Unix time; nullopt when the file
/// cannot be read or holds no certificate.
std::optional<std::int64_t> certificate_not_after(const std::string& pem_file);

}  // namespace edugate::proxy::inspect
