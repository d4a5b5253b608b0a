#include "reporting/report_builder.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "reporting/flush_batch.hpp"
#include "reporting/site_reports.hpp"
#include "reporting/tallied.hpp"

namespace edugate::reporting {

namespace {

using EntryKey = std::tuple<LocalDay, std::string, std::string, std::string>;  // day, a, c, g
using DomainKey = std::tuple<std::string, std::string, std::string>;           // domain, c, a

const std::string kStar(kAll);

void add_count(const DayCount& c, std::map<EntryKey, std::uint64_t>& sums) {
  const auto t = parse_tallied(c.action);
  const bool request = t && is_request(*t);
  sums[{c.day, c.action, c.category, c.group}] += c.requests;
  sums[{c.day, c.action, c.category, kStar}] += c.requests;
  sums[{c.day, c.action, kStar, c.group}] += c.requests;
  sums[{c.day, c.action, kStar, kStar}] += c.requests;
  if (request) {
    sums[{c.day, kStar, kStar, c.group}] += c.requests;
    sums[{c.day, kStar, kStar, kStar}] += c.requests;
  }
}

std::uint64_t devices_of(const StoreExtract& data, const EntryKey& k) {
  const auto& [day, action, category, group] = k;
  const auto it = data.devices.find({day, group, category, action, kStar});
  return it == data.devices.end() ? 0 : it->second;
}

std::vector<DomainEntry> top_domains(const StoreExtract& data, const ReportRequest& request) {
  std::map<DomainKey, DomainEntry> sums;
  for (const auto& c : data.counts) {
    if (c.domain.empty() ||
        (c.action != "block" && c.action != "warn" && c.action != "would_block"))
      continue;
    auto& d = sums[{c.domain, c.category, c.action}];
    d.domain = c.domain;
    d.category = c.category;
    d.action = c.action;
    d.requests += c.requests;
  }
  // Devices over the period: the union is at least the largest single day (a lower bound).
  for (const auto& [cell, n] : data.devices) {
    if (cell.domain == kStar || cell.group != kStar) continue;
    const auto it = sums.find({cell.domain, cell.category, cell.action});
    if (it != sums.end()) it->second.devices = std::max(it->second.devices, n);
  }
  std::vector<DomainEntry> ranked;
  for (auto& [_, d] : sums)
    if (d.devices >= static_cast<std::uint64_t>(request.k)) ranked.push_back(std::move(d));
  std::stable_sort(ranked.begin(), ranked.end(), [](const DomainEntry& a, const DomainEntry& b) {
    return a.requests > b.requests;
  });
  // The top N of each action: heavy monitored (would_block) traffic must not push the blocked
  // and warned domains off the list.
  std::map<std::string, int> taken;
  std::vector<DomainEntry> out;
  for (auto& d : ranked)
    if (taken[d.action]++ < request.top_domains) out.push_back(std::move(d));
  return out;
}

void add_labels(const StoreExtract& data, Report& r) {
  std::set<std::string> categories, groups;
  for (const auto& e : r.entries) {
    categories.insert(e.category);
    groups.insert(e.group);
  }
  for (const auto& d : r.top_domains) categories.insert(d.category);
  for (const auto& c : categories) {
    if (c == kStar) continue;
    const auto it = data.categories.find(c);
    r.categories[c] = it != data.categories.end() ? it->second : CategoryLabel{c, c, c};
  }
  for (const auto& g : groups) {
    if (g == kStar) continue;
    const auto it = data.groups.find(g);
    r.groups[g] = it != data.groups.end() ? it->second : GroupLabel{g, g, ""};
  }
}

}  // namespace

Report build_report(const StoreExtract& data, const ReportRequest& request,
                    SuppressionStats* stats) {
  Report r;
  r.kind = "school";
  r.schools.push_back({request.school_id, request.school_name, "", {}, {}, {}});
  if (!request.node_id.empty()) r.schools.front().nodes.push_back(request.node_id);
  r.schools.front().department_bundles = data.bundles;
  r.period = request.period;
  if (const auto week = iso_week_of(request.period.from);
      request.period.to == request.period.from + 6 && iso_weekday(request.period.from) == 1)
    r.iso_week = week;
  r.rule_set_versions.assign(data.versions.begin(), data.versions.end());
  r.privacy.k = request.k;
  r.generator = request.generator;
  std::map<EntryKey, std::uint64_t> sums;
  for (const auto& c : data.counts)
    if (c.day >= request.period.from && c.day <= request.period.to) add_count(c, sums);
  for (const auto& [k, n] : sums) {
    if (n == 0) continue;
    const auto devices = devices_of(data, k);
    // Events (a pupil's report, a review request) publish distinct devices: one device sending
    // the form again and again must not move the figure.
    const auto t = parse_tallied(std::get<1>(k));
    const bool event = t && !is_request(*t);
    r.entries.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k),
                         event ? std::min(n, devices) : n, devices, false, 0});
  }
  if (std::any_of(r.entries.begin(), r.entries.end(), [](const ReportEntry& e) {
        const auto t = parse_tallied(e.action);
        return t && !is_request(*t);
      }))
    r.notes.emplace_back(
        "review_request and site_report count distinct devices per day, not form submissions "
        "(each device counts once per domain and day).");
  r.top_domains = top_domains(data, request);
  for (auto& s : site_reports(data, request.period)) {
    if (s.devices < request.site_report_min_devices &&
        !request.confirmed_domains.contains(s.domain))
      continue;
    if (const auto d = request.dismissed_domains.find(s.domain);
        d != request.dismissed_domains.end() && s.last_day <= d->second)
      continue;
    if (r.site_reports.size() == kMaxSiteReports) break;
    r.site_reports.push_back({std::move(s.domain), std::move(s.kind), s.devices, 1});
  }
  add_labels(data, r);
  const auto s = apply_suppression(r);
  if (stats) *stats = s;
  r.schools.front().privacy = r.privacy;
  return r;
}

}  // namespace edugate::reporting
