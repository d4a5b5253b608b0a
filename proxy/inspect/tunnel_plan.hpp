#pragma once

// The decision between tunnelling a CONNECT untouched and terminating its TLS (for the block
// page, or to inspect it). Pure: no I/O, no Asio, no OpenSSL, so that the fuzz target can drive
// it from ClientHello bytes. The facts come from the rules (decisions, exemptions) and the
// worker's memory of clients that refused inspection.

#include <string>

#include "proxy/tls/client_hello.hpp"
#include "rules/policy_types.hpp"

namespace edugate::proxy::inspect {

struct TunnelFacts {
  rules::InspectMode mode = rules::InspectMode::none;  ///< the group's policy
  bool host_blocked = false;     ///< the CONNECT host is blocked (or does not normalise)
  bool host_exempt = false;      ///< the CONNECT host is never to be decrypted
  bool host_remembered = false;  ///< a client refused our certificate for this host lately
  bool hello_read = false;       ///< the facts below are known (after 200 and the ClientHello)
  tls::HelloStatus hello = tls::HelloStatus::need_more;
  bool sni_blocked = false;     ///< the decision on host + SNI blocks (domain fronting too)
  bool sni_other_host = false;  ///< the SNI names another host than the CONNECT request
};

enum class TunnelStep {
  refuse,        ///< answer 403 to the CONNECT (no page: the browser shows its own error)
  tunnel,        ///< the classic tunnel: connect, 200, SNI check, bytes end to end
  read_hello,    ///< answer 200 and read the ClientHello, then plan again
  close,         ///< after the ClientHello: blocked, and no page can be shown; close
  pass_through,  ///< after the ClientHello: connect and relay the bytes untouched
  block_page,    ///< terminate TLS with a minted certificate; answer the block page
  inspect,       ///< terminate TLS; decide and relay every request inside
};

/// The next step for a CONNECT. Before the ClientHello (`hello_read` false) it returns refuse,
/// tunnel or read_hello; after it, close, pass_through, block_page or inspect. Exemption (and
/// the memory of clients that refused inspection) is decided on the CONNECT host and holds only
/// when the SNI names that same host (or none): an exempt name in the SNI behind another CONNECT
/// host exempts nothing. Guarantees, for any input: a tunnel whose CONNECT host is exempt or
/// remembered and whose SNI names no other host is never decrypted; mode none never decrypts; a
/// blocked tunnel never reaches the origin; in an inspecting group, bytes that start like TLS
/// but do not parse as a ClientHello (or none came in time) are closed, never passed through;
/// in mode all, bytes that are not TLS at all are closed too, unless the host is exempt;
/// `inspect` only in mode all on a complete ClientHello; `block_page` only for a blocked tunnel
/// in mode blocked-only or all.
TunnelStep plan_tunnel(const TunnelFacts& f) noexcept;

/// The name the minted certificate must carry: the ClientHello's SNI when it has one, else the
/// CONNECT host (normalised).
std::string certificate_name(const std::string& connect_host, const tls::HelloParse& hello);

std::string_view to_string(TunnelStep step) noexcept;

}  // namespace edugate::proxy::inspect
