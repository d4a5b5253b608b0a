#include "reporting/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"

namespace edugate::reporting {

namespace {

using EntryKey = std::tuple<LocalDay, std::string, std::string, std::string>;
using DomainKey = std::tuple<std::string, std::string, std::string>;

constexpr std::string_view kMergeNote =
    "Merged by adding the numbers each school published after its own small-cell and "
    "complementary suppression. A cell a school suppressed adds nothing (see suppressed_schools), "
    "so merged values are lower bounds there; no suppressed value can be derived from this report.";

struct Accumulator {
  Report out;
  std::map<EntryKey, ReportEntry> entries;
  std::map<DomainKey, DomainEntry> domains;
  std::map<std::string, std::vector<DayRange>> covered;  // school id → periods merged

  std::optional<std::string> conflict(const Report& r) const {
    const auto it = covered.find(r.schools.front().id);
    if (it == covered.end()) return std::nullopt;
    for (const auto& p : it->second)
      if (p.from <= r.period.to && r.period.from <= p.to)
        return fmt::format("school {} is already merged for overlapping days", it->first);
    return std::nullopt;
  }

  template <class Map, class Key, class E>
  static void add(Map& map, const Key& key, const E& e) {
    auto [it, inserted] = map.try_emplace(key, e);
    auto& m = it->second;
    if (inserted) {
      m.requests = 0;
      m.suppressed_schools = 0;
      m.suppressed = false;
    }
    if (e.suppressed)
      ++m.suppressed_schools;
    else
      m.requests += e.requests;
  }

  void absorb(Report&& r) {
    covered[r.schools.front().id].push_back(r.period);
    for (const auto& e : r.entries) add(entries, EntryKey{e.day, e.action, e.category, e.group}, e);
    for (const auto& d : r.top_domains) add(domains, DomainKey{d.domain, d.category, d.action}, d);
    out.categories.merge(r.categories);
    out.groups.merge(r.groups);
    for (auto& v : r.rule_set_versions)
      if (std::find(out.rule_set_versions.begin(), out.rule_set_versions.end(), v) ==
          out.rule_set_versions.end())
        out.rule_set_versions.push_back(std::move(v));
    const bool first = out.schools.empty();
    out.period = first ? r.period
                       : DayRange{std::min(out.period.from, r.period.from),
                                  std::max(out.period.to, r.period.to)};
    out.privacy.k = first ? r.privacy.k : std::min(out.privacy.k, r.privacy.k);
    out.privacy.noise = out.privacy.noise || r.privacy.noise;
    out.schools.push_back(std::move(r.schools.front()));
  }
};

std::optional<std::string> check(const MergeInput& in, const KeyDirectory& keys, Report& report) {
  std::string error;
  auto parsed = report_from_json(in.document, &error);
  if (!parsed) return error;
  if (parsed->kind != "school" || parsed->schools.size() != 1)
    return std::string("only school reports can be merged");
  EVP_PKEY* key = keys.key_for(parsed->schools.front().id);
  if (!key) return fmt::format("no trusted key for school '{}'", parsed->schools.front().id);
  const auto verdict = verify_report(in.document, key);
  if (!verdict.ok()) return verdict.message;
  report = std::move(*parsed);
  return std::nullopt;
}

}  // namespace

MergeOutcome merge_reports(const std::vector<MergeInput>& inputs, const KeyDirectory& keys,
                           const MergeOptions& options) {
  MergeOutcome outcome;
  Accumulator acc;
  for (const auto& in : inputs) {
    Report r;
    auto why = check(in, keys, r);
    if (!why) why = acc.conflict(r);
    if (why) {
      outcome.refused.push_back(fmt::format("{}: {}", in.name, *why));
      continue;
    }
    acc.absorb(std::move(r));
  }
  if ((!outcome.refused.empty() && !options.skip_invalid) || acc.out.schools.empty())
    return outcome;
  Report& out = acc.out;
  out.kind = "merged";
  out.generator = options.generator;
  for (auto& [_, e] : acc.entries) out.entries.push_back(std::move(e));
  for (auto& [_, d] : acc.domains) out.top_domains.push_back(std::move(d));
  std::stable_sort(out.top_domains.begin(), out.top_domains.end(),
                   [](const auto& a, const auto& b) { return a.requests > b.requests; });
  if (out.top_domains.size() > static_cast<std::size_t>(options.top_domains))
    out.top_domains.resize(static_cast<std::size_t>(options.top_domains));
  out.notes.emplace_back(kMergeNote);
  for (const auto& r : outcome.refused) out.notes.push_back("Refused and left out: " + r);
  outcome.report = std::move(out);
  return outcome;
}

}  // namespace edugate::reporting
