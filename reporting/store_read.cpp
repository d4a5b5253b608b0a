#include <map>
#include <tuple>

#include "reporting/store.hpp"

namespace edugate::reporting {

namespace {

constexpr std::string_view kReadCounts =
    "SELECT hour / 24, grp, category, action, domain, SUM(requests) FROM hourly "
    "WHERE hour >= ?1 * 24 AND hour < (?2 + 1) * 24 GROUP BY 1, 2, 3, 4, 5 "
    "UNION ALL "
    "SELECT day, grp, category, action, domain, requests FROM daily WHERE day BETWEEN ?1 AND ?2";
constexpr std::string_view kReadDevices =
    "SELECT day, grp, category, action, domain, devices FROM devices WHERE day BETWEEN ?1 AND ?2";
constexpr std::string_view kReadVersions =
    "SELECT DISTINCT version FROM rule_sets WHERE day BETWEEN ?1 AND ?2";
constexpr std::string_view kReadBundles =
    "SELECT version, source, verified, MIN(day), MAX(day) FROM department_bundles "
    "WHERE day BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3 ORDER BY 4, 5, 1";

}  // namespace

std::optional<StoreError> Store::read(LocalDay from, LocalDay to, StoreExtract& out) {
  out = StoreExtract{};
  if (auto e = read_counts(from, to, out)) return e;
  return read_rest(from, to, out);
}

std::optional<StoreError> Store::read_counts(LocalDay from, LocalDay to, StoreExtract& out) {
  StoreError error;
  Statement s(db_.get(), kReadCounts, &error);
  if (!s.valid()) return error;
  s.bind(1, from).bind(2, to);
  // A day can have both hourly rows and rows rolled up earlier: sum them.
  std::map<std::tuple<LocalDay, std::string, std::string, std::string, std::string>, std::uint64_t>
      sums;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW)
    sums[{static_cast<LocalDay>(s.int64(0)), s.text(1), s.text(2), s.text(3), s.text(4)}] +=
        static_cast<std::uint64_t>(s.int64(5));
  if (rc != SQLITE_DONE) return last_error(db_.get(), "reading counts");
  out.counts.reserve(sums.size());
  for (auto& [k, n] : sums)
    out.counts.push_back(
        {std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k), n});
  return std::nullopt;
}

std::optional<StoreError> Store::read_rest(LocalDay from, LocalDay to, StoreExtract& out) {
  StoreError error;
  Statement devices(db_.get(), kReadDevices, &error);
  Statement versions(db_.get(), kReadVersions, &error);
  Statement categories(db_.get(), "SELECT key, vi, en FROM category_labels", &error);
  Statement groups(db_.get(), "SELECT key, name, age FROM group_labels", &error);
  Statement bundles(db_.get(), kReadBundles, &error);
  if (!devices.valid() || !versions.valid() || !categories.valid() || !groups.valid() ||
      !bundles.valid())
    return error;
  devices.bind(1, from).bind(2, to);
  versions.bind(1, from).bind(2, to);
  bundles.bind(1, from).bind(2, to);
  int rc = SQLITE_ROW;
  while ((rc = devices.step()) == SQLITE_ROW)
    out.devices[{static_cast<LocalDay>(devices.int64(0)), devices.text(1), devices.text(2),
                 devices.text(3), devices.text(4)}] = static_cast<std::uint64_t>(devices.int64(5));
  if (rc != SQLITE_DONE) return last_error(db_.get(), "reading device counts");
  while ((rc = versions.step()) == SQLITE_ROW) out.versions.insert(versions.text(0));
  if (rc != SQLITE_DONE) return last_error(db_.get(), "reading rule-set versions");
  while ((rc = bundles.step()) == SQLITE_ROW)
    out.bundles.push_back({{bundles.text(0), bundles.text(1), bundles.int64(2) != 0},
                           static_cast<LocalDay>(bundles.int64(3)),
                           static_cast<LocalDay>(bundles.int64(4))});
  if (rc != SQLITE_DONE) return last_error(db_.get(), "reading department bundles");
  while ((rc = categories.step()) == SQLITE_ROW)
    out.categories[categories.text(0)] = {categories.text(0), categories.text(1),
                                          categories.text(2)};
  if (rc != SQLITE_DONE) return last_error(db_.get(), "reading category labels");
  while ((rc = groups.step()) == SQLITE_ROW)
    out.groups[groups.text(0)] = {groups.text(0), groups.text(1), groups.text(2)};
  if (rc != SQLITE_DONE) return last_error(db_.get(), "reading group labels");
  return std::nullopt;
}

}  // namespace edugate::reporting
