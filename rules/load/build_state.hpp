#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rules/compiled/compiled.hpp"
#include "rules/diagnostic.hpp"
#include "rules/load/file_provider.hpp"
#include "rules/load/spec.hpp"

namespace edugate::rules::load {

/// Everything the compilation steps share while one rule set is built: the tables under
/// construction, the index builders, the file table and the diagnostics. Not thread-safe; one per
/// load_rules() call.
struct BuildState {
  explicit BuildState(Diagnostics& d) : diags(d), out(std::make_unique<compiled::Compiled>()) {}

  Diagnostics& diags;
  std::unique_ptr<compiled::Compiled> out;
  compiled::DomainIndexBuilder domains;
  compiled::PrefixIndexBuilder url_prefixes;
  compiled::RegexIndexBuilder regexes;
  compiled::NameRulesBuilder keywords;
  compiled::NameRulesBuilder exception_domains;
  compiled::PrefixIndexBuilder exception_urls;
  RuleId builtin_bare_ip_policy = kNoRule;  ///< "pupil groups block bare-ip by default"
  RuleId builtin_safe_search = kNoRule;     ///< "safe search is on by default"

  /// Index of `path` in the file table (added when new). Errors past 65,534 files.
  std::uint16_t source(const std::string& path);
  const std::string& file(std::uint16_t source) const { return out->sources[source]; }

  /// Appends a stored rule and returns its id.
  RuleId add_rule(compiled::StoredRule rule);
  /// Appends a reason string and returns its index.
  std::uint32_t add_reason(std::string text);

  void error(const Pos& at, std::string message);
  void warning(const Pos& at, std::string message);
  bool failed() const { return error_count(diags) > 0; }
};

/// Applies the school's review file (spec.review): `block` lines join their category's domains,
/// `allow` lines become exceptions of their group (or of the school). Unknown categories and
/// groups are errors at the line.
void apply_review(BuildState& state, RuleSpec& spec);

/// Adds a category's inline entries and list files to the index builders and fills its counts.
/// List files are read through `files`; their junk lines become warnings, unreadable files and
/// bad regexes errors.
void load_category_entries(BuildState& state, const CategorySpec& spec, CategoryId id,
                           const FileProvider& files, CategoryInfo& info);

/// Checks the policy lines against the categories and schedules, then compiles every group's
/// policy (built-in defaults, then the department profile of its age band, then its own policy).
void compile_groups(BuildState& state, const RuleSpec& spec);

/// Compiles the school-wide and per-group exceptions. Precondition: the domain index is frozen
/// (an exception that would lift a mandatory category is an error).
void compile_exceptions(BuildState& state, const RuleSpec& spec);

}  // namespace edugate::rules::load
