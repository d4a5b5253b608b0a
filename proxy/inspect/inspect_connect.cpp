#include "proxy/inspect/inspect_connect.hpp"

#include <fmt/format.h>
#include <openssl/err.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "proxy/inspect/inspected_http.hpp"
#include "proxy/inspect/inspector.hpp"
#include "proxy/inspect/tls_contexts.hpp"
#include "proxy/inspect/tunnel_judge.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/record.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/tunnel/client_hello_reader.hpp"
#include "proxy/tunnel/relay_tunnel.hpp"
#include "proxy/upstream/upstream_connect.hpp"
#include "rules/local_time.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::inspect {

namespace asio = boost::asio;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using SteadyClock = std::chrono::steady_clock;

/// Counts a tunnel-level decision the way the classic tunnel does (recorder and metrics).
void count(server::WorkerContext& w, const ConnectRequest& r, const policy::ConnectVerdict& v,
           std::string_view name) {
  session::record_decision(w, r.rules, r.group_id, r.group, v.decision, v.at, name);
  switch (v.decision.action) {
    case rules::Action::block:
      bump(w.metrics.decisions_block);
      break;
    default:
      bump(passed_counter(w.metrics, v.decision.action));
      break;
  }
}

/// A TLS alert by which a client said it does not accept our certificate (pinning, or a device
/// without the school CA).
bool client_refused_certificate(const boost::system::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
      return true;
    default:
      return false;
  }
}

/// What the memory of refused certificates is kept under: the host and the device's daily
/// pseudonym. One device refusing the school CA (a phone without it, or a pupil's curl) must
/// not turn inspection of that host off for every pupil. (Without reporting there are no
/// pseudonyms, and the memory is per host, as before.)
std::string fallback_key(server::WorkerContext& w, const ConnectRequest& r, std::string_view host) {
  const auto day = rules::to_local_time(r.rules, w.services.clock->now()).day;
  return fmt::format("{}|{:x}", host, r.group.device(day));
}

/// After the 200 and the ClientHello: connect to the origin and relay everything untouched.
asio::awaitable<void> pass_through(server::WorkerContext& w, server::ClientConnection& c,
                                   const std::string& host, std::uint16_t port,
                                   std::vector<std::uint8_t> hello) {
  auto connected = co_await net::connect_upstream(w, host, port);
  if (!connected.connection) co_return;  // the 200 is out: closing is all that is left
  co_await tunnel::relay_tunnel(w, c.stream, connected.connection->stream, std::move(hello));
}

/// What the ClientHello told us, and the decision on CONNECT host + SNI.
struct AfterHello {
  tunnel::HelloRead hello;
  policy::ConnectVerdict verdict;  ///< on host and SNI (the host's verdict when no other SNI)
  std::string name;                ///< the certificate's name
  TunnelStep step = TunnelStep::close;
};

asio::awaitable<AfterHello> read_hello_and_plan(server::WorkerContext& w,
                                                server::ClientConnection& c,
                                                const ConnectRequest& r, const TunnelFacts& f) {
  AfterHello out;
  out.hello = co_await tunnel::read_client_hello(c, w.config.limits.max_client_hello,
                                                 w.config.timeouts.client_hello);
  tunnel::count_client_hello(w.metrics, out.hello);
  const auto now = w.services.clock->now();
  auto judged =
      judge_hello(r.rules, r.group_id, r.target.host, r.target.port, r.verdict, out.hello.parse, f,
                  now, w.overrides.grants(w.services.overrides.get(), r.rules, now));
  out.verdict = std::move(judged.verdict);
  out.name = std::move(judged.name);
  // Gone, or no whole ClientHello within timeouts.client_hello: close (step: close).
  if (out.hello.parse.status == tls::HelloStatus::need_more) co_return out;
  const TunnelFacts& g = judged.facts;
  out.step = plan_tunnel(g);
  const bool not_tls = g.hello == tls::HelloStatus::not_tls;
  if (not_tls && out.step == TunnelStep::close && !g.host_blocked && !g.sni_blocked) {
    bump(w.metrics.inspect_closed_not_tls);
  } else if ((g.host_exempt || g.host_remembered) && !g.sni_other_host) {
    bump(g.host_exempt ? w.metrics.inspect_exempt : w.metrics.inspect_fallback_remembered);
  } else if (not_tls && out.step == TunnelStep::pass_through) {  // unreadable hellos: closed
    bump(w.metrics.inspect_fallback_not_tls);
  }
  co_return out;
}

