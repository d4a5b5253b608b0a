#include "proxy/metrics.hpp"

#include <fmt/format.h>

namespace edugate::proxy {

std::string render_prometheus(const std::vector<const Metrics*>& workers) {
  std::string out;
  auto emit = [&](const char* name, const char* help, const char* type, auto value) {
    fmt::format_to(std::back_inserter(out), "# HELP edugate_{0} {1}\n# TYPE edugate_{0} {2}\n",
                   name, help, type);
    fmt::format_to(std::back_inserter(out), "edugate_{} {}\n", name, value);
  };
#define EDUGATE_EMIT_COUNTER(name, help)                                          \
  {                                                                               \
    std::uint64_t sum = 0;                                                        \
    for (const auto* w : workers) sum += w->name.load(std::memory_order_relaxed); \
    emit(#name "_total", help, "counter", sum);                                   \
  }
  EDUGATE_PROXY_COUNTERS(EDUGATE_EMIT_COUNTER)
#undef EDUGATE_EMIT_COUNTER
  std::int64_t conns = 0, tunnels = 0;
  for (const auto* w : workers) {
    conns += w->active_connections.load(std::memory_order_relaxed);
    tunnels += w->active_tunnels.load(std::memory_order_relaxed);
  }
  emit("active_connections", "Client connections open now", "gauge", conns);
  emit("active_tunnels", "CONNECT tunnels and WebSockets open now", "gauge", tunnels);
  return out;
}

}  // namespace edugate::proxy
