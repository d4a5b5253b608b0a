#include "reporting/device_keyring.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <utility>

namespace edugate::reporting {

namespace {

bool openssl_random(std::span<std::uint8_t> out) {
  return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

}  // namespace

DeviceKeyring::DeviceKeyring() : DeviceKeyring(openssl_random) {}

DeviceKeyring::DeviceKeyring(RandomFill random) : random_(std::move(random)) {}

DeviceKeyring::~DeviceKeyring() {
  for (auto& slot : slots_)
    for (auto& w : slot.words) w.store(0, std::memory_order_relaxed);
}

bool DeviceKeyring::install(Slot& slot, LocalDay day) {
  std::array<std::uint8_t, 16> fresh{};
  const bool ok = random_(fresh);
  // Invalidate first so a reader never pairs the new day with half of the old key (seqlock).
  slot.day.store(kNone, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  std::uint64_t w0 = 0, w1 = 0;
  for (int i = 0; i < 8; ++i) {
    w0 |= std::uint64_t{fresh[static_cast<std::size_t>(i)]} << (8 * i);
    w1 |= std::uint64_t{fresh[static_cast<std::size_t>(i + 8)]} << (8 * i);
  }
  OPENSSL_cleanse(fresh.data(), fresh.size());
  slot.words[0].store(ok ? w0 : 0, std::memory_order_relaxed);
  slot.words[1].store(ok ? w1 : 0, std::memory_order_relaxed);
  if (ok) slot.day.store(day, std::memory_order_release);
  return ok;
}

bool DeviceKeyring::rotate(LocalDay today) {
  bool ok = true;
  for (const LocalDay day : {today, static_cast<LocalDay>(today + 1)}) {
    Slot& slot = slot_for(day);
    if (slot.day.load(std::memory_order_relaxed) != day) ok = install(slot, day) && ok;
  }
  return ok;
}

std::optional<SipKey> DeviceKeyring::key_for(LocalDay day) const noexcept {
  const Slot& slot = slots_[static_cast<std::uint32_t>(day) & 1u];
  const auto before = slot.day.load(std::memory_order_acquire);
  if (before != day) return std::nullopt;
  SipKey key{slot.words[0].load(std::memory_order_relaxed),
             slot.words[1].load(std::memory_order_relaxed)};
  std::atomic_thread_fence(std::memory_order_acquire);
  if (slot.day.load(std::memory_order_relaxed) != before) return std::nullopt;
  return key;
}

DeviceKey device_key(const DeviceKeyring& keyring,
                     std::span<const std::uint8_t> client_address_bytes, LocalDay day) noexcept {
  const auto key = keyring.key_for(day);
  if (!key) return kNoDevice;
  const DeviceKey parity = static_cast<std::uint32_t>(day) & 1u;
  const DeviceKey h = (siphash24(*key, client_address_bytes) & ~DeviceKey{1}) | parity;
  return h == kNoDevice ? 2 : h;
}

}  // namespace edugate::reporting
