#include "proxy/inspect/tunnel_plan.hpp"

namespace edugate::proxy::inspect {

namespace {

using rules::InspectMode;

TunnelStep before_hello(const TunnelFacts& f) noexcept {
  if (f.mode == InspectMode::none) return f.host_blocked ? TunnelStep::refuse : TunnelStep::tunnel;
  // An exempt (or remembered) host that is blocked: no page may be shown, refuse at once.
  if (f.host_blocked && (f.host_exempt || f.host_remembered)) return TunnelStep::refuse;
  // Otherwise read the ClientHello ourselves: to inspect (all), to show the page should the
  // SNI be blocked, and to check that an exempt host's SNI names that host.
  return TunnelStep::read_hello;
}

TunnelStep after_hello(const TunnelFacts& f) noexcept {
  const bool blocked = f.host_blocked || f.sni_blocked;
  const bool tls = f.hello == tls::HelloStatus::complete;
  const bool kept_whole = (f.host_exempt || f.host_remembered) && !f.sni_other_host;
  const bool may_terminate = tls && f.mode != InspectMode::none && !kept_whole;
  if (blocked) return may_terminate ? TunnelStep::block_page : TunnelStep::close;
  // Looks like TLS but is no ClientHello edugate can read (an SNI its parser refuses while
  // OpenSSL would take it, a record over the cap), or none came in time: never relayed blind.
  if (f.mode != InspectMode::none && f.hello != tls::HelloStatus::complete &&
      f.hello != tls::HelloStatus::not_tls)
    return TunnelStep::close;
  if (may_terminate && f.mode == InspectMode::all) return TunnelStep::inspect;
  // Not TLS at all in a group that inspects everything: relaying it would carry any plain
  // protocol (an HTTP proxy on port 443 of an allowed host, say) past inspection. Only an
  // exempt host's tunnel goes through untouched. Not one remembered as refusing inspection:
  // a client makes that memory at will by refusing one certificate, and these bytes are no
  // TLS that could refuse anything.
  if (f.mode == InspectMode::all && f.hello == tls::HelloStatus::not_tls &&
      !(f.host_exempt && !f.sni_other_host))
    return TunnelStep::close;
  return TunnelStep::pass_through;
}

}  // namespace

TunnelStep plan_tunnel(const TunnelFacts& f) noexcept {
  return f.hello_read ? after_hello(f) : before_hello(f);
}

std::string certificate_name(const std::string& connect_host, const tls::HelloParse& hello) {
  if (hello.status == tls::HelloStatus::complete && hello.info.has_sni && !hello.info.sni.empty())
    return hello.info.sni;
  return connect_host;
}

std::string_view to_string(TunnelStep step) noexcept {
  switch (step) {
    case TunnelStep::refuse:
      return "refuse";
    case TunnelStep::tunnel:
      return "tunnel";
    case TunnelStep::read_hello:
      return "read_hello";
    case TunnelStep::close:
      return "close";
    case TunnelStep::pass_through:
      return "pass_through";
    case TunnelStep::block_page:
      return "block_page";
    case TunnelStep::inspect:
      return "inspect";
  }
  return "?";
}

}  // namespace edugate::proxy::inspect
