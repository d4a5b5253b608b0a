#pragma once

#include <chrono>
#include <map>
#include <string>

#include "proxy/admin/admin_server.hpp"
#include "reporting/settings.hpp"
#include "reporting/token_bucket.hpp"

namespace edugate::proxy::server {

/// The department's pull endpoint on the admin listener:
///   GET /api/v1/reports/weekly/2026-W47[?format=json|csv|html]
///   GET /api/v1/reports/range/2025-09-05/2026-05-31[?format=...]
/// with `Authorization: Bearer <token>`, where the config holds only the token's SHA-256. 401
/// without a valid token (the failed attempts themselves are rate limited, so tokens cannot be
/// guessed quickly), 429 with Retry-After beyond requests_per_minute/burst per token, 400 for a
/// malformed week. The JSON carries the school's Ed25519 signature when a signing key is set.
/// Main-thread object.
class ReportApi {
 public:
  static constexpr std::string_view kPrefix = "/api/v1/reports/";

  explicit ReportApi(const reporting::ReportingSettings& settings);
  AdminResponse handle(const AdminRequest& request);

 private:
  AdminResponse build(std::string_view what, std::string_view format);

  const reporting::ReportingSettings& settings_;
  std::map<std::string, reporting::TokenBucket> per_token_;
  reporting::TokenBucket failures_;
};

}  // namespace edugate::proxy::server
