#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/update/metadata.hpp"

namespace edugate::rules::update {

/// A department bundle an appliance accepted, as the state directory remembers it.
struct AcceptedBundle {
  std::uint64_t version = 0;
  std::string dir;  ///< the unpacked bundle, relative to the state directory ("bundles/7-ab12…")
  std::string archive_sha256;
  std::uint64_t entries = 0;
  std::string key_id;
  std::int64_t created = 0;
  std::int64_t expires = 0;
  std::int64_t accepted_at = 0;  ///< Unix seconds
  std::string source;            ///< the URL it came from
  std::string metadata;          ///< the current.json text that was verified
};

/// What an appliance trusts, kept in <state>/state.json and replaced atomically (write a
/// temporary file, fsync, rename, fsync the directory): after a crash it is the old state or the
/// new, never a mix. It outlives restarts, so a reboot can never take the appliance back to an
/// older bundle, and it lives outside the bundles themselves, so no bundle can raise its own trust.
struct TrustedState {
  /// key_id() of the `rules.update.pubkey` this lineage started from. When the admin pins
  /// another key, the lineage restarts from it (see next_trust()).
  std::string pinned_key_id;
  /// Raw keys that may sign the next version: the pinned key, then whatever a verified
  /// metadata named as next_key. The version ratchet is per lineage.
  std::vector<std::string> keys;
  std::uint64_t highest_version = 0;       ///< never goes down
  std::optional<AcceptedBundle> active;    ///< what `run` loads at start
  std::optional<AcceptedBundle> previous;  ///< the one before, kept on disk
};

/// Reads <state_dir>/state.json; an absent file is an empty state. A corrupt file is an error
/// (nullopt, `error` set): it is never read as "nothing trusted yet", which would reopen rollback.
std::optional<TrustedState> read_trusted_state(const std::string& state_dir, std::string& error);
/// Replaces <state_dir>/state.json atomically and durably. False with `error` set on failure.
bool write_trusted_state(const std::string& state_dir, const TrustedState& state,
                         std::string& error);

/// key_id() of the Ed25519 public key in the PEM file at `path`; nullopt with `error` set.
std::optional<std::string> key_id_of_file(const std::string& path, std::string& error);

/// How a new current.json compares with what is trusted.
enum class Verdict {
  accept,     ///< verified, newer, not expired: fetch the archive and try it
  unchanged,  ///< verified, the version in force: nothing to do
  refuse,     ///< `why` says what is wrong; nothing changes
};
struct Judgement {
  Verdict verdict = Verdict::refuse;
  std::string why;
  bool expired = false;  ///< the refusal is only that it has expired (a freeze)
};

/// The keys trusted now: the state's lineage, or only `pinned_raw` when the admin pinned a key
/// the lineage does not hold (a new lineage: the version mark restarts, and says so in `note`).
struct Trust {
  std::string pinned_key_id;
  std::vector<std::string> keys;
  std::uint64_t highest_version = 0;
  std::string note;  ///< non-empty when the lineage restarted
};
Trust current_trust(const TrustedState& state, const std::string& pinned_raw);

/// Judges `m` against `trust` at `now` (Unix seconds): signed by a trusted key (the signature
/// verifies), a version not below the mark (equal: unchanged), not expired. Pure.
Judgement judge(const SignedMetadata& m, const Trust& trust, std::int64_t now);

/// The keys trusted after accepting `m`: the one that signed it, and its next_key if any (keys
/// only move forward: an older key is dropped once a newer one has signed).
std::vector<std::string> keys_after(const SignedMetadata& m, const Trust& trust);

}  // namespace edugate::rules::update
