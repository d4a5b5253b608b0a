#include "proxy/policy/report_guard.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace edugate::proxy::policy {

ReportGuard::ReportGuard(std::uint32_t per_day, std::size_t max_devices)
    : per_day_(std::min<std::uint32_t>(per_day, kMaxPerDay)), max_devices_(max_devices) {
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1 ||
      RAND_bytes(reinterpret_cast<unsigned char*>(domain_key_.data()), sizeof domain_key_) != 1)
    throw std::runtime_error("no randomness for the report form's key");
}

std::string ReportGuard::token(reporting::DeviceKey device, reporting::LocalDay day) const {
  std::array<unsigned char, 12> message{};
  for (int i = 0; i < 8; ++i) message[i] = static_cast<unsigned char>(device >> (8 * i));
  const auto d = static_cast<std::uint32_t>(day);
  for (int i = 0; i < 4; ++i) message[8 + i] = static_cast<unsigned char>(d >> (8 * i));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), message.data(),
            message.size(), mac, &length))
    return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

bool ReportGuard::valid(std::string_view token, reporting::DeviceKey device,
                        reporting::LocalDay day) const {
  if (device == reporting::kNoDevice) return false;
  const auto expected = this->token(device, day);
  return !expected.empty() && token.size() == expected.size() &&
         CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

ReportGuard::Admit ReportGuard::admit(reporting::DeviceKey device, reporting::LocalDay day,
                                      std::string_view domain) {
  if (device == reporting::kNoDevice) return Admit::over_limit;
  const auto hash = reporting::siphash24(
      domain_key_, {reinterpret_cast<const std::uint8_t*>(domain.data()), domain.size()});
  std::lock_guard lock(mutex_);
  auto it = devices_.find(device);
  if (it == devices_.end()) {
    if (devices_.size() >= max_devices_ && swept_ != day) {
      std::erase_if(devices_, [day](const auto& entry) { return entry.second.day != day; });
      swept_ = day;
    }
    if (devices_.size() >= max_devices_) return Admit::over_limit;
    it = devices_.emplace(device, DeviceDay{}).first;
    it->second.day = day;
  }
  auto& state = it->second;
  if (state.day != day) state = DeviceDay{day, 0, {}};
  const auto counted = state.domains.begin() + state.count;
  if (std::find(state.domains.begin(), counted, hash) != counted) return Admit::repeat;
  if (state.count >= per_day_) return Admit::over_limit;
  state.domains[state.count++] = hash;
  return Admit::counted;
}

}  // namespace edugate::proxy::policy
