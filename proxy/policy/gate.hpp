#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rules/decision.hpp"
#include "rules/ids.hpp"
#include "rules/request_facts.hpp"
#include "rules/safe_search.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy::policy {

class WarnPass;

/// Where the warn page's "continue" link points on the blocked host itself; edugate answers it.
inline constexpr std::string_view kContinuePath = "/.edugate/continue";
/// The cookie carrying a warn pass on the host it was issued for (removed before forwarding).
inline constexpr std::string_view kPassCookie = "edugate_pass";

struct GateSettings {
  std::string_view portal_host;
  std::chrono::milliseconds warn_pass_ttl;
};

/// A plain-HTTP request as the gate sees it, before normalisation.
struct HttpGateInput {
  rules::GroupId group = 0;
  rules::Method method = rules::Method::get;
  std::string_view host;  ///< as taken from the URL (lowercase; may be Unicode)
  std::uint16_t port = 80;
  std::string_view origin_form;  ///< "/path?query" as received
  std::string_view cookie;       ///< the Cookie header, to find a warn pass
  std::chrono::system_clock::time_point now;
  /// https for requests decided inside an inspected TLS connection (proxy/inspect): the
  /// continue link then stays on https and the default port is 443.
  rules::Scheme scheme = rules::Scheme::http;
  std::span<const rules::Grant> grants;  ///< teachers' overrides in force (proxy/policy/overrides)
};

enum class HttpOutcome {
  forward,        ///< send it upstream (after the safe-search rewrite, if any)
  block,          ///< answer with the block page
  warn,           ///< answer with the warn page
  warn_continue,  ///< a click on "continue": set the pass cookie and redirect
  portal,         ///< a request for edugate's own pages (the report form)
  bad_host,       ///< the host does not normalise: 400
};

struct HttpVerdict {
  HttpOutcome outcome = HttpOutcome::forward;
  rules::Decision decision;
  rules::LocalTime at;  ///< the school's local time the decision was made at
  std::string host;     ///< normalised host
  std::optional<rules::SafeSearchRewrite> safe_search;
  std::string continue_url;       ///< warn: the link behind the continue button
  std::string continue_location;  ///< warn_continue: where to send the browser back
  std::string pass_cookie;        ///< warn_continue: the cookie value to set
  bool carries_pass = false;      ///< forward: the request holds our cookie (strip it)
};

/// Where a click on "continue" sends the browser back: `to` when it is an origin-form path on
/// the same site (valid path and query characters only, not "//..."), else "/". The result is
/// safe to put in a Location header.
std::string safe_location(std::string_view to);

/// What the rules see of a plain-HTTP request (the proxy's and `edugate explain`'s one way to
/// them): `host` already normalised, the path normalised into `path`, the query as received.
/// The facts point into `in`, `host` and `path`.
rules::RequestFacts http_facts(const HttpGateInput& in, std::string_view host,
                               const rules::LocalTime& at, std::string& path);

/// What the rules see of a CONNECT (or a transparent TLS connection): `host` already normalised,
/// `sni` normalised into `sni_norm` (dropped when it is no host name). The facts point into
/// `host` and `sni_norm`.
rules::RequestFacts connect_facts(rules::GroupId group, std::string_view host, std::uint16_t port,
                                  std::string_view sni, const rules::LocalTime& at,
                                  std::string& sni_norm);

/// Decides a plain-HTTP request: normalises host and path, runs rules::decide() on the snapshot,
/// honours warn passes, and recognises the portal and the continue link. Pure apart from reading
/// `now` from the input; thread-safe.
HttpVerdict judge_http(const rules::RuleSet& rules, const GateSettings& settings,
                       const WarnPass& passes, const HttpGateInput& in);

struct ConnectVerdict {
  rules::Decision decision;
  rules::LocalTime at;
  std::string host;          ///< normalised CONNECT host ("" when it does not normalise)
  std::string connect_host;  ///< where to connect: the host, or a safe-search endpoint
  bool bad_host = false;
};

/// Decides a CONNECT (or a transparent TLS connection) on its host and, once known, the
/// ClientHello's SNI: blocked if either name is blocked (domain fronting). Pure; thread-safe.
ConnectVerdict judge_connect(const rules::RuleSet& rules, rules::GroupId group,
                             std::string_view host, std::uint16_t port, std::string_view sni,
                             std::chrono::system_clock::time_point now,
                             std::span<const rules::Grant> grants = {});

/// The domain a decision is counted under: the matched domain rule's entry when a domain rule
/// decided, else the request's host. (Reporting reduces it to its registrable domain.)
std::string_view counted_domain(const rules::RuleSet& rules, const rules::Decision& d,
                                std::string_view host);

/// The value of cookie `name` in a Cookie header, or empty.
std::string_view cookie_value(std::string_view header, std::string_view name);
/// The Cookie header without cookie `name` (empty when nothing else remains).
std::string cookie_without(std::string_view header, std::string_view name);

}  // namespace edugate::proxy::policy
