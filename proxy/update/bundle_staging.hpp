#pragma once

#include <memory>
#include <string>

#include "proxy/reload/rules_source.hpp"
#include "rules/settings.hpp"
#include "rules/update/metadata.hpp"
#include "rules/update/trusted_state.hpp"

namespace edugate::proxy::update {

using server::DepartmentOverride;
using server::RulesLoad;

/// Everything the loader thread needs to try one downloaded bundle.
struct Candidate {
  std::string config_path;
  rules::UpdateSettings settings;
  rules::update::SignedMetadata metadata;  ///< already judged: signed, newer, not expired
  std::string metadata_text;               ///< current.json as downloaded
  std::string archive;                     ///< the downloaded bytes (size already checked)
  rules::update::Trust trust;
  rules::update::TrustedState state;  ///< the state in force
  std::shared_ptr<const rules::RuleSet> serving;
  /// The metadata names the archive in force (a re-publication to refresh the expiry): nothing
  /// is downloaded or compiled; the new version and expiry are committed for the same bundle.
  bool same_archive = false;
  std::int64_t now = 0;
};

/// Tries `c` (blocking, seconds for millions of entries; run it on the Reloader's loader
/// thread): hash, unpack under <state>/staging/, move to <state>/bundles/<version>-<hash>,
/// compile it with the appliance's own loader, self-test it against the rules serving, and only
/// then replace state.json (the commit point: a crash before it leaves the old bundle in force,
/// after it the new). On success the result has rules and `committed` the new state; on failure
/// the result has no rules, a diagnostic saying why, and nothing changed (the bundle directory
/// is removed).
RulesLoad try_candidate(const Candidate& c, rules::update::TrustedState& committed);

/// Removes <state>/staging and every bundle directory that `state` does not name (what a crash
/// mid-update leaves behind). Creates the state directory (mode 0750) if missing. False with
/// `error` set when the directory cannot be made.
bool tidy_state_dir(const std::string& state_dir, const rules::update::TrustedState& state,
                    std::string& error);

}  // namespace edugate::proxy::update
