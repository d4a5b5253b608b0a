#include "proxy/policy/gate.hpp"

#include <fmt/format.h>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/url.hpp>

#include "proxy/policy/warn_pass.hpp"
#include "rules/decide.hpp"
#include "rules/local_time.hpp"
#include "rules/normalize/host.hpp"
#include "rules/normalize/url.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::policy {

namespace urls = boost::urls;
using Clock = std::chrono::system_clock;

namespace {

constexpr auto kClickValidity = std::chrono::minutes(5);

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string authority(std::string_view host, std::uint16_t port, std::uint16_t default_port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  const auto h = v6 ? fmt::format("[{}]", host) : std::string(host);
  return port == default_port ? h : fmt::format("{}:{}", h, port);
}

}  // namespace

std::string safe_location(std::string_view to) {
  // An origin-form (RFC 9112 3.2.1) holds only valid path and query characters: no CR/LF (no
  // header injection), no tab or space (browsers strip those, so "/\t/evil.example" would
  // become "//evil.example"), no backslash. And never "//host": that leaves the site.
  if (to.size() > 2048 || !urls::parse_origin_form(to) || to.starts_with("//")) return "/";
  return std::string(to);
}

namespace {

/// A click on the warn page's "continue" (the continue path on a warned host): the pass cookie
/// and the way back, or nullopt when the click token is missing, forged, expired or for
/// another host (then the warning stands: the path is edugate's, never the site's).
std::optional<HttpVerdict> judge_continue(const WarnPass& passes, const GateSettings& settings,
                                          HttpVerdict v, std::string_view query,
                                          Clock::time_point now) {
  // (Boost.URL 1.81's parse_query reads a null empty view as a C string: a request for the
  // bare continue path, with no '?', crashed the whole proxy.)
  if (query.empty()) return std::nullopt;
  auto params = urls::parse_query(query);
  std::string token, to;
  if (params) {
    for (const auto& p : *params) {
      if (p.key == "t") token = p.value.decode();
      if (p.key == "to") to = p.value.decode();
    }
  }
  if (!passes.valid(WarnPass::Purpose::click, token, v.host, now)) return std::nullopt;
  v.outcome = HttpOutcome::warn_continue;
  v.continue_location = safe_location(to);
  v.pass_cookie = passes.issue(WarnPass::Purpose::cookie, v.host, now + settings.warn_pass_ttl);
  return v;
}

}  // namespace

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name)
      return trim(pair.substr(eq + 1));
  }
  return {};
}

std::string cookie_without(std::string_view header, std::string_view name) {
  std::string out;
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (pair.empty() || (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name))
      continue;
    if (!out.empty()) out += "; ";
    out += pair;
  }
  return out;
}

rules::RequestFacts http_facts(const HttpGateInput& in, std::string_view host,
                               const rules::LocalTime& at, std::string& path) {
  const auto q = in.origin_form.find('?');
  const auto raw_path = in.origin_form.substr(0, q);
  path = rules::normalize_path(raw_path);
  rules::RequestFacts facts;
  facts.group = in.group;
  facts.method = in.method;
  facts.scheme = in.scheme;
  facts.host = host;
  facts.port = in.port;
  facts.path = path;
  facts.query = q == std::string_view::npos ? std::string_view{} : in.origin_form.substr(q + 1);
  facts.at = at;
  facts.grants = in.grants;
  return facts;
}

rules::RequestFacts connect_facts(rules::GroupId group, std::string_view host, std::uint16_t port,
                                  std::string_view sni, const rules::LocalTime& at,
                                  std::string& sni_norm) {
  if (!sni.empty() && !rules::normalize_host_into(sni, sni_norm)) sni_norm.clear();
  rules::RequestFacts facts;
  facts.group = group;
  facts.method = rules::Method::connect;
  facts.scheme = rules::Scheme::https;
  facts.host = host;
  facts.port = port;
  facts.sni = sni_norm;
  facts.at = at;
  return facts;
}

HttpVerdict judge_http(const rules::RuleSet& rules, const GateSettings& settings,
                       const WarnPass& passes, const HttpGateInput& in) {
  HttpVerdict v;
  if (!rules::normalize_host_into(in.host, v.host)) {
    v.outcome = HttpOutcome::bad_host;
    return v;
  }
  if (v.host == settings.portal_host) {
    v.outcome = HttpOutcome::portal;
    return v;
  }
  std::string path;
  const auto facts = http_facts(in, v.host, rules::to_local_time(rules, in.now), path);
  const auto query = facts.query;
  v.at = facts.at;
  v.decision = rules::decide(rules, facts);
  switch (v.decision.action) {
    case rules::Action::allow:
    case rules::Action::would_block:  // monitored: let through, counted apart
      break;
    case rules::Action::safe_search:
      v.safe_search = rules::safe_search_rewrite(rules, in.group, v.host);
      break;
    case rules::Action::block:
      v.outcome = HttpOutcome::block;
      break;
    case rules::Action::warn: {
      const auto pass = cookie_value(in.cookie, kPassCookie);
      if (!pass.empty() && passes.valid(WarnPass::Purpose::cookie, pass, v.host, in.now)) {
        v.carries_pass = true;
        break;
      }
      if (path == kContinuePath)
        if (auto clicked = judge_continue(passes, settings, v, query, in.now)) return *clicked;
      v.outcome = HttpOutcome::warn;
      const auto token = passes.issue(WarnPass::Purpose::click, v.host, in.now + kClickValidity);
      const bool https = in.scheme == rules::Scheme::https;  // inspected TLS (proxy/inspect)
      v.continue_url = fmt::format("{}://{}{}?t={}&to={}", https ? "https" : "http",
                                   authority(v.host, in.port, https ? 443 : 80), kContinuePath,
                                   token, urls::encode(in.origin_form, urls::pchars));
      break;
    }
  }
  if (!cookie_value(in.cookie, kPassCookie).empty()) v.carries_pass = true;
  return v;
}

std::string_view counted_domain(const rules::RuleSet& rules, const rules::Decision& d,
                                std::string_view host) {
  if (d.rule != rules::kNoRule && d.rule < rules.rule_count()) {
    const auto info = rules.rule(d.rule);
    if (info.kind == rules::RuleKind::domain) return info.text;
  }
  return host;
}

ConnectVerdict judge_connect(const rules::RuleSet& rules, rules::GroupId group,
                             std::string_view host, std::uint16_t port, std::string_view sni,
                             Clock::time_point now, std::span<const rules::Grant> grants) {
  ConnectVerdict v;
  if (!rules::normalize_host_into(host, v.host)) {
    v.bad_host = true;
    v.decision.action = rules::Action::block;
    return v;
  }
  std::string sni_norm;
  auto facts = connect_facts(group, v.host, port, sni, rules::to_local_time(rules, now), sni_norm);
  facts.grants = grants;
  v.at = facts.at;
  v.decision = rules::decide(rules, facts);
  v.connect_host = v.host;
  if (v.decision.action == rules::Action::safe_search) {
    if (auto rw = rules::safe_search_rewrite(rules, group, v.host); rw && !rw->connect_host.empty())
      v.connect_host = std::string(rw->connect_host);
  }
  return v;
}

}  // namespace edugate::proxy::policy
