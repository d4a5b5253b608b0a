#pragma once

// Which test-origin endpoint a request addresses. Pure: method and target in, route out.

#include <cstdint>
#include <string_view>

namespace edugate::itest {

enum class RouteKind {
  bytes,      ///< GET /bytes/<n>[?chunked=1]
  echo,       ///< POST|PUT /echo
  sink,       ///< POST|PUT /sink: read the whole body, then report its length and SHA-256
  headers,    ///< GET /headers
  etag,       ///< GET /etag
  status,     ///< GET /status/<code>
  slow,       ///< GET /slow/<ms>
  close,      ///< GET /close
  conn_id,    ///< GET /conn-id
  websocket,  ///< GET /ws (with an Upgrade: websocket request)
  stray,      ///< GET /stray/<ms>: "first\n", then an unrequested second response <ms> later
  not_found,
  bad_method,   ///< a known path with a method it does not take (405)
  bad_request,  ///< a known path with an unusable number in it (400)
};

struct Route {
  RouteKind kind = RouteKind::not_found;
  std::uint64_t number = 0;  ///< n for /bytes, the code for /status, ms for /slow and /stray
  bool chunked = false;      ///< /bytes with chunked=1 in the query
};

/// Maps an origin-form request target to its endpoint. GET endpoints also take HEAD. An
/// absolute-form target (a proxy that forgot to rewrite it) is not found, on purpose.
Route route_request(std::string_view method, std::string_view target);

}  // namespace edugate::itest
