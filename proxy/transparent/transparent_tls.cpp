#include "proxy/transparent/transparent_tls.hpp"

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "proxy/policy/gate.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/record.hpp"
#include "proxy/session/session_support.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/tunnel/client_hello_reader.hpp"
#include "proxy/tunnel/relay_tunnel.hpp"
#include "proxy/upstream/host_verification.hpp"
#include "proxy/upstream/upstream_connect.hpp"
#include "reporting/hour_bucket.hpp"

namespace edugate::proxy::transparent {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::uint16_t kSafeSearchPort = 443;

struct Upstream {
  std::string host;  ///< IP literal of the destination, or a safe-search endpoint's name
  std::uint16_t port = 0;
};

/// The rules' verdict on one redirected TLS connection, made on the ClientHello's server name
/// (the destination IP literal when there is none).
struct TlsDecision {
  std::shared_ptr<const rules::RuleSet> rules;  ///< this connection's snapshot; null: no rules
  rules::GroupId group = rules::kDefaultGroup;
  policy::ConnectVerdict verdict;
  bool on_sni = false;
};

/// `sni` empty: decided on the destination's IP literal.
TlsDecision decide(server::WorkerContext& w, server::Admission& admission, std::string_view sni,
                   const std::string& destination_ip, std::uint16_t port) {
  TlsDecision d;
  d.rules = w.rules;
  if (!d.rules) return d;
  d.on_sni = !sni.empty();
  d.group = admission.group.in(*d.rules);
  const auto now = w.services.clock->now();
  d.verdict =
      policy::judge_connect(*d.rules, d.group, d.on_sni ? sni : destination_ip, port, {}, now,
                            w.overrides.grants(w.services.overrides.get(), *d.rules, now));
  return d;
}

/// True when the connection would go to the original destination on a decision made on the
/// SNI: only then must the SNI be checked against that destination.
bool goes_to_destination_on_the_name(const TlsDecision& d) {
  if (!d.rules || !d.on_sni) return false;
  const auto action = d.verdict.decision.action;
  if (action == rules::Action::block) return false;
  return action != rules::Action::safe_search || d.verdict.connect_host == d.verdict.host;
}

/// Counts the decision for the report (no address, only group, hour and matched domain).
void record(server::WorkerContext& w, server::Admission& admission, const TlsDecision& d) {
  if (!d.rules) return;
  const auto& v = d.verdict;
  session::record_decision(w, *d.rules, d.group, admission.group, v.decision, v.at, v.host);
}

/// Where to connect, after counting the outcome; nullopt when the connection is blocked.
std::optional<Upstream> enforce(server::WorkerContext& w, const TlsDecision& d,
                                Upstream destination) {
  if (!d.rules) return destination;
  switch (d.verdict.decision.action) {
    case rules::Action::block:
      bump(w.metrics.decisions_block);
      if (d.on_sni) bump(w.metrics.sni_blocked);
      return std::nullopt;
    case rules::Action::safe_search:
      bump(w.metrics.decisions_safe_search);
      if (d.verdict.connect_host == d.verdict.host) return destination;
      return Upstream{d.verdict.connect_host, kSafeSearchPort};
    case rules::Action::allow:
    case rules::Action::would_block:
    case rules::Action::warn:  // no page can be shown inside TLS: warn lets it through
      bump(passed_counter(w.metrics, d.verdict.decision.action));
      return destination;
  }
  return destination;
}

}  // namespace

asio::awaitable<void> serve_tls(server::WorkerContext& w, server::ClientConnection& c,
                                server::Admission& admission,
                                const std::optional<tcp::endpoint>& destination) {
  // A TLS client cannot read an HTTP error page: refusals close the connection.
  if (!admission.allowed) {
    bump(w.metrics.connections_refused_network);
    co_return;
  }
  if (!destination) {
    bump(w.metrics.requests_loop_refused);
    co_return;
  }
  const auto& t = w.config.timeouts;
  auto hello =
      co_await tunnel::read_client_hello(c, w.config.limits.max_client_hello, t.client_hello);
  tunnel::count_client_hello(w.metrics, hello);
  // Timed out or gone before the ClientHello was whole: nothing worth forwarding.
  if (hello.parse.status == tls::HelloStatus::need_more) co_return;
  const Upstream original{destination->address().to_string(), destination->port()};
  const bool complete = hello.parse.status == tls::HelloStatus::complete;
  const std::string_view sni = complete ? std::string_view(hello.parse.info.sni) : "";
  auto decision = decide(w, admission, sni, original.host, original.port);
  // An SNI that does not resolve to where the client was going (host verification, as Squid's
  // host_verify_strict): decided on the destination address instead.
  bool mismatch = false;  // (no co_await inside && or ?:: GCC 12 miscompiles that)
  if (goes_to_destination_on_the_name(decision))
    mismatch = !co_await net::name_resolves_to(w, sni, destination->address());
  if (mismatch) {
    bump(w.metrics.transparent_name_mismatch);
    decision = decide(w, admission, {}, original.host, original.port);
  }
  const auto upstream = enforce(w, decision, original);
  if (!upstream) {
    record(w, admission, decision);
    co_return;  // blocked: nothing of the client's reached an upstream
  }
  auto connected = co_await net::connect_upstream(w, upstream->host, upstream->port);
  if (!connected.connection) co_return;  // counted by connect_upstream; not reported
  record(w, admission, decision);
  co_await tunnel::relay_tunnel(w, c.stream, connected.connection->stream, std::move(hello.bytes));
}

}  // namespace edugate::proxy::transparent
