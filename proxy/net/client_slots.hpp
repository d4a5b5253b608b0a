#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "reporting/siphash.hpp"
#include "rules/cidr.hpp"

namespace edugate::proxy::net {

/// Open client connections per client address, across all workers (SO_REUSEPORT spreads one
/// device's connections over them), so that one device cannot hold every connection the
/// appliance allows. Addresses are kept only as a keyed hash (random key per process, RAM
/// only). Thread-safe; one short lock per accepted and per closed connection, none per request.
class ClientSlots {
 public:
  /// A held slot; gives it back when destroyed. Movable.
  class Slot {
   public:
    Slot() = default;
    Slot(ClientSlots* owner, std::uint64_t key) : owner_(owner), key_(key) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_), key_(o.key_) { o.owner_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept;
    ~Slot() { reset(); }
    void reset();

   private:
    ClientSlots* owner_ = nullptr;
    std::uint64_t key_ = 0;
  };

  explicit ClientSlots(std::uint32_t per_client);
  ClientSlots(const ClientSlots&) = delete;
  ClientSlots& operator=(const ClientSlots&) = delete;

  /// A slot for a new connection from `client`, or nullopt when that client already holds
  /// `per_client` connections.
  std::optional<Slot> acquire(const rules::IpBytes& client);

 private:
  void release(std::uint64_t key);

  const std::uint32_t per_client_;
  const reporting::SipKey key_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::uint32_t> open_;
};

}  // namespace edugate::proxy::net
