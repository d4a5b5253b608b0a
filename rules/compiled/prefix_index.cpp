#include "rules/compiled/prefix_index.hpp"

#include <algorithm>

namespace edugate::rules::compiled {

bool matches_path_prefix(std::string_view path, std::string_view query,
                         std::string_view prefix) noexcept {
  if (path.size() >= prefix.size()) {
    if (path.compare(0, prefix.size(), prefix) != 0) return false;
    if (prefix.empty() || prefix.back() == '/' || path.size() == prefix.size()) return true;
    return path[prefix.size()] == '/';
  }
  // The prefix is longer than the path: it can only match by reaching into "?query".
  if (prefix.compare(0, path.size(), path) != 0 || prefix[path.size()] != '?') return false;
  const std::string_view rest = prefix.substr(path.size() + 1);
  if (query.size() < rest.size() || query.compare(0, rest.size(), rest) != 0) return false;
  return true;
}

bool PrefixIndexBuilder::add(std::string_view host, std::string_view path, RuleId rule) {
  bool inserted = false;
  const std::uint32_t index = hosts_.intern(host, inserted);
  if (inserted) items_.emplace_back();
  auto& list = items_[index];
  for (const auto& p : list)
    if (p.path == path) return false;
  list.push_back({std::string(path), rule});
  return true;
}

PrefixIndex PrefixIndexBuilder::freeze() {
  PrefixIndex out;
  std::vector<NamePayload> payloads;
  payloads.reserve(items_.size());
  for (auto& list : items_) {
    std::stable_sort(list.begin(), list.end(), [](const Pending& a, const Pending& b) {
      return a.path.size() > b.path.size();
    });
    payloads.push_back(
        {static_cast<std::uint32_t>(out.items_.size()), static_cast<std::uint32_t>(list.size())});
    for (const auto& p : list) {
      out.items_.push_back({static_cast<std::uint32_t>(out.text_.size()),
                            static_cast<std::uint32_t>(p.path.size()), p.rule});
      out.text_.insert(out.text_.end(), p.path.begin(), p.path.end());
    }
  }
  items_.clear();
  out.hosts_ = hosts_.freeze(payloads);
  return out;
}

}  // namespace edugate::rules::compiled
