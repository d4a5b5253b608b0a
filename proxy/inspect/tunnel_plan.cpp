#include "proxy/inspect/tunnel_plan.hpp"

namespace edugate::proxy::inspect {

namespace {

using rules::InspectMode;

TunnelStep before_hello(const TunnelFacts& f) noexcept {
  const bool may_terminate = !f.host_exempt && !f.host_remembered;
  if (f.mode == InspectMode::none || !may_terminate)
    return f.host_blocked ? TunnelStep::refuse : TunnelStep::tunnel;
  // Blocked: terminate to show the page. Allowed: read the ClientHello ourselves, to inspect
  // (all) or to show the page should the SNI be blocked (blocked-only).
  return TunnelStep::read_hello;
}

TunnelStep after_hello(const TunnelFacts& f) noexcept {
  const bool blocked = f.host_blocked || f.sni_blocked;
  const bool tls = f.hello == tls::HelloStatus::complete;
  const bool may_terminate = tls && f.mode != InspectMode::none && !f.host_exempt &&
                             !f.sni_exempt && !f.host_remembered && !f.sni_remembered;
  if (blocked) return may_terminate ? TunnelStep::block_page : TunnelStep::close;
  if (may_terminate && f.mode == InspectMode::all) return TunnelStep::inspect;
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
