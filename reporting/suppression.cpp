#include "reporting/suppression.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "reporting/tallied.hpp"

namespace edugate::reporting {

namespace {

using Lines = std::vector<SuppressionLine>;

bool all(const std::string& s) { return s == "*"; }

bool request_action(const std::string& a) {
  const auto t = parse_tallied(a);
  return t && is_request(*t);
}

/// Collects line memberships keyed by (kind, day, a, b).
class LineBuilder {
 public:
  void add(char kind, LocalDay day, const std::string& a, const std::string& b, std::size_t i) {
    lines_[{kind, day, a, b}].push_back(i);
  }
  Lines take() {
    Lines out;
    for (auto& [_, members] : lines_)
      if (members.size() > 1) out.push_back({std::move(members), 0});
    return out;
  }

 private:
  std::map<std::tuple<char, LocalDay, std::string, std::string>, std::vector<std::size_t>> lines_;
};

void add_entry_lines(const ReportEntry& e, std::size_t i, LineBuilder& b) {
  const bool ac = !all(e.action), cc = !all(e.category), gc = !all(e.group);
  const bool req = ac && request_action(e.action);
  if (ac && cc) b.add('r', e.day, e.action, e.category, i);          // category row
  if (ac && gc) b.add('c', e.day, e.action, e.group, i);             // group column
  if (ac && !gc) b.add('C', e.day, e.action, "", i);                 // action total by category
  if (ac && !cc) b.add('G', e.day, e.action, "", i);                 // action total by group
  if (!cc && gc && (req || !ac)) b.add('g', e.day, e.group, "", i);  // group total by action
  if (!cc && !gc && (req || !ac)) b.add('a', e.day, "", "", i);      // day total by action
  if (!ac && !cc) b.add('d', e.day, "", "", i);                      // day total by group
}

/// Listed domains of one (category, action) vs. the days' row totals, when they are equal.
void add_domain_lines(const Report& r, Lines& lines) {
  std::map<std::pair<std::string, std::string>, std::pair<std::uint64_t, std::vector<std::size_t>>>
      listed, rows;
  for (std::size_t i = 0; i < r.top_domains.size(); ++i) {
    auto& slot = listed[{r.top_domains[i].category, r.top_domains[i].action}];
    slot.first += r.top_domains[i].requests;
    slot.second.push_back(r.entries.size() + i);
  }
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    const auto& e = r.entries[i];
    if (all(e.group) && !all(e.category) && !all(e.action)) {
      auto it = listed.find({e.category, e.action});
      if (it == listed.end()) continue;
      auto& slot = rows[{e.category, e.action}];
      slot.first += e.requests;
      slot.second.push_back(i);
    }
  }
  for (auto& [key, domains] : listed) {
    const auto it = rows.find(key);
    if (it == rows.end() || it->second.first != domains.first) continue;
    SuppressionLine line{domains.second, domains.second.size()};
    line.members.insert(line.members.end(), it->second.second.begin(), it->second.second.end());
    lines.push_back(std::move(line));
  }
}

std::optional<std::size_t> smallest_unsuppressed(const std::vector<SuppressionCell>& cells,
                                                 const std::vector<std::size_t>& members,
                                                 std::size_t begin, std::size_t end) {
  std::optional<std::size_t> best;
  for (std::size_t m = begin; m < end; ++m) {
    const auto i = members[m];
    if (!cells[i].suppressed && cells[i].value > 0 &&
        (!best || cells[i].value < cells[*best].value))
      best = i;
  }
  return best;
}

std::optional<std::size_t> complement(const std::vector<SuppressionCell>& cells,
                                      const SuppressionLine& line) {
  const auto n = line.members.size();
  if (auto pick = smallest_unsuppressed(cells, line.members, 0, std::min(line.preferred, n)))
    return pick;
  return smallest_unsuppressed(cells, line.members, 0, n);
}

}  // namespace

SuppressionStats suppress(std::vector<SuppressionCell>& cells, const Lines& lines,
                          std::uint64_t k) {
  SuppressionStats stats;
  for (auto& c : cells)
    if (!c.suppressed && c.value > 0 && c.devices < k) {
      c.suppressed = true;
      ++stats.primary;
    }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& line : lines) {
      std::size_t hidden = 0;
      for (const auto i : line.members) hidden += cells[i].suppressed;
      if (hidden != 1) continue;
      if (const auto pick = complement(cells, line)) {
        cells[*pick].suppressed = true;
        ++stats.complementary;
        changed = true;
      }
    }
  }
  return stats;
}

SuppressionStats apply_suppression(Report& report) {
  std::vector<SuppressionCell> cells;
  LineBuilder builder;
  for (std::size_t i = 0; i < report.entries.size(); ++i) {
    const auto& e = report.entries[i];
    cells.push_back({e.requests, e.devices, e.suppressed});
    add_entry_lines(e, i, builder);
  }
  for (const auto& d : report.top_domains) cells.push_back({d.requests, d.devices, d.suppressed});
  Lines lines = builder.take();
  add_domain_lines(report, lines);
  const auto stats = suppress(cells, lines, static_cast<std::uint64_t>(report.privacy.k));
  for (std::size_t i = 0; i < report.entries.size(); ++i)
    report.entries[i].suppressed = cells[i].suppressed;
  for (std::size_t i = 0; i < report.top_domains.size(); ++i)
    report.top_domains[i].suppressed = cells[report.entries.size() + i].suppressed;
  return stats;
}

}  // namespace edugate::reporting
