#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edugate::rules::signing {

/// Name of the detached signature inside a bundle directory. It is not part of the manifest.
inline constexpr std::string_view kSignatureFile = "bundle.sig";

/// The files of a bundle directory: relative path ('/'-separated, sorted) → bytes.
using BundleFiles = std::map<std::string, std::string>;

/// Reads every regular file under `dir` recursively, except kSignatureFile. Symbolic links,
/// special files and names with control characters are refused (nullopt, `error` set).
std::optional<BundleFiles> read_bundle(const std::string& dir, std::string& error);

/// The canonical manifest that is signed:
///   "edugate-rules-bundle v1\n" then one "<sha256 hex>  <relative path>\n" per file, sorted by
///   path (byte order). Pure.
std::string manifest_text(const BundleFiles& files);

/// Signs the bundle in `dir` with the Ed25519 private key in `private_key_pem` and writes
/// dir/bundle.sig (the manifest followed by "ed25519 <base64 signature>\n"). Returns false with
/// `error` set on failure.
bool sign_bundle(const std::string& dir, std::string_view private_key_pem, std::string& error);

/// Outcome of verify_bundle(): the files as read and verified, or every problem found.
struct BundleVerification {
  std::optional<BundleFiles> files;
  std::vector<std::string> problems;  ///< one line each, naming the file concerned
};

/// Verifies dir/bundle.sig with the Ed25519 public key in `public_key_pem` against the files
/// present now: refuses a missing or malformed signature, a signature by another key, and any
/// file modified, added or removed since signing. On success returns the bytes that were
/// hashed, so the caller loads exactly what was verified.
BundleVerification verify_bundle(const std::string& dir, std::string_view public_key_pem);

}  // namespace edugate::rules::signing
