#pragma once

#include <boost/beast/http/fields.hpp>
#include <string_view>

namespace edugate::proxy::http {

namespace bhttp = boost::beast::http;

/// True when the message asks to switch to the WebSocket protocol
/// (`Connection: upgrade` naming `Upgrade`, and `Upgrade: websocket`).
bool is_websocket_upgrade(const bhttp::fields& f);

/// Removes the hop-by-hop headers of RFC 9110 §7.6.1 before a message is forwarded: Connection
/// and every header it names, Keep-Alive, Proxy-Connection, Proxy-Authorization,
/// Proxy-Authenticate, TE, Trailer, and Upgrade (kept, with `Connection: upgrade`, when
/// `keep_websocket_upgrade` is set and the message is a WebSocket upgrade). Transfer-Encoding is
/// left to the serializer, which re-frames the body. Also drops X-Forwarded-For and Forwarded: a
/// pupil's address never leaves the school, not even one that a client put there itself.
void strip_hop_by_hop(bhttp::fields& f, bool keep_websocket_upgrade);

/// Appends "<major>.<minor> <pseudonym>" to Via (RFC 9110 §7.6.3).
void add_via(bhttp::fields& f, unsigned version, std::string_view pseudonym);

/// True when the message has exactly one Transfer-Encoding field and its value is exactly the
/// chunked coding (any case, surrounding whitespace aside): no other coding, no parameter, not
/// twice. Any other Transfer-Encoding on a request is refused, as nginx does: edugate can
/// frame nothing else unambiguously for the origin (RFC 9112 6.1).
bool transfer_encoding_is_chunked(const bhttp::fields& f);

/// True when a Via entry already names `pseudonym`: the request is looping through us.
bool via_names(const bhttp::fields& f, std::string_view pseudonym);

}  // namespace edugate::proxy::http
