#pragma once

#include "proxy/net/idle_pool.hpp"
#include "proxy/net/upstream_connection.hpp"

namespace edugate::proxy::net {

/// Idle keep-alive TCP connections to origins, per worker.
using UpstreamPool = IdlePool<UpstreamConnection>;

}  // namespace edugate::proxy::net
