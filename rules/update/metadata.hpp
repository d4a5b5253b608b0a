#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/signing/openssl_handles.hpp"

namespace edugate::rules::update {

/// The signed metadata of a published department bundle: the `current.json` that
/// `edugate rules publish` writes beside the content-addressed archive, and that every appliance
/// with `rules.update` polls. The shape (TUF's "timestamp + targets" in one small file):
///
///   {"signed": {"type": "edugate-rules", "spec": 1, "version": 7,
///               "created": "2026-12-07T10:00:00Z", "expires": "2027-01-06T10:00:00Z",
///               "archive": {"name": "<sha256>.tar.gz", "sha256": "<sha256>", "size": 123456},
///               "entries": 1500000, "key_id": "<sha256 of the signing key's raw 32 bytes>",
///               "next_key": "<base64 raw Ed25519 key>",   // optional: key rotation
///               "allow_shrink": false},                   // optional: a deliberate cut
///    "signature": "<base64 Ed25519 signature>"}
///
/// The signature covers "edugate-rules-metadata v1\n" followed by the canonical JSON of
/// `signed` (keys sorted, no spaces, integers only, ASCII strings): what is verified is exactly
/// what is read, whatever the spacing or key order of the file.
struct Metadata {
  std::uint64_t version = 0;   ///< grows with every publication
  std::int64_t created = 0;    ///< Unix seconds
  std::int64_t expires = 0;    ///< Unix seconds; past it the bundle is stale (kept, reported)
  std::string archive_name;    ///< "<sha256>.tar.gz", beside current.json
  std::string archive_sha256;  ///< 64 lowercase hex digits
  std::uint64_t archive_size = 0;
  std::uint64_t entries = 0;            ///< domain, URL, regex and keyword entries of the bundle
  std::string key_id;                   ///< key_id() of the signing key
  std::optional<std::string> next_key;  ///< raw 32 bytes of the key that signs later versions
  bool allow_shrink = false;            ///< the department cut its lists on purpose
};

/// Largest current.json accepted (bytes); a server that sends more is cut off.
inline constexpr std::size_t kMaxMetadataBytes = 64 * 1024;

/// A parsed current.json: the fields, the bytes that were signed and the signature. Nothing in
/// it is trusted until verify() says so.
struct SignedMetadata {
  Metadata metadata;
  std::string signed_bytes;  ///< the message the signature is over
  std::string signature;     ///< 64 raw bytes
};

/// Parses current.json. Malformed JSON, a missing or mistyped field, an unknown field, a
/// non-hex hash, an archive name that is not "<sha256>.tar.gz", a time that is not
/// "YYYY-MM-DDTHH:MM:SSZ" or a document over kMaxMetadataBytes give nullopt with `error` set
/// (one line). Pure.
std::optional<SignedMetadata> parse_metadata(std::string_view text, std::string& error);

/// The message signed for `m` (prefix + canonical JSON). Pure.
std::string signed_bytes(const Metadata& m);

/// Signs `m` with `private_key` and returns the current.json text (indented for reading); nullopt
/// with `error` set if OpenSSL fails.
std::optional<std::string> write_metadata(const Metadata& m, EVP_PKEY* private_key,
                                          std::string& error);

/// True when the signature of `s` verifies with `public_key` and s.metadata.key_id names it.
bool verify(const SignedMetadata& s, EVP_PKEY* public_key);

/// SHA-256 (hex) of a key's raw 32 bytes: how metadata names the key that signed it.
std::string key_id(std::string_view raw_public_key);

/// "2026-12-07T10:00:00Z" ↔ Unix seconds (UTC). Pure.
std::string format_utc(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_utc(std::string_view text);

}  // namespace edugate::rules::update
