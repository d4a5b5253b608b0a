#include "reporting/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
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

constexpr std::string_view kNodesNote =
    "Several appliances (nodes) of one school behind a load balancer are added up: their "
    "published counts are summed. Each node counts the distinct devices it saw, so a device that "
    "moved between nodes (a failover) is counted once on each; a school's distinct devices across "
    "its nodes are taken as the largest node's (a lower bound, as across restarts), and each node "
    "applied small-cell suppression to its own cells.";

struct MergeAccumulator {
  Report out;
  std::map<std::string, std::size_t> school_at;  // school id → index in out.schools
  std::map<EntryKey, ReportEntry> entries;
  std::map<DomainKey, DomainEntry> domains;
  struct Reported {
    SiteReportEntry entry;
    std::set<std::string> schools;
  };
  std::map<std::pair<std::string, std::string>, Reported> site_reports;  // (domain, kind)
  struct Covered {
    DayRange period;
    std::vector<std::string> nodes;
  };
  std::map<std::string, std::vector<Covered>> covered;  // school id → what is merged of it

  /// A second report for days already merged is refused unless it comes from another node of
  /// that school (reports without a node id cannot be told apart, so they always conflict).
  std::optional<std::string> conflict(const Report& r) const {
    const auto& school = r.schools.front();
    const auto it = covered.find(school.id);
    if (it == covered.end()) return std::nullopt;
    for (const auto& c : it->second) {
      if (!(c.period.from <= r.period.to && r.period.from <= c.period.to)) continue;
      if (c.nodes.empty() || school.nodes.empty())
        return fmt::format("school {} is already merged for overlapping days", it->first);
      for (const auto& node : school.nodes)
        if (std::find(c.nodes.begin(), c.nodes.end(), node) != c.nodes.end())
          return fmt::format("school {} node {} is already merged for overlapping days", it->first,
                             node);
    }
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
    covered[r.schools.front().id].push_back({r.period, r.schools.front().nodes});
    for (const auto& e : r.entries) add(entries, EntryKey{e.day, e.action, e.category, e.group}, e);
    for (const auto& d : r.top_domains) add(domains, DomainKey{d.domain, d.category, d.action}, d);
    for (const auto& s : r.site_reports) {
      auto& m = site_reports[{s.domain, s.kind}];
      m.entry.domain = s.domain;
      m.entry.kind = s.kind;
      m.entry.devices = std::min<std::uint64_t>(m.entry.devices + s.devices, 1'000'000'000);
      m.schools.insert(r.schools.front().id);
      m.entry.schools = static_cast<std::uint32_t>(m.schools.size());
    }
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
    auto& school = r.schools.front();
    const auto [at, added] = school_at.try_emplace(school.id, out.schools.size());
    if (added) {
      out.schools.push_back(std::move(school));
      return;
    }
    const auto same = out.schools.begin() + static_cast<std::ptrdiff_t>(at->second);
    for (auto& node : school.nodes)  // another node of a school already merged
      if (std::find(same->nodes.begin(), same->nodes.end(), node) == same->nodes.end())
        same->nodes.push_back(std::move(node));
    for (auto& b : school.department_bundles) {  // the same bundle on two nodes: one span
      const auto it = std::find_if(same->department_bundles.begin(), same->department_bundles.end(),
                                   [&](const BundleInForce& x) { return x.bundle == b.bundle; });
      if (it == same->department_bundles.end()) {
        same->department_bundles.push_back(std::move(b));
      } else {
        it->first_day = std::min(it->first_day, b.first_day);
        it->last_day = std::max(it->last_day, b.last_day);
      }
    }
    std::sort(same->department_bundles.begin(), same->department_bundles.end(),
              [](const BundleInForce& a, const BundleInForce& b) {
                return std::tie(a.first_day, a.last_day) < std::tie(b.first_day, b.last_day);
              });
    same->privacy.k = std::min(same->privacy.k, school.privacy.k);
    same->privacy.noise = same->privacy.noise || school.privacy.noise;
    several_nodes = true;
  }

  bool several_nodes = false;
};

/// The schools whose appliances last enforced something other than the newest verified bundle
/// any school reported: the department's list of who to chase. Nullopt when all are on it (or
/// no report says which bundle ran).
std::optional<std::string> old_bundle_note(const Report& merged) {
  std::uint64_t newest = 0;
  for (const auto& s : merged.schools)
    for (const auto& b : s.department_bundles)
      if (b.bundle.verified) newest = std::max(newest, bundle_number(b.bundle));
  if (newest == 0) return std::nullopt;
  std::string behind;
  for (const auto& s : merged.schools) {
    if (s.department_bundles.empty()) continue;
    const BundleInForce* last = bundle_at_end(s.department_bundles);
    if (last->bundle.verified && bundle_number(last->bundle) == newest) continue;
    if (!behind.empty()) behind += ", ";
    behind += fmt::format("{} ({}{})", s.id, bundle_name(last->bundle),
                          last->bundle.verified ? "" : ", not verified");
  }
  if (behind.empty()) return std::nullopt;
  return fmt::format(
      "Trường chưa dùng bộ quy tắc mới nhất của Sở (v{0}) · Schools not on the department's "
      "newest bundle (v{0}) at the end of the period: {1}",
      newest, behind);
}

}  // namespace

