#include "proxy/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reporting/bearer_token.hpp"
#include "rules/settings.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::proxy {

namespace {

using rules::YamlReader;

template <typename T>
void read_int(YamlReader& r, const YAML::Node& map, const char* key, T& out, std::int64_t min,
              std::int64_t max) {
  if (const auto n = map[key]) {
    if (auto v = r.integer(n, key, min, max)) out = static_cast<T>(*v);
  }
}

template <typename T>
void read_size(YamlReader& r, const YAML::Node& map, const char* key, T& out, std::uint64_t min,
               std::uint64_t max) {
  if (const auto n = map[key]) {
    if (auto v = r.byte_size(n, key)) {
      if (*v < min || *v > max)
        r.error(n, fmt::format("{} must be between {} and {} bytes", key, min, max));
      else
        out = static_cast<T>(*v);
    }
  }
}

void read_duration(YamlReader& r, const YAML::Node& map, const char* key, milliseconds& out) {
  if (const auto n = map[key]) {
    if (auto v = r.duration(n, key)) {
      if (v->count() <= 0)
        r.error(n, fmt::format("{} must be longer than zero", key));
      else
        out = *v;
    }
  }
}

/// "127.0.0.1:3128", "[::1]:3128" → address and port.
bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  auto h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const auto p = text.substr(colon + 1);
  unsigned v = 0;
  if (p.empty() || p.size() > 5) return false;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 65535 || h.empty()) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(v);
  return true;
}

void read_cidr_list(YamlReader& r, const YAML::Node& node, const char* what,
                    std::vector<rules::Cidr>& out) {
  if (!node.IsSequence()) {
    r.error(node, fmt::format("{} must be a list of CIDR networks", what));
    return;
  }
  for (const auto& item : node) {
    auto s = r.string(item, what);
    if (!s) continue;
    std::string why;
    if (auto cidr = rules::Cidr::parse(*s, &why))
      out.push_back(*cidr);
    else
      r.error(item, fmt::format("'{}' is not a network: {}", *s, why));
  }
}

void read_listeners(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!node.IsSequence() || node.size() == 0) {
    r.error(node, "listeners must be a non-empty list");
    return;
  }
  for (const auto& item : node) {
    if (!r.check_map(item, "a listener", {"address", "mode", "proxy_protocol_from"})) continue;
    ListenerConfig l;
    const auto addr = item["address"];
    if (!addr) {
      r.error(item, "a listener needs an address such as 127.0.0.1:3128 or [::1]:3128");
      continue;
    }
    if (auto s = r.string(addr, "address")) {
      if (!split_host_port(*s, l.address, l.port) || !rules::parse_ip(l.address))
        r.error(addr, fmt::format("'{}' is not ADDRESS:PORT with an IP address ([v6]:port)", *s));
    }
    if (const auto m = item["mode"]) {
      if (auto s = r.string(m, "mode")) {
        if (*s == "forward")
          l.mode = ListenerConfig::Mode::forward;
        else if (*s == "transparent")
          l.mode = ListenerConfig::Mode::transparent;
        else
          r.error(m, fmt::format("mode '{}' is not one of: forward, transparent", *s));
      }
    }
    if (const auto from = item["proxy_protocol_from"]) {
      read_cidr_list(r, from, "proxy_protocol_from", l.proxy_protocol_from);
      if (from.IsSequence() && from.size() == 0)
        r.error(from, "proxy_protocol_from must name the load balancers that send the header");
      if (l.mode == ListenerConfig::Mode::transparent)
        r.error(from, "proxy_protocol_from is for forward listeners (behind a TCP load balancer)");
    }
    c.listeners.push_back(std::move(l));
  }
}

