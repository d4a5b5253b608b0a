#include "proxy/net/client_slots.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace edugate::proxy::net {

namespace {

reporting::SipKey random_key() {
  reporting::SipKey key{};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), sizeof key) != 1)
    throw std::runtime_error("no randomness for the per-client connection key");
  return key;
}

}  // namespace

ClientSlots::Slot& ClientSlots::Slot::operator=(Slot&& o) noexcept {
  if (this != &o) {
    reset();
    owner_ = o.owner_;
    key_ = o.key_;
    o.owner_ = nullptr;
  }
  return *this;
}

void ClientSlots::Slot::reset() {
  if (owner_) owner_->release(key_);
  owner_ = nullptr;
}

ClientSlots::ClientSlots(std::uint32_t per_client) : per_client_(per_client), key_(random_key()) {}

std::optional<ClientSlots::Slot> ClientSlots::acquire(const rules::IpBytes& client) {
  const auto key = reporting::siphash24(key_, client.bytes);
  std::lock_guard lock(mutex_);
  auto& open = open_[key];
  if (open >= per_client_) {
    if (open == 0) open_.erase(key);
    return std::nullopt;
  }
  ++open;
  return Slot(this, key);
}

void ClientSlots::release(std::uint64_t key) {
  std::lock_guard lock(mutex_);
  const auto it = open_.find(key);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

}  // namespace edugate::proxy::net
