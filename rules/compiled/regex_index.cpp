#include "rules/compiled/regex_index.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace edugate::rules::compiled {

namespace {

RE2::Options set_options(std::int64_t max_mem) {
  RE2::Options options;
  options.set_log_errors(false);  // failures become diagnostics or decisions, never log lines
  options.set_max_mem(max_mem);
  return options;
}

}  // namespace

std::vector<RuleId> RegexIndex::matching_rules(std::string_view text, bool& failed) const {
  std::vector<RuleId> out;
  failed = false;
  std::vector<int> hits;
  for (const CategorySet& s : sets_) {
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (!s.set->Match(re2::StringPiece(text.data(), text.size()), &hits, &error)) {
      failed = failed || error.kind != RE2::Set::kNoError;
      continue;
    }
    std::sort(hits.begin(), hits.end());
    for (const int h : hits) out.push_back(s.rules[static_cast<std::size_t>(h)]);
  }
  return out;
}

RegexIndexBuilder::Pending& RegexIndexBuilder::pending_for(CategoryId category) {
  for (auto& p : pending_)
    if (p.category == category) return p;
  pending_.push_back({category, {}, {}, kNoRule});
  return pending_.back();
}

std::optional<std::string> RegexIndexBuilder::add(CategoryId category, std::string_view pattern,
                                                  RuleId rule) {
  // Parse alone first (Add only parses; compiling waits for build()), so that a bad pattern
  // never shifts the indices of the real set.
  RE2::Set probe(set_options(8 << 20), RE2::UNANCHORED);
  std::string error;
  if (probe.Add(re2::StringPiece(pattern.data(), pattern.size()), &error) < 0) return error;
  Pending& p = pending_for(category);
  p.patterns.emplace_back(pattern);
  p.rules.push_back(rule);
  return std::nullopt;
}

std::vector<std::pair<CategoryId, std::size_t>> RegexIndexBuilder::categories() const {
  std::vector<std::pair<CategoryId, std::size_t>> out;
  for (const auto& p : pending_) out.emplace_back(p.category, p.patterns.size());
  return out;
}

std::unique_ptr<RE2::Set> RegexIndexBuilder::compile(const std::vector<std::string>& patterns,
                                                     std::uint64_t share, CategoryId category,
                                                     std::vector<Failure>& failures) const {
  auto set =
      std::make_unique<RE2::Set>(set_options(static_cast<std::int64_t>(share)), RE2::UNANCHORED);
  for (const auto& pattern : patterns) set->Add(pattern, nullptr);
  const auto mib = static_cast<double>(share) / (1 << 20);
  if (!set->Compile()) {
    failures.push_back({category, fmt::format("{} regexes do not fit in their {:.1f} MiB share of "
                                              "rules.regex_memory",
                                              patterns.size(), mib)});
    return nullptr;
  }
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  set->Match("www.example.com/probe?q=1", nullptr, &error);
  if (error.kind != RE2::Set::kNoError) {
    failures.push_back({category, fmt::format("the DFA for {} regexes runs out of memory in its "
                                              "{:.1f} MiB share of rules.regex_memory",
                                              patterns.size(), mib)});
    return nullptr;
  }
  return set;
}

std::vector<RegexIndexBuilder::Failure> RegexIndexBuilder::build(std::uint64_t memory_budget,
                                                                 RegexIndex& out) {
  std::vector<Failure> failures;
  if (pending_.empty()) return failures;
  constexpr std::uint64_t kMinShare = std::uint64_t{1} << 20;
  const bool combined = pending_.size() > 1;
  const std::uint64_t for_sets = combined ? memory_budget / 2 : memory_budget;
  std::size_t total = 0;
  for (const auto& p : pending_) total += p.patterns.size();
  if (combined) {
    std::vector<std::string> all;
    all.reserve(total);
    for (const auto& p : pending_) all.insert(all.end(), p.patterns.begin(), p.patterns.end());
    out.any_ = compile(all, std::max(memory_budget / 2, kMinShare), kNoCategory, failures);
    if (!out.any_) return failures;
  }
  for (auto& p : pending_) {
    // Shares follow pattern counts: a category with 5,000 regexes needs more than one with 2.
    const std::uint64_t share = for_sets / total * p.patterns.size();
    auto set = compile(p.patterns, std::max(share, kMinShare), p.category, failures);
    if (set) out.sets_.push_back({p.category, std::move(set), std::move(p.rules), p.set_rule});
  }
  pending_.clear();
  return failures;
}

}  // namespace edugate::rules::compiled