void read_networks(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!node.IsSequence()) {
    r.error(node, "client_networks must be a list of CIDR networks");
    return;
  }
  for (const auto& item : node) {
    auto s = r.string(item, "a client network");
    if (!s) continue;
    std::string why;
    if (auto cidr = rules::Cidr::parse(*s, &why))
      c.client_networks.push_back(*cidr);
    else
      r.error(item, fmt::format("'{}' is not a network: {}", *s, why));
  }
}

void read_connect_ports(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!node.IsSequence()) {
    r.error(node, "connect_ports must be a list of port numbers");
    return;
  }
  c.connect_ports.clear();
  for (const auto& item : node)
    if (auto v = r.integer(item, "a CONNECT port", 1, 65535))
      c.connect_ports.push_back(static_cast<std::uint16_t>(*v));
}

void read_destinations(YamlReader& r, const YAML::Node& n, DestinationConfig& d) {
  if (!r.check_map(n, "destinations", {"deny", "allow"})) return;
  if (const auto deny = n["deny"]) read_cidr_list(r, deny, "destinations.deny", d.deny);
  if (const auto allow = n["allow"]) read_cidr_list(r, allow, "destinations.allow", d.allow);
}

void read_limits(YamlReader& r, const YAML::Node& n, Limits& l) {
  if (!r.check_map(n, "limits",
                   {"max_header_bytes", "max_url_length", "max_header_fields", "max_connections",
                    "max_connections_per_client", "max_idle_upstream_per_host", "max_idle_upstream",
                    "relay_buffer", "max_client_hello"}))
    return;
  read_size(r, n, "max_header_bytes", l.max_header_bytes, 1024, 1 << 20);
  read_size(r, n, "max_url_length", l.max_url_length, 256, 1 << 20);
  read_int(r, n, "max_header_fields", l.max_header_fields, 8, 10'000);
  read_int(r, n, "max_connections", l.max_connections, 1, 1'000'000);
  read_int(r, n, "max_connections_per_client", l.max_connections_per_client, 1, 1'000'000);
  read_int(r, n, "max_idle_upstream_per_host", l.max_idle_upstream_per_host, 0, 10'000);
  read_int(r, n, "max_idle_upstream", l.max_idle_upstream, 0, 100'000);
  read_size(r, n, "relay_buffer", l.relay_buffer, 4096, 16 << 20);
  read_size(r, n, "max_client_hello", l.max_client_hello, 1024, 64 * 1024);
}

void read_timeouts(YamlReader& r, const YAML::Node& n, Timeouts& t) {
  if (!r.check_map(n, "timeouts",
                   {"request_head", "client_idle", "upstream_connect", "upstream_response",
                    "body_idle", "upstream_idle", "tunnel_idle", "client_hello", "drain"}))
    return;
  read_duration(r, n, "request_head", t.request_head);
  read_duration(r, n, "client_idle", t.client_idle);
  read_duration(r, n, "upstream_connect", t.upstream_connect);
  read_duration(r, n, "upstream_response", t.upstream_response);
  read_duration(r, n, "body_idle", t.body_idle);
  read_duration(r, n, "upstream_idle", t.upstream_idle);
  read_duration(r, n, "tunnel_idle", t.tunnel_idle);
  read_duration(r, n, "client_hello", t.client_hello);
  read_duration(r, n, "drain", t.drain);
}

void read_admin_tls(YamlReader& r, const YAML::Node& n, AdminConfig& a) {
  if (!r.check_map(n, "admin tls", {"cert", "key"})) return;
  const auto cert = n["cert"];
  const auto key = n["key"];
  if (!cert || !key) {
    r.error(n, "admin tls needs both cert and key (PEM files)");
    return;
  }
  if (auto s = r.string(cert, "cert")) a.tls_cert = *s;
  if (auto s = r.string(key, "key")) a.tls_key = *s;
}

void read_admin(YamlReader& r, const YAML::Node& n, AdminConfig& a) {
  if (!r.check_map(n, "admin", {"enabled", "address", "tls", "allowed_networks"})) return;
  if (const auto t = n["tls"]) read_admin_tls(r, t, a);
  if (const auto nets = n["allowed_networks"]) {
    if (auto list = r.string_list(nets, "allowed_networks")) {
      for (const auto& text : *list) {
        std::string why;
        if (auto cidr = rules::Cidr::parse(text, &why))
          a.allowed_networks.push_back(*cidr);
        else
          r.error(nets, fmt::format("'{}' is not a network: {}", text, why));
      }
    }
  }
  if (const auto e = n["enabled"])
    if (auto v = r.boolean(e, "enabled")) a.enabled = *v;
  if (const auto addr = n["address"]) {
    if (auto s = r.string(addr, "address")) {
      if (!split_host_port(*s, a.address, a.port) || !rules::parse_ip(a.address))
        r.error(addr, fmt::format("'{}' is not ADDRESS:PORT with an IP address", *s));
    }
  }
}

void read_overrides(YamlReader& r, const YAML::Node& n, Config& c) {
  if (!n.IsMap()) {
    r.error(n, "upstream_overrides must map host names to ADDRESS:PORT");
    return;
  }
  for (const auto& kv : n) {
    auto host = r.string(kv.first, "an upstream override host");
    auto target = r.string(kv.second, "an upstream override target");
    if (!host || !target) continue;
    std::string a;
    std::uint16_t p = 0;
    if (!split_host_port(*target, a, p) || !rules::parse_ip(a)) {
      r.error(kv.second, fmt::format("'{}' is not ADDRESS:PORT with an IP address", *target));
      continue;
    }
    c.upstream_overrides.emplace(*host, *target);
  }
}

void read_portal(YamlReader& r, const YAML::Node& n, EnforcementConfig& e) {
  if (!r.check_map(n, "portal", {"host", "review_url", "teacher_codes", "override_max"})) return;
  if (const auto t = n["teacher_codes"]) {
    auto list = r.string_list(t, "portal.teacher_codes");
    if (list) {
      for (const auto& h : *list)
        if (!reporting::valid_token_hash(h))
          r.error(t,
                  "each portal.teacher_codes entry must be sha256:<64 hex digits> (make one "
                  "with: edugate portal code)");
      e.teacher_codes = std::move(*list);
    }
  }
  if (const auto m = n["override_max"]) {
    if (auto v = r.duration(m, "portal.override_max")) {
      if (*v < std::chrono::minutes(1) || *v > std::chrono::hours(8))
        r.error(m, "portal.override_max must be between 1m and 8h");
      else
        e.override_max = *v;
    }
  }
  if (const auto h = n["host"]) {
    if (auto s = r.string(h, "portal host")) {
      if (s->empty() || s->find_first_of(" /:@") != std::string::npos)
        r.error(h, "portal host must be a host name such as edugate.lan");
      else
        e.portal_host = *s;
    }
  }
  if (const auto u = n["review_url"]) {
    if (auto s = r.string(u, "review_url")) {
      if (!s->empty() && s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0)
        r.error(u, "review_url must start with http:// or https://");
      else
        e.review_url = *s;
    }
  }
}

void read_reload(YamlReader& r, const YAML::Node& n, ReloadConfig& c) {
  if (!r.check_map(n, "reload", {"watch", "interval"})) return;
  if (const auto w = n["watch"])
    if (auto v = r.boolean(w, "watch")) c.watch = *v;
  read_duration(r, n, "interval", c.interval);
}

void read_pac(YamlReader& r, const YAML::Node& n, Config& c) {
  if (!r.check_map(n, "pac", {"proxy", "direct", "template"})) return;
  if (const auto p = n["proxy"]) {
    if (auto s = r.string(p, "pac proxy")) {
      std::string host;
      std::uint16_t port = 0;
      if (!split_host_port(*s, host, port))
        r.error(p, "pac proxy must be HOST:PORT as browsers should reach edugate");
      else
        c.pac.proxy = *s;
    }
  }
  if (const auto d = n["direct"]) {
    if (auto list = r.string_list(d, "pac direct")) {
      for (const auto& domain : *list) {
        if (domain.empty() || domain.find_first_of("\"' ;") != std::string::npos)
          r.error(d, fmt::format("'{}' is not a domain name", domain));
        else
          c.pac.direct.push_back(domain);
      }
    }
  }
  if (const auto t = n["template"])
    if (auto s = r.string(t, "pac template")) c.pac.template_file = *s;
}

void read_inspection(YamlReader& r, const YAML::Node& n, InspectionConfig& i) {
  if (!r.check_map(
          n, "inspection",
          {"ca_cert", "ca_key", "cert_cache", "upstream_ca", "fallback_ttl", "fallback_hosts"}))
    return;
  const auto cert = n["ca_cert"];
  const auto key = n["ca_key"];
  if (!cert || !key) {
    r.error(n, "inspection needs ca_cert and ca_key (make them with: edugate ca init --out DIR)");
    return;
  }
  if (auto s = r.string(cert, "ca_cert")) i.ca_cert = *s;
  if (auto s = r.string(key, "ca_key")) i.ca_key = *s;
  if (const auto u = n["upstream_ca"]) {
    if (auto s = r.string(u, "upstream_ca")) i.upstream_ca = *s == "system" ? "" : *s;
  }
  read_int(r, n, "cert_cache", i.cert_cache, 1, 10'000'000);
  read_int(r, n, "fallback_hosts", i.fallback_hosts, 1, 10'000'000);
  read_duration(r, n, "fallback_ttl", i.fallback_ttl);
  i.enabled = !i.ca_cert.empty() && !i.ca_key.empty();
}

void read_enforcement(YamlReader& r, const YAML::Node& root, Config& c) {
  if (const auto n = root["pages"])
    if (auto s = r.string(n, "pages")) c.enforcement.pages_dir = *s;
  if (const auto n = root["portal"]) read_portal(r, n, c.enforcement);
  if (const auto n = root["school_name"])
    if (auto s = r.string(n, "school_name")) c.enforcement.school_name = *s;
  read_duration(r, root, "warn_pass_ttl", c.enforcement.warn_pass_ttl);
  if (const auto n = root["warn_pass_key_file"])
    if (auto s = r.string(n, "warn_pass_key_file")) c.enforcement.warn_pass_key_file = *s;
  if (const auto n = root["reload"]) read_reload(r, n, c.reload);
  if (const auto n = root["pac"]) read_pac(r, n, c);
  if (const auto n = root["inspection"]) read_inspection(r, n, c.inspection);
}

std::optional<Config> build(YamlReader& r, const YAML::Node& root, const std::string& file) {
  Config c;
  c.file = file;
  c.base_dir = std::filesystem::path(file).parent_path().string();
  if (c.base_dir.empty()) c.base_dir = ".";
  if (!r.check_map(root, "the appliance config",
                   {"listeners",     "workers",       "client_networks",
                    "connect_ports", "destinations",  "limits",
                    "timeouts",      "admin",         "upstream_overrides",
                    "via",           "log_level",     "rules",
                    "reporting",     "pages",         "portal",
                    "school_name",   "warn_pass_ttl", "reload",
                    "pac",           "inspection",    "warn_pass_key_file"}))
    return std::nullopt;
  if (const auto n = root["listeners"])
    read_listeners(r, n, c);
  else
    r.error(root, "listeners is required (for example: [{address: 127.0.0.1:3128}])");
  read_int(r, root, "workers", c.workers, 0, 256);
  if (const auto n = root["client_networks"])
    read_networks(r, n, c);
  else
    r.error(root, "client_networks is required: edugate is never an open proxy");
  if (const auto n = root["connect_ports"]) read_connect_ports(r, n, c);
  if (const auto n = root["destinations"]) read_destinations(r, n, c.destinations);
  if (const auto n = root["limits"]) read_limits(r, n, c.limits);
  if (const auto n = root["timeouts"]) read_timeouts(r, n, c.timeouts);
  if (const auto n = root["admin"]) read_admin(r, n, c.admin);
  if (const auto n = root["upstream_overrides"]) read_overrides(r, n, c);
  if (const auto n = root["via"]) {
    if (auto s = r.string(n, "via")) {
      const bool token = !s->empty() && s->find_first_of(" \t\r\n,") == std::string::npos;
      if (token)
        c.via_pseudonym = *s;
      else
        r.error(n, "via must be a single token such as edugate or gw1.school.edu.vn");
    }
  }
  if (const auto n = root["log_level"]) {
    if (auto s = r.string(n, "log_level")) {
      if (*s == "trace" || *s == "debug" || *s == "info" || *s == "warn" || *s == "error")
        c.log_level = *s;
      else
        r.error(n, "log_level must be one of: trace, debug, info, warn, error");
    }
  }
  read_enforcement(r, root, c);
  if (!c.enforcement.pages_dir.empty() && c.enforcement.pages_dir.front() != '/')
    c.enforcement.pages_dir = c.base_dir + "/" + c.enforcement.pages_dir;
  if (!c.pac.template_file.empty() && c.pac.template_file.front() != '/')
    c.pac.template_file = c.base_dir + "/" + c.pac.template_file;
  if (c.pac.proxy.empty() && !c.listeners.empty()) {
    // Devices must be sent to a listener that takes them: not one behind a load balancer
    // (PROXY protocol), which closes every connection but the balancer's.
    const auto it =
        std::find_if(c.listeners.begin(), c.listeners.end(),
                     [](const ListenerConfig& l) { return l.proxy_protocol_from.empty(); });
    if (it == c.listeners.end())
      r.error(root,
              "every listener is behind a load balancer (proxy_protocol_from): set "
              "pac.proxy to the address devices use, the balancer's (e.g. 10.0.0.10:3128)");
    else
      c.pac.proxy = it->address.find(':') != std::string::npos
                        ? fmt::format("[{}]:{}", it->address, it->port)
                        : fmt::format("{}:{}", it->address, it->port);
  }
  for (auto* path :
       {&c.admin.tls_cert, &c.admin.tls_key, &c.inspection.ca_cert, &c.inspection.ca_key,
        &c.inspection.upstream_ca, &c.enforcement.warn_pass_key_file})
    if (!path->empty() && path->front() != '/') *path = c.base_dir + "/" + *path;
  if (c.admin.allowed_networks.empty()) {
    c.admin.allowed_networks.push_back(*rules::Cidr::parse("127.0.0.0/8"));
    c.admin.allowed_networks.push_back(*rules::Cidr::parse("::1/128"));
  }
  if (const auto n = root["rules"]) {
    c.rules_section = n;
    c.has_rules = true;
  }
  if (const auto n = root["reporting"]) {
    c.reporting_section = n;
    c.has_reporting = true;
  }
  if (!r.ok()) return std::nullopt;
  return c;
}

}  // namespace

std::optional<Config> parse_config(const std::string& text, const std::string& file,
                                   rules::Diagnostics& diags) {
  YamlReader r(file, diags);
  auto root = r.load_text(text);
  if (!root) return std::nullopt;
  return build(r, *root, file);
}

std::optional<Config> load_config(const std::string& path, rules::Diagnostics& diags) {
  YamlReader r(path, diags);
  auto root = r.load_file();
  if (!root) return std::nullopt;
  return build(r, *root, path);
}

std::string review_file_of(const Config& config) {
  if (!config.has_rules) return {};
  rules::Diagnostics quiet;
  rules::YamlReader reader(config.file, quiet);
  const auto s = rules::parse_rules_settings(config.rules_section, reader, config.base_dir);
  return s && s->review ? *s->review : std::string();
}

}  // namespace edugate::proxy
