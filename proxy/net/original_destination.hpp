#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>
#include <vector>

#include "proxy/config.hpp"

namespace edugate::proxy::net {

/// Where the client meant to connect before the gateway's firewall redirected the connection to
/// edugate (nftables `redirect` / `dnat`): SO_ORIGINAL_DST for IPv4 sockets, IP6T_SO_ORIGINAL_DST
/// for IPv6 ones, both read from the connection's conntrack entry. Errors are values: ENOENT when
/// conntrack knows no translation for the connection (nothing was redirected, or conntrack is not
/// loaded), EBADF/ENOTSOCK/ENOPROTOOPT for a socket that cannot answer. Never throws; any thread.
boost::system::result<boost::asio::ip::tcp::endpoint> original_destination(
    const boost::asio::ip::tcp::socket& socket);

/// True when `original` is edugate itself rather than somewhere the client meant to go: the
/// socket's own `local` endpoint (no redirect happened: someone connected to the transparent
/// listener directly), or a configured listener's address and port (a wildcard listener matches
/// on the local address). Forwarding such a connection would loop back into edugate. Pure.
bool is_own_listener(const boost::asio::ip::tcp::endpoint& original,
                     const boost::asio::ip::tcp::endpoint& local,
                     const std::vector<ListenerConfig>& listeners);

}  // namespace edugate::proxy::net
