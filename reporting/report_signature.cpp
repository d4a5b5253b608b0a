#include "reporting/report_signature.hpp"

#include <fmt/format.h>

#include "reporting/report_json.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting {

namespace {
constexpr std::string_view kCanonicalization = "edugate-json-v1";
}

bool sign_report(nlohmann::json& document, EVP_PKEY* private_key, std::string* error) {
  const std::string pub = public_key_base64(private_key);
  if (pub.empty()) {
    if (error) *error = "the signing key has no Ed25519 public half";
    return false;
  }
  document.erase("signature");
  if (document.value("kind", "") == "school" && document.contains("schools") &&
      document["schools"].is_array() && document["schools"].size() == 1)
    document["schools"][0]["public_key"] = pub;
  const auto value = sign_message(private_key, canonical_bytes(document), error);
  if (!value) return false;
  document["signature"] = {{"algorithm", "Ed25519"},
                           {"canonicalization", kCanonicalization},
                           {"key_id", key_fingerprint(private_key)},
                           {"public_key", pub},
                           {"value", *value}};
  return true;
}

VerifyResult verify_report(const nlohmann::json& document, EVP_PKEY* trusted_key) {
  if (!document.is_object() || !document.contains("signature"))
    return {VerifyStatus::unsigned_report, "the report carries no signature"};
  const auto& sig = document["signature"];
  if (!sig.is_object() || sig.value("algorithm", "") != "Ed25519" ||
      sig.value("canonicalization", "") != kCanonicalization || !sig.contains("value") ||
      !sig["value"].is_string())
    return {VerifyStatus::malformed, "the signature block is not an edugate Ed25519 signature"};
  const std::string trusted = public_key_base64(trusted_key);
  const std::string named = sig.value("public_key", "");
  if (named != trusted)
    return {VerifyStatus::wrong_key,
            fmt::format("signed by key {} but the trusted key is {}", sig.value("key_id", "?"),
                        key_fingerprint(trusted_key))};
  if (!verify_message(trusted_key, canonical_bytes(document), sig["value"].get<std::string>()))
    return {VerifyStatus::bad_signature,
            "the signature does not match the content: the report was changed after signing"};
  return {VerifyStatus::ok,
          fmt::format("good Ed25519 signature by key {}", key_fingerprint(trusted_key))};
}

}  // namespace edugate::reporting