struct ReportMerger::Accumulator : MergeAccumulator {};

ReportMerger::ReportMerger(MergeOptions options)
    : options_(std::move(options)), acc_(std::make_unique<Accumulator>()) {}

ReportMerger::~ReportMerger() = default;

std::optional<std::string> ReportMerger::verify(const MergeInput& in, const KeyDirectory& keys,
                                                Report& report) {
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

std::optional<std::string> ReportMerger::conflict(const Report& report) const {
  return acc_->conflict(report);
}

bool ReportMerger::add(const std::string& name, Report report) {
  if (auto why = acc_->conflict(report)) {
    refuse(name, *why);
    return false;
  }
  acc_->absorb(std::move(report));
  return true;
}

void ReportMerger::refuse(const std::string& name, const std::string& why) {
  refused_.push_back(fmt::format("{}: {}", name, why));
}

MergeOutcome ReportMerger::finish() {
  MergeOutcome outcome;
  outcome.refused = std::move(refused_);
  auto& acc = *acc_;
  if ((!outcome.refused.empty() && !options_.skip_invalid) || acc.out.schools.empty())
    return outcome;
  Report& out = acc.out;
  out.kind = "merged";
  out.generator = options_.generator;
  for (auto& [_, e] : acc.entries) out.entries.push_back(std::move(e));
  for (auto& [_, d] : acc.domains) out.top_domains.push_back(std::move(d));
  std::stable_sort(out.top_domains.begin(), out.top_domains.end(),
                   [](const auto& a, const auto& b) { return a.requests > b.requests; });
  if (out.top_domains.size() > static_cast<std::size_t>(options_.top_domains))
    out.top_domains.resize(static_cast<std::size_t>(options_.top_domains));
  for (auto& [_, s] : acc.site_reports) out.site_reports.push_back(std::move(s.entry));
  std::stable_sort(out.site_reports.begin(), out.site_reports.end(),
                   [](const SiteReportEntry& a, const SiteReportEntry& b) {
                     // Schools before devices: one school cannot push the others' out.
                     if ((a.kind == "harmful") != (b.kind == "harmful")) return a.kind == "harmful";
                     if (a.schools != b.schools) return a.schools > b.schools;
                     return a.devices > b.devices;
                   });
  if (out.site_reports.size() > kMaxSiteReports) out.site_reports.resize(kMaxSiteReports);
  out.notes.emplace_back(kMergeNote);
  if (acc.several_nodes) out.notes.emplace_back(kNodesNote);
  if (auto note = old_bundle_note(out)) out.notes.push_back(std::move(*note));
  for (const auto& r : outcome.refused) out.notes.push_back("Refused and left out: " + r);
  outcome.report = std::move(out);
  return outcome;
}

MergeOutcome merge_reports(const std::vector<MergeInput>& inputs, const KeyDirectory& keys,
                           const MergeOptions& options) {
  ReportMerger merger(options);
  for (const auto& in : inputs) {
    Report r;
    if (auto why = ReportMerger::verify(in, keys, r))
      merger.refuse(in.name, *why);
    else
      merger.add(in.name, std::move(r));
  }
  return merger.finish();
}

}  // namespace edugate::reporting
