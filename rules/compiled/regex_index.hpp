#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/ids.hpp"

namespace edugate::rules::compiled {

/// The URL regexes of each category compiled into one RE2::Set, matched in one pass over
/// "host/path?query". Each set gets a share of a memory budget; a DFA that runs out of memory is
/// reported (RE2::Set::ErrorInfo), never read as "no match". Thread-safe for concurrent reads
/// (RE2 guards its DFA cache itself).
class RegexIndex {
 public:
  struct CategorySet {
    CategoryId category = kNoCategory;
    std::unique_ptr<RE2::Set> set;
    std::vector<RuleId> rules;  ///< set index → rule
    RuleId set_rule = kNoRule;  ///< stands for "one of this category's regexes" in decisions
  };

  /// Calls f(category, set_rule) for each category whose set matches `text`, and stops early
  /// when f returns false. (Naming the exact pattern would make RE2 allocate; decisions carry the
  /// category's set rule and explain() names the pattern.) Returns false when a set failed (DFA out
  /// of memory): the caller must treat the URL as unchecked. Never allocates (apart from RE2's own
  /// DFA state cache).
  template <typename F>
  bool match(std::string_view text, F&& f) const {
    const re2::StringPiece piece(text.data(), text.size());
    if (any_) {
      // One pass over all patterns first: most URLs match none, and then one set is enough.
      RE2::Set::ErrorInfo error{RE2::Set::kNoError};
      if (!any_->Match(piece, nullptr, &error)) return error.kind == RE2::Set::kNoError;
    }
    for (const CategorySet& s : sets_) {
      RE2::Set::ErrorInfo error{RE2::Set::kNoError};
      if (s.set->Match(piece, nullptr, &error)) {
        if (!f(s.category, s.set_rule)) return true;
      } else if (error.kind != RE2::Set::kNoError) {
        return false;
      }
    }
    return true;
  }

  /// Every rule whose pattern matches `text` (allocates; for explain). `failed` is set when a
  /// set could not be evaluated.
  std::vector<RuleId> matching_rules(std::string_view text, bool& failed) const;

  bool empty() const noexcept { return sets_.empty(); }
  std::size_t set_count() const noexcept { return sets_.size(); }

 private:
  friend class RegexIndexBuilder;
  std::unique_ptr<RE2::Set> any_;  ///< every pattern of every set; only with two sets or more
  std::vector<CategorySet> sets_;
};

/// Adds patterns per category, then compiles. Not thread-safe.
class RegexIndexBuilder {
 public:
  /// Parses `pattern` with RE2 into the set of `category`. Returns RE2's error text when the
  /// pattern does not parse (nothing is added then).
  std::optional<std::string> add(CategoryId category, std::string_view pattern, RuleId rule);
  /// Sets the rule that stands for the whole set of `category` (see CategorySet::set_rule).
  void set_rule(CategoryId category, RuleId rule) { pending_for(category).set_rule = rule; }
  /// Categories that received at least one pattern, with their pattern counts.
  std::vector<std::pair<CategoryId, std::size_t>> categories() const;

  struct Failure {
    CategoryId category;
    std::string message;
  };
  /// Compiles every set with a share of `memory_budget` bytes in proportion to its pattern count
  /// (at least 1 MiB each) and
  /// probes it once, so that a budget too small for the DFA is reported at load rather than
  /// discovered on a request. With two sets or more, half the budget goes to one more set of all
  /// patterns that rules out the common no-match case in a single pass. Returns the sets that
  /// failed (they are left out of the index; a failed combined set reports kNoCategory).
  std::vector<Failure> build(std::uint64_t memory_budget, RegexIndex& out);

 private:
  struct Pending {
    CategoryId category;
    std::vector<std::string> patterns;
    std::vector<RuleId> rules;
    RuleId set_rule = kNoRule;
  };
  Pending& pending_for(CategoryId category);
  std::unique_ptr<RE2::Set> compile(const std::vector<std::string>& patterns, std::uint64_t share,
                                    CategoryId category, std::vector<Failure>& failures) const;
  std::vector<Pending> pending_;
};

}  // namespace edugate::rules::compiled