/// The HttpVerdict the block page is rendered from, for a tunnel-level block.
policy::HttpVerdict page_verdict(const policy::ConnectVerdict& v, const std::string& name) {
  policy::HttpVerdict out;
  out.outcome = policy::HttpOutcome::block;
  out.decision = v.decision;
  out.at = v.at;
  out.host = name;
  return out;
}

/// Terminates TLS with a leaf for `a.name`; then the block page or the inspected HTTP loop.
asio::awaitable<void> terminate(server::WorkerContext& w, server::ClientConnection& c,
                                const ConnectRequest& r, AfterHello& a) {
  Inspector& inspector = *w.inspector;
  const bool blocked = a.step == TunnelStep::block_page;
  auto leaf = co_await inspector.leaves().leaf_for(a.name, w.services.clock->now());
  if (!leaf) {  // cannot mint: behave as without inspection
    if (!blocked)
      co_await pass_through(w, c, a.verdict.connect_host, r.target.port, std::move(a.hello.bytes));
    co_return;
  }
  const auto& l = w.config.limits;
  TlsClient client(c.stream, std::move(a.hello.bytes), inspector.client_facing(),
                   l.max_header_bytes + l.max_url_length + 4096);
  if (!use_leaf(client.stream.native_handle(), leaf.get(), inspector.leaves().leaf_key()))
    co_return;
  c.stream.expires_after(w.config.timeouts.client_hello);
  auto [ec] = co_await client.stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (ec) {
    if (client_refused_certificate(ec)) {
      inspector.fallback().remember(fallback_key(w, r, a.name), SteadyClock::now());
      bump(w.metrics.inspect_client_rejected);
    } else {
      bump(w.metrics.inspect_client_handshake_errors);
    }
    co_return;
  }
  bump(w.metrics.inspect_sessions);
  const InspectedTunnel tunnel{r.rules, r.group_id, r.group,
                               TlsDestination{a.verdict.connect_host, r.target.port, a.name},
                               a.name};
  if (blocked) {
    bump(w.metrics.inspect_block_pages);
    co_await serve_block_page(w, client, tunnel, page_verdict(a.verdict, a.name));
    co_return;
  }
  w.metrics.active_tunnels.fetch_add(1, std::memory_order_relaxed);
  co_await serve_inspected(w, inspector, client, tunnel);
  w.metrics.active_tunnels.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace

asio::awaitable<bool> inspect_connect(server::WorkerContext& w, server::ClientConnection& c,
                                      const ConnectRequest& r) {
  if (!w.inspector) co_return false;
  FallbackHosts& fallback = w.inspector->fallback();
  const RememberedHost remembered = [&fallback, &w, &r](std::string_view host) {
    return fallback.contains(fallback_key(w, r, host), SteadyClock::now());
  };
  const TunnelFacts f = connect_facts(r.rules, r.group_id, r.verdict, remembered);
  if (f.mode == rules::InspectMode::none) co_return false;
  if (plan_tunnel(f) != TunnelStep::read_hello) {
    if (f.host_exempt || f.host_remembered)
      bump(f.host_exempt ? w.metrics.inspect_exempt : w.metrics.inspect_fallback_remembered);
    co_return false;
  }
  static constexpr char kEstablished[] = "HTTP/1.1 200 Connection established\r\n\r\n";
  c.stream.expires_after(w.config.timeouts.body_idle);
  if (auto [ec, n] = co_await asio::async_write(
          c.stream, asio::buffer(kEstablished, sizeof kEstablished - 1), kTuple);
      ec)
    co_return true;
  auto a = co_await read_hello_and_plan(w, c, r, f);
  const bool sni_named = a.name != r.verdict.host;
  switch (a.step) {
    case TunnelStep::close:
      if (a.verdict.decision.action == rules::Action::block) {
        count(w, r, a.verdict, sni_named ? std::string_view(a.name) : a.verdict.host);
        if (!f.host_blocked) bump(w.metrics.sni_blocked);
      }
      break;
    case TunnelStep::pass_through:
      // Host and SNI decided together: a monitored SNI is counted as would_block.
      count(w, r, a.verdict.decision.action == rules::Action::would_block ? a.verdict : r.verdict,
            r.verdict.host);
      co_await pass_through(w, c, a.verdict.connect_host, r.target.port, std::move(a.hello.bytes));
      break;
    case TunnelStep::block_page:
      count(w, r, a.verdict, sni_named ? std::string_view(a.name) : a.verdict.host);
      co_await terminate(w, c, r, a);
      break;
    case TunnelStep::inspect:
      co_await terminate(w, c, r, a);
      break;
    default:
      break;
  }
  co_return true;
}

}  // namespace edugate::proxy::inspect
