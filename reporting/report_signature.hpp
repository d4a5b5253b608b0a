#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reporting/openssl_handles.hpp"

namespace edugate::reporting {

/// Signs a report document in place: records the signer's public key in the school entry
/// (school reports), then adds
///   "signature": {"algorithm": "Ed25519", "canonicalization": "edugate-json-v1",
///                 "key_id": <fingerprint>, "public_key": <base64>, "value": <base64>}
/// over canonical_bytes() of everything else. Returns false with `error` on failure. Pure.
bool sign_report(nlohmann::json& document, EVP_PKEY* private_key, std::string* error);

enum class VerifyStatus { ok, unsigned_report, malformed, wrong_key, bad_signature };

struct VerifyResult {
  VerifyStatus status = VerifyStatus::malformed;
  std::string message;  ///< one line for people, e.g. "signature does not match: tampered?"
  bool ok() const noexcept { return status == VerifyStatus::ok; }
};

/// Checks a report document's signature against the key the caller trusts (never against the
/// key the document names). Pure, thread-safe.
VerifyResult verify_report(const nlohmann::json& document, EVP_PKEY* trusted_key);

}  // namespace edugate::reporting
