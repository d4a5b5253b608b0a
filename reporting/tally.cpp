#include "reporting/tally.hpp"

#include <algorithm>
#include <functional>

#include "reporting/hyperloglog.hpp"
#include "reporting/registrable_domain.hpp"

namespace edugate::reporting {

namespace {

std::uint64_t hash_key(const CountKey& k) noexcept {
  const std::uint64_t a = (std::uint64_t{static_cast<std::uint32_t>(k.day)} << 32) |
                          (std::uint64_t{k.hour} << 24) |
                          (std::uint64_t{static_cast<std::uint8_t>(k.action)} << 16) | k.category;
  const std::uint64_t b = (std::uint64_t{k.group} << 32) | k.domain;
  return mix64(a * 0x9e3779b97f4a7c15ull + b);
}

std::uint64_t hash_pair(std::uint32_t entry, DeviceKey device) noexcept {
  return mix64(device ^ (std::uint64_t{entry} * 0x9e3779b97f4a7c15ull));
}

std::uint64_t hash_domain(std::string_view d) noexcept {
  return mix64(std::hash<std::string_view>{}(d));
}

}  // namespace

void Tally::add(const CountKey& key, DeviceKey device) {
  if (entry_index_.full())
    entry_index_.grow([this](std::uint32_t p) { return hash_key(entries_[p].key); });
  std::size_t slot = 0;
  auto pos = entry_index_.find(
      hash_key(key), [&](std::uint32_t p) { return entries_[p].key == key; }, slot);
  if (pos == DenseIndex::kEmpty) {
    pos = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back({key, 0, kNoDevice});
    entry_index_.insert(slot, pos);
  }
  CountEntry& e = entries_[pos];
  ++e.requests;
  if (device != kNoDevice && device != e.last_device) {
    e.last_device = device;
    add_pair(pos, device);
  }
}

void Tally::add_pair(std::uint32_t entry, DeviceKey device) {
  if (pair_index_.full())
    pair_index_.grow(
        [this](std::uint32_t p) { return hash_pair(pairs_[p].entry, pairs_[p].device); });
  std::size_t slot = 0;
  const auto pos = pair_index_.find(
      hash_pair(entry, device),
      [&](std::uint32_t p) { return pairs_[p].entry == entry && pairs_[p].device == device; },
      slot);
  if (pos != DenseIndex::kEmpty) return;
  pair_index_.insert(slot, static_cast<std::uint32_t>(pairs_.size()));
  pairs_.push_back({entry, device});
}

std::uint32_t Tally::domain_id(std::string_view host) {
  if (host.empty()) return 0;
  if (host_index_.full())
    host_index_.grow([this](std::uint32_t p) { return hash_domain(hosts_[p].first); });
  std::size_t slot = 0;
  const auto pos = host_index_.find(
      hash_domain(host), [&](std::uint32_t p) { return hosts_[p].first == host; }, slot);
  if (pos != DenseIndex::kEmpty) return hosts_[pos].second;
  DomainBuffer buffer;
  const auto id = intern_domain(registrable_domain(host, buffer));
  host_index_.insert(slot, static_cast<std::uint32_t>(hosts_.size()));
  hosts_.emplace_back(std::string(host), id);
  return id;
}

std::uint32_t Tally::intern_domain(std::string_view domain) {
  if (domain.empty()) return 0;
  if (domain_index_.full())
    domain_index_.grow([this](std::uint32_t p) { return hash_domain(domains_[p]); });
  std::size_t slot = 0;
  auto pos = domain_index_.find(
      hash_domain(domain), [&](std::uint32_t p) { return domains_[p] == domain; }, slot);
  if (pos == DenseIndex::kEmpty) {
    pos = static_cast<std::uint32_t>(domains_.size());
    domains_.emplace_back(domain);
    domain_index_.insert(slot, pos);
  }
  return pos + 1;
}

void Tally::note_version_slow(LocalDay day, std::uint16_t version) {
  seen_day_ = day;
  seen_version_ = version;
  const std::pair<LocalDay, std::uint16_t> item{day, version};
  if (std::find(versions_.begin(), versions_.end(), item) == versions_.end())
    versions_.push_back(item);
}

void Tally::reset() {
  entries_.clear();
  entry_index_.clear();
  pairs_.clear();
  pair_index_.clear();
  domains_.clear();
  domain_index_.clear();
  hosts_.clear();
  host_index_.clear();
  versions_.clear();
  seen_day_ = INT32_MIN;
  seen_version_ = 0;
}

}  // namespace edugate::reporting
