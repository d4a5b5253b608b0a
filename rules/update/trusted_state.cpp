#include "rules/update/trusted_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rules/load/file_provider.hpp"
#include "rules/signing/ed25519.hpp"
#include "rules/update/durable_file.hpp"

namespace edugate::rules::update {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kStateFile = "state.json";

json to_json(const AcceptedBundle& b) {
  return {{"version", b.version},
          {"dir", b.dir},
          {"archive_sha256", b.archive_sha256},
          {"entries", b.entries},
          {"key_id", b.key_id},
          {"created", b.created},
          {"expires", b.expires},
          {"accepted_at", b.accepted_at},
          {"source", b.source},
          {"metadata", b.metadata}};
}

AcceptedBundle bundle_from(const json& j) {
  AcceptedBundle b;
  b.version = j.at("version").get<std::uint64_t>();
  b.dir = j.at("dir").get<std::string>();
  b.archive_sha256 = j.at("archive_sha256").get<std::string>();
  b.entries = j.at("entries").get<std::uint64_t>();
  b.key_id = j.at("key_id").get<std::string>();
  b.created = j.at("created").get<std::int64_t>();
  b.expires = j.at("expires").get<std::int64_t>();
  b.accepted_at = j.at("accepted_at").get<std::int64_t>();
  b.source = j.at("source").get<std::string>();
  b.metadata = j.at("metadata").get<std::string>();
  // A bundle directory is always "bundles/<name>": nothing in the state file can point the
  // loader elsewhere.
  if (!b.dir.starts_with("bundles/") || b.dir.find("..") != std::string::npos ||
      b.dir.find('/', 8) != std::string::npos)
    throw std::runtime_error("bundle dir " + b.dir + " is not under bundles/");
  return b;
}

}  // namespace

std::optional<TrustedState> read_trusted_state(const std::string& state_dir, std::string& error) {
  const fs::path path = fs::path(state_dir) / kStateFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec) && !ec) return TrustedState{};
    error = fmt::format("{}: cannot read", path.string());
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    const json j = json::parse(ss.str());
    TrustedState s;
    s.pinned_key_id = j.at("pinned_key_id").get<std::string>();
    for (const auto& k : j.at("keys")) {
      auto raw = signing::base64_decode(k.get<std::string>());
      if (!raw || raw->size() != 32) throw std::runtime_error("a key is not 32 base64 bytes");
      s.keys.push_back(std::move(*raw));
    }
    s.highest_version = j.at("highest_version").get<std::uint64_t>();
    if (j.contains("active")) s.active = bundle_from(j.at("active"));
    if (j.contains("previous")) s.previous = bundle_from(j.at("previous"));
    return s;
  } catch (const std::exception& e) {
    error = fmt::format(
        "{}: corrupt ({}); move it away only if you mean to trust any version "
        "again",
        path.string(), e.what());
    return std::nullopt;
  }
}

bool write_trusted_state(const std::string& state_dir, const TrustedState& s, std::string& error) {
  json j = {{"pinned_key_id", s.pinned_key_id},
            {"keys", json::array()},
            {"highest_version", s.highest_version}};
  for (const auto& k : s.keys) j["keys"].push_back(signing::base64_encode(k));
  if (s.active) j["active"] = to_json(*s.active);
  if (s.previous) j["previous"] = to_json(*s.previous);
  const std::string text = j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return write_durably((fs::path(state_dir) / kStateFile).string(), text, 0640, error);
}

std::optional<std::string> key_id_of_file(const std::string& path, std::string& error) {
  const auto pem = load::DiskFiles().read(path, error);
  if (!pem) {
    error = fmt::format("{}: cannot read: {}", path, error);
    return std::nullopt;
  }
  const auto key = signing::load_public_key(*pem, error);
  const auto raw = key ? signing::raw_public_key(key.get()) : std::nullopt;
  if (!raw) {
    error = fmt::format("{}: {}", path, error.empty() ? "not an Ed25519 public key" : error);
    return std::nullopt;
  }
  return key_id(*raw);
}

Trust current_trust(const TrustedState& state, const std::string& pinned_raw) {
  Trust t;
  t.pinned_key_id = key_id(pinned_raw);
  if (state.pinned_key_id == t.pinned_key_id) {
    // The same lineage: the admin's pin is the one it started from (the keys it rotated to
    // since are in state.keys). Pinning any other key, even one the lineage rotated to, starts
    // afresh: a stolen key could have named the department's next key itself.
    t.keys = state.keys.empty() ? std::vector<std::string>{pinned_raw} : state.keys;
    t.highest_version = state.highest_version;
    return t;
  }
  t.keys = {pinned_raw};
  t.highest_version = 0;
  if (!state.pinned_key_id.empty())
    t.note = fmt::format(
        "rules.update.pubkey changed (key {} → {}): trusting only the new key, and versions "
        "from 1 again (the highest accepted under the old key was {})",
        state.pinned_key_id.substr(0, 16), t.pinned_key_id.substr(0, 16), state.highest_version);
  return t;
}

Judgement judge(const SignedMetadata& m, const Trust& trust, std::int64_t now) {
  Judgement j;
  const std::string* signer = nullptr;
  for (const auto& k : trust.keys)
    if (key_id(k) == m.metadata.key_id) signer = &k;
  if (!signer) {
    j.why = fmt::format("signed by key {}, which this appliance does not trust",
                        m.metadata.key_id.substr(0, 16));
    return j;
  }
  const auto key = signing::public_key_from_raw(*signer);
  if (!key || !verify(m, key.get())) {
    j.why = fmt::format("the signature does not verify with key {}: current.json was altered",
                        m.metadata.key_id.substr(0, 16));
    return j;
  }
  if (m.metadata.version < trust.highest_version) {
    j.why = fmt::format("version {} is older than version {} already accepted (rollback refused)",
                        m.metadata.version, trust.highest_version);
    return j;
  }
  if (now >= m.metadata.expires) {
    j.expired = true;
    j.why = fmt::format("version {} expired at {} (the department has not re-published: stale)",
                        m.metadata.version, format_utc(m.metadata.expires));
    return j;
  }
  j.verdict = m.metadata.version == trust.highest_version ? Verdict::unchanged : Verdict::accept;
  return j;
}

std::vector<std::string> keys_after(const SignedMetadata& m, const Trust& trust) {
  std::vector<std::string> out;
  for (const auto& k : trust.keys)
    if (key_id(k) == m.metadata.key_id) out.push_back(k);
  if (m.metadata.next_key && (out.empty() || out.front() != *m.metadata.next_key))
    out.push_back(*m.metadata.next_key);
  return out;
}

}  // namespace edugate::rules::update
