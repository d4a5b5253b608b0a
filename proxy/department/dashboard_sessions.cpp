#include "proxy/department/dashboard_sessions.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "rules/signing/sha256.hpp"

namespace edugate::proxy::department {

void DashboardSessions::expire(Clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& entry) {
    return now - entry.second.used > idle_ || now - entry.second.opened > lifetime_;
  });
}

std::string DashboardSessions::open(Clock::time_point now) {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const auto b : raw) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  expire(now);
  if (sessions_.size() >= capacity_) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.opened < b.second.opened; });
    sessions_.erase(oldest);
  }
  sessions_[rules::signing::sha256_hex(id)] = {now, now};
  return id;
}

bool DashboardSessions::check(std::string_view id, Clock::time_point now) {
  if (id.size() != 64) return false;
  const auto it = sessions_.find(rules::signing::sha256_hex(id));
  if (it == sessions_.end()) return false;
  if (now - it->second.used > idle_ || now - it->second.opened > lifetime_) {
    sessions_.erase(it);
    return false;
  }
  it->second.used = now;
  return true;
}

void DashboardSessions::close(std::string_view id) {
  if (id.size() == 64) sessions_.erase(rules::signing::sha256_hex(id));
}

std::string DashboardSessions::id_in(std::string_view header) {
  // "a=1; edugate_department_session=…; b=2"
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(kCookie) && pair.size() > kCookie.size() && pair[kCookie.size()] == '=')
      return std::string(pair.substr(kCookie.size() + 1));
  }
  return {};
}

}  // namespace edugate::proxy::department
