#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/decision.hpp"

namespace edugate::proxy {

/// Every outcome and error branch of the data plane has a named counter, declared once here.
/// X(name, help)
#define EDUGATE_PROXY_COUNTERS(X)                                                          \
  X(connections_accepted, "Client connections accepted")                                   \
  X(connections_refused_network, "Clients outside client_networks refused with 403")       \
  X(connections_refused_limit, "Connections closed because max_connections was reached")   \
  X(connections_refused_client_limit,                                                      \
    "Connections closed because their client held max_connections_per_client")             \
  X(connections_refused_proxy_protocol,                                                    \
    "PROXY-protocol listener: connections not from a listed balancer or without a header") \
  X(requests, "Request heads read from clients")                                           \
  X(requests_bad, "Malformed requests answered 400")                                       \
  X(requests_header_too_large, "Requests answered 431 (header too large)")                 \
  X(requests_uri_too_long, "Requests answered 414 (URL too long)")                         \
  X(requests_head_timeout, "Clients cut off for sending the request head too slowly")      \
  X(requests_smuggling_refused, "Requests with ambiguous framing refused")                 \
  X(requests_loop_refused, "Requests that already passed through this proxy (508)")        \
  X(requests_not_proxy, "Origin-form requests on a forward listener")                      \
  X(responses_1xx_forwarded, "Interim 1xx responses forwarded")                            \
  X(connect_requests, "CONNECT requests")                                                  \
  X(connect_port_refused, "CONNECT to a port not in connect_ports (403)")                  \
  X(client_hello_sni_found, "Tunnels whose ClientHello carried SNI")                       \
  X(client_hello_no_sni, "Tunnels whose ClientHello had no SNI")                           \
  X(client_hello_not_tls, "Tunnels whose first bytes were not a TLS ClientHello")          \
  X(client_hello_too_large, "ClientHellos over the size cap")                              \
  X(client_hello_timeout, "Tunnels where no ClientHello arrived in time")                  \
  X(websocket_upgrades, "WebSocket upgrades relayed")                                      \
  X(transparent_name_mismatch,                                                             \
    "Transparent requests whose SNI or Host does not resolve to where they were going "    \
    "(decided on the address instead)")                                                    \
  X(decisions_allow, "Requests and tunnels allowed by the rules")                          \
  X(decisions_block, "Requests and tunnels blocked by the rules")                          \
  X(decisions_warn, "Warn pages shown")                                                    \
  X(decisions_safe_search, "Requests and tunnels sent to a search engine's safe mode")     \
  X(decisions_would_block,                                                                 \
    "Requests and tunnels let through that a monitored category would have blocked")       \
  X(warn_continued, "Clicks on a warn page's continue button")                             \
  X(sni_blocked, "Tunnels closed because the ClientHello named a blocked host")            \
  X(portal_requests, "Requests for edugate's own pages (report form)")                     \
  X(portal_reports, "Anonymous site reports counted")                                      \
  X(portal_reports_refused, "Report forms refused: another site's page or a stale token")  \
  X(portal_reports_not_counted, "Reports not counted: repeated, or over the daily cap")    \
  X(teacher_overrides, "Teachers' overrides opened (a category or site for one lesson)")   \
  X(teacher_overrides_refused,                                                             \
    "Teacher page requests refused: pupil network, wrong code, mandatory category")        \
  X(upstream_connects, "New upstream TCP connections")                                     \
  X(upstream_reused, "Requests sent on a pooled keep-alive upstream connection")           \
  X(upstream_retried, "Requests retried after a pooled connection turned out dead")        \
  X(upstream_stray_bytes,                                                                  \
    "Upstream connections closed for bytes sent past a response (TLS: any record)")        \
  X(destinations_refused, "Connections refused by the destination policy (403)")           \
  X(destinations_refused_own_service, "Of those, aimed at edugate's own listeners")        \
  X(upstream_dns_errors, "Upstream names that did not resolve (502)")                      \
  X(upstream_refused, "Upstream connections refused or unreachable (502)")                 \
  X(upstream_connect_timeouts, "Upstream connects that timed out (504)")                   \
  X(upstream_response_timeouts, "Upstreams that did not answer in time (504)")             \
  X(upstream_bad_response, "Upstream responses that could not be parsed (502)")            \
  /* HTTPS inspection (proxy/inspect) */                                                   \
  X(inspect_sessions, "Client TLS sessions terminated with a school-CA certificate")       \
  X(inspect_block_pages, "Block pages shown inside TLS (blocked CONNECT or SNI)")          \
  X(inspect_requests, "HTTP requests decided inside inspected TLS")                        \
  X(inspect_misdirected, "Inspected requests whose Host was not the tunnel's name (421)")  \
  X(inspect_mints, "Leaf certificates minted")                                             \
  X(inspect_cache_hits, "Leaf certificates found in the cache")                            \
  X(inspect_mint_waits, "Sessions that waited for another session's mint")                 \
  X(inspect_mint_failures, "Leaf certificates that could not be minted (tunnel instead)")  \
  X(inspect_exempt, "Tunnels left undecrypted: exempt category or domain")                 \
  X(inspect_fallback_not_tls, "Inspection skipped: the client did not speak TLS")          \
  X(inspect_closed_not_tls,                                                                \
    "Tunnels closed in an inspect-all group: the client did not speak TLS")                \
  X(inspect_fallback_remembered, "Inspection skipped: the client refused it recently")     \
  X(inspect_client_rejected, "Clients that refused the school-CA certificate (pinning)")   \
  X(inspect_client_handshake_errors, "Other client TLS handshake failures")                \
  X(inspect_upstream_cert_errors, "Origins whose certificate failed verification")         \
  X(inspect_upstream_tls_errors, "Origins whose TLS handshake failed otherwise")           \
  X(inspect_upstream_reused, "Inspected requests sent on a pooled TLS upstream")

/// Counters of one worker. Written by that worker's thread only (relaxed atomics so the admin
/// thread can read them without a lock); summed across workers when rendered.
struct Metrics {
#define EDUGATE_DECLARE_COUNTER(name, help) std::atomic<std::uint64_t> name{0};
  EDUGATE_PROXY_COUNTERS(EDUGATE_DECLARE_COUNTER)
#undef EDUGATE_DECLARE_COUNTER
  std::atomic<std::int64_t> active_connections{0};
  std::atomic<std::int64_t> active_tunnels{0};
};

inline void bump(std::atomic<std::uint64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

/// The counter of a decision that let a request or tunnel through (allow, safe search, would
/// block; a warn that cannot show its page inside a tunnel counts as allow).
inline std::atomic<std::uint64_t>& passed_counter(Metrics& m, rules::Action a) noexcept {
  switch (a) {
    case rules::Action::safe_search:
      return m.decisions_safe_search;
    case rules::Action::would_block:
      return m.decisions_would_block;
    default:
      return m.decisions_allow;
  }
}

/// Prometheus text exposition of the sum of `workers`' counters.
std::string render_prometheus(const std::vector<const Metrics*>& workers);

}  // namespace edugate::proxy
