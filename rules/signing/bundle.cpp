#include "rules/signing/bundle.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/signing/ed25519.hpp"
#include "rules/signing/sha256.hpp"

namespace edugate::rules::signing {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kManifestHeader = "edugate-rules-bundle v1\n";
constexpr std::string_view kSignaturePrefix = "ed25519 ";

bool read_whole(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

bool clean_name(const std::string& name) {
  for (const unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  return !name.empty();
}

/// Parses the manifest lines into path → hash; nullopt when malformed.
std::optional<std::map<std::string, std::string>> parse_manifest(std::string_view text) {
  if (!text.starts_with(kManifestHeader)) return std::nullopt;
  text.remove_prefix(kManifestHeader.size());
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    if (line.size() < 67 || line.substr(64, 2) != "  ") return std::nullopt;
    out.emplace(std::string(line.substr(66)), std::string(line.substr(0, 64)));
  }
  return out;
}

void compare(const std::map<std::string, std::string>& signed_files, const BundleFiles& present,
             const std::string& dir, std::vector<std::string>& problems) {
  for (const auto& [path, hash] : signed_files) {
    const auto it = present.find(path);
    if (it == present.end())
      problems.push_back(
          fmt::format("{}/{}: listed in the signed manifest but missing", dir, path));
    else if (sha256_hex(it->second) != hash)
      problems.push_back(
          fmt::format("{}/{}: content differs from the signed manifest (changed "
                      "after signing)",
                      dir, path));
  }
  for (const auto& [path, bytes] : present)
    if (!signed_files.contains(path))
      problems.push_back(
          fmt::format("{}/{}: not in the signed manifest (added after signing)", dir, path));
}

}  // namespace

std::optional<BundleFiles> read_bundle(const std::string& dir, std::string& error) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    error = fmt::format("{}: not a directory", dir);
    return std::nullopt;
  }
  BundleFiles files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const auto rel = fs::relative(it->path(), dir, ec).generic_string();
    if (it->is_symlink(ec) || (!it->is_regular_file(ec) && !it->is_directory(ec))) {
      error = fmt::format("{}/{}: symbolic links and special files are not allowed in a bundle",
                          dir, rel);
      return std::nullopt;
    }
    if (!clean_name(rel)) {
      error = fmt::format("{}: a file name holds control characters", dir);
      return std::nullopt;
    }
    if (it->is_directory(ec) || rel == kSignatureFile) continue;
    if (!read_whole(it->path(), files[rel])) {
      error = fmt::format("{}/{}: cannot read", dir, rel);
      return std::nullopt;
    }
  }
  if (ec) {
    error = fmt::format("{}: {}", dir, ec.message());
    return std::nullopt;
  }
  return files;
}

std::string manifest_text(const BundleFiles& files) {
  std::string out(kManifestHeader);
  for (const auto& [path, bytes] : files) out += fmt::format("{}  {}\n", sha256_hex(bytes), path);
  return out;
}

bool sign_bundle(const std::string& dir, std::string_view private_key_pem, std::string& error) {
  const PkeyPtr key = load_private_key(private_key_pem, error);
  if (!key) return false;
  const auto files = read_bundle(dir, error);
  if (!files) return false;
  const std::string manifest = manifest_text(*files);
  const auto signature = sign(key.get(), manifest, error);
  if (!signature) return false;
  const std::string text =
      manifest + std::string(kSignaturePrefix) + base64_encode(*signature) + "\n";
  const fs::path out = fs::path(dir) / kSignatureFile;
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  if (!(file << text) || !file.flush()) {
    error = fmt::format("{}: cannot write", out.string());
    return false;
  }
  return true;
}

BundleVerification verify_bundle(const std::string& dir, std::string_view public_key_pem) {
  BundleVerification result;
  std::string error;
  const PkeyPtr key = load_public_key(public_key_pem, error);
  if (!key) return {std::nullopt, {error}};
  std::string text;
  const fs::path sig_path = fs::path(dir) / kSignatureFile;
  if (!read_whole(sig_path, text))
    return {std::nullopt,
            {fmt::format("{}: the department bundle is not signed (no {}); sign it "
                         "with: edugate rules sign --key KEY {}",
                         dir, kSignatureFile, dir)}};
  const auto at = text.rfind(kSignaturePrefix);
  const bool shaped =
      at != std::string::npos && (at == 0 || text[at - 1] == '\n') && text.ends_with('\n');
  const auto signature =
      shaped ? base64_decode(std::string_view(text).substr(
                   at + kSignaturePrefix.size(), text.size() - at - kSignaturePrefix.size() - 1))
             : std::nullopt;
  const std::string_view manifest = std::string_view(text).substr(0, shaped ? at : 0);
  const auto listed = signature ? parse_manifest(manifest) : std::nullopt;
  if (!listed)
    return {std::nullopt, {fmt::format("{}: malformed signature file", sig_path.string())}};
  if (!verify(key.get(), manifest, *signature))
    return {std::nullopt,
            {fmt::format("{}: the signature does not verify with the department "
                         "public key (wrong key, or the signature file was edited)",
                         sig_path.string())}};
  auto files = read_bundle(dir, error);
  if (!files) return {std::nullopt, {error}};
  compare(*listed, *files, dir, result.problems);
  if (result.problems.empty()) result.files = std::move(files);
  return result;
}

}  // namespace edugate::rules::signing
