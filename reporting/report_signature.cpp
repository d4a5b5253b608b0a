#include "reporting/report_signature.hpp"

#include <fmt/format.h>

#include <optional>

#include "reporting/report_json.hpp"
#include "reporting/signing.hpp"
#include "rules/signing/ed25519.hpp"

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

namespace {

/// The fingerprint of the base64 public key a document names, or "(not an Ed25519 key)".
std::string named_fingerprint(const std::string& base64) {
  // Decoded here, never through load_public_key(): that reads a file when given a path.
  const auto raw = base64.size() <= 64 ? rules::signing::base64_decode(base64) : std::nullopt;
  const auto key = raw ? rules::signing::public_key_from_raw(*raw) : nullptr;
  return key ? key_fingerprint(key.get()) : std::string("(not an Ed25519 key)");
}

}  // namespace

VerifyResult verify_report(const nlohmann::json& document, EVP_PKEY* trusted_key) {
  if (!document.is_object() || !document.contains("signature"))
    return {VerifyStatus::unsigned_report, "the report carries no signature"};
  const auto& sig = document["signature"];
  // Every member read is checked to be a string first: nlohmann's value() throws on another type,
  // and a report is untrusted bytes.
  const auto text = [&sig](const char* key) -> std::optional<std::string> {
    const auto it = sig.find(key);
    if (it == sig.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (!sig.is_object() || text("algorithm") != "Ed25519" ||
      text("canonicalization") != kCanonicalization || !text("value"))
    return {VerifyStatus::malformed, "the signature block is not an edugate Ed25519 signature"};
  const std::string trusted = public_key_base64(trusted_key);
  if (text("public_key") != trusted)
    // Nothing the signature does not cover is echoed (it would reach logs): only the fingerprint
    // of the key the document names, computed here.
    return {VerifyStatus::wrong_key, fmt::format("signed by key {} but the trusted key is {}",
                                                 named_fingerprint(text("public_key").value_or("")),
                                                 key_fingerprint(trusted_key))};
  if (!verify_message(trusted_key, canonical_bytes(document), sig["value"].get<std::string>()))
    return {VerifyStatus::bad_signature,
            "the signature does not match the content: the report was changed after signing"};
  return {VerifyStatus::ok,
          fmt::format("good Ed25519 signature by key {}", key_fingerprint(trusted_key))};
}

}  // namespace edugate::reporting
