#pragma once

#include <atomic>
#include <cstdint>

#include "proxy/http/error_response.hpp"

namespace edugate::proxy::session {

/// After a request: whether the client connection carries another one.
enum class Next { request, stop };

/// A request refused before the rules see it: the error page to answer with (then the
/// connection ends) and the counter it is counted under.
struct Refusal {
  http::ProxyError error;
  std::atomic<std::uint64_t>* counter;
};

}  // namespace edugate::proxy::session
