#pragma once

// Transparent mode decides on the name a client sends (SNI, Host) but connects to the address it
// was going to: unchecked, a pupil could send an allowed name to a blocked server's address. As
// Squid's host verification does (host_verify_strict, after CVE-2009-0801), the name counts only
// when it resolves to that address.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <string_view>

namespace edugate::proxy::server {
struct WorkerContext;
}

namespace edugate::proxy::net {

/// True when `name` resolves (upstream_overrides first, else DNS within
/// timeouts.upstream_connect) to `destination` (an IPv4-mapped address counts as its IPv4 one).
/// Answers are kept per worker for a minute (both ways), so that a keep-alive connection or a
/// busy site costs one lookup a minute. Never throws.
boost::asio::awaitable<bool> name_resolves_to(server::WorkerContext& w, std::string_view name,
                                              const boost::asio::ip::address& destination);

}  // namespace edugate::proxy::net
