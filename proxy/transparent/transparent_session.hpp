#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "rules/cidr.hpp"

namespace edugate::proxy::server {

struct WorkerContext;

/// One connection redirected to a transparent listener by the gateway's firewall (nftables
/// `redirect`): the client did not configure a proxy. The original destination comes from
/// SO_ORIGINAL_DST (IPv4) / IP6T_SO_ORIGINAL_DST (IPv6). Plain HTTP is decided on the Host
/// header, TLS on the ClientHello's SNI (the bare destination IP when there is none); allowed
/// traffic goes to the original destination. A connection that was not redirected (its original
/// destination is edugate itself) is refused: 508 for HTTP, closed for TLS. Same admission, limits,
/// counters and privacy as serve_client.
/// `client`: the peer's address, as the accept loop read it (read once: a second read could
/// fail on a connection reset in between, and return before the connection's slot is counted
/// back).
boost::asio::awaitable<void> serve_transparent(WorkerContext& w,
                                               boost::asio::ip::tcp::socket socket,
                                               rules::IpBytes client);

}  // namespace edugate::proxy::server
