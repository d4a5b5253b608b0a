#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/cidr.hpp"
#include "rules/diagnostic.hpp"

namespace edugate::proxy {

using std::chrono::milliseconds;

struct ListenerConfig {
  enum class Mode { forward, transparent };
  std::string address;  ///< IPv4 or IPv6 literal
  std::uint16_t port = 0;
  Mode mode = Mode::forward;
  /// Non-empty: the listener sits behind TCP load balancers (HAProxy `send-proxy-v2`). Only
  /// these peers may connect, and each connection must start with a PROXY protocol v2 header
  /// naming the device, which then counts as the client (networks, groups, limits, devices).
  std::vector<rules::Cidr> proxy_protocol_from;
};

/// The `destinations:` section: where pupils may never go through the proxy beyond the built-in
/// denials (loopback, link-local, ..., the appliance's own addresses), and exceptions to those.
struct DestinationConfig {
  std::vector<rules::Cidr> deny;   ///< more networks never reachable (wins over `allow`)
  std::vector<rules::Cidr> allow;  ///< exceptions to the built-in denials
};

/// Caps on everything a client controls.
struct Limits {
  std::uint32_t max_header_bytes = 16 * 1024;  ///< request head without the target (→ 431)
  std::uint32_t max_url_length = 8 * 1024;     ///< request target (→ 414)
  std::uint32_t max_header_fields = 100;       ///< header fields in a request head (→ 431)
  std::uint32_t max_connections = 20000;       ///< client connections, all workers together
  /// Client connections from one address, all workers together: one device cannot shut the
  /// school out; a NAT'd computer lab of ~40 browsers (about a dozen connections each) fits.
  std::uint32_t max_connections_per_client = 512;
  /// As many as were busy at once to one origin, up to this: fewer means a new TCP connection for
  /// most requests whenever more clients than this use one origin together.
  std::uint32_t max_idle_upstream_per_host = 256;
  std::uint32_t max_idle_upstream = 1024;  ///< per worker
  std::uint32_t relay_buffer = 64 * 1024;  ///< bytes; one per direction per connection
  std::uint32_t max_client_hello = 64 * 1024;
};

struct Timeouts {
  milliseconds request_head{std::chrono::seconds(10)};  ///< whole head once the first byte came
  milliseconds client_idle{std::chrono::seconds(60)};   ///< keep-alive wait for the next request
  milliseconds upstream_connect{std::chrono::seconds(10)};
  milliseconds upstream_response{std::chrono::seconds(60)};  ///< wait for a response head
  milliseconds body_idle{std::chrono::seconds(60)};          ///< no body byte moved for this long
  milliseconds upstream_idle{std::chrono::seconds(30)};      ///< pooled connection lifetime unused
  milliseconds tunnel_idle{std::chrono::minutes(10)};
  milliseconds client_hello{std::chrono::seconds(10)};
  milliseconds drain{std::chrono::seconds(10)};  ///< grace period on SIGTERM
};

struct AdminConfig {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint16_t port = 3129;
  std::string tls_cert;  ///< PEM chain; with tls_key the admin listener speaks HTTPS only
  std::string tls_key;
  /// Who may talk to the admin listener. Default: loopback only — so that even when it listens
  /// on a LAN address, pupils' networks cannot reach it unless listed here.
  std::vector<rules::Cidr> allowed_networks;
};

/// What pupils see when edugate answers instead of a site.
struct EnforcementConfig {
  std::string pages_dir;  ///< block/warn/report templates; empty = built-in copies
  std::string portal_host = "edugate.lan";  ///< name of edugate's own pages (report form)
  std::string review_url;                   ///< school's review form; empty = the portal's form
  /// portal.teacher_codes: "sha256:<hex>" of the codes that open a page for a lesson
  /// (http://edugate.lan/mo-khoa); none: the teacher page is off.
  std::vector<std::string> teacher_codes;
  milliseconds override_max{std::chrono::minutes(45)};  ///< portal.override_max
  std::string school_name;                              ///< shown in page footers
  milliseconds warn_pass_ttl{std::chrono::minutes(10)};
  /// The warn-pass HMAC key, shared by the nodes of a school; empty = a random key per process.
  std::string warn_pass_key_file;
};

/// The proxy auto-config file (/proxy.pac, /wpad.dat).
struct PacConfig {
  std::string proxy;                ///< "HOST:PORT" browsers should use; empty = first listener
  std::vector<std::string> direct;  ///< domains reached without the proxy (intranet)
  std::string template_file;        ///< empty = the built-in copy of etc/proxy.pac
};

/// HTTPS inspection (opt-in; groups choose it with `inspect:` in their policy). Present only
/// when the config has an `inspection:` section, which must name the school CA.
struct InspectionConfig {
  bool enabled = false;
  std::string ca_cert;               ///< PEM, from `edugate ca init`
  std::string ca_key;                ///< PEM, unencrypted, not world-readable
  std::uint32_t cert_cache = 10000;  ///< minted leaf certificates kept per worker (LRU)
  std::string upstream_ca;           ///< PEM bundle origins are verified against; empty = system
  milliseconds fallback_ttl{std::chrono::hours(1)};  ///< a host whose client refused our
                                                     ///< certificate is not inspected this long
  std::uint32_t fallback_hosts = 4096;               ///< such hosts remembered per worker (LRU)
};

/// Rule-set reloads besides SIGHUP.
struct ReloadConfig {
  bool watch = false;  ///< poll the rule files for changes
  milliseconds interval{std::chrono::seconds(2)};
};

/// The appliance configuration (etc/edugate.yaml). The `rules:` and `reporting:` sections belong
/// to their libraries and are handed over as YAML nodes.
struct Config {
  std::string file;      ///< path it was loaded from
  std::string base_dir;  ///< directory of `file`; relative paths in the config resolve here
  std::vector<ListenerConfig> listeners;
  unsigned workers = 0;  ///< 0 = one per CPU
  std::vector<rules::Cidr> client_networks;
  std::vector<std::uint16_t> connect_ports{443};
  DestinationConfig destinations;
  Limits limits;
  Timeouts timeouts;
  AdminConfig admin;
  /// host → "ip:port": connect there instead of resolving `host` (tests, split-horizon DNS).
  std::map<std::string, std::string, std::less<>> upstream_overrides;
  std::string via_pseudonym = "edugate";
  EnforcementConfig enforcement;
  ReloadConfig reload;
  PacConfig pac;
  InspectionConfig inspection;
  std::string log_level = "info";
  YAML::Node rules_section;      ///< meaningful only when has_rules
  YAML::Node reporting_section;  ///< meaningful only when has_reporting
  bool has_rules = false;        ///< the file has a `rules:` key (even an empty one: an error)
  bool has_reporting = false;
};

/// Loads and validates the appliance config. Returns std::nullopt when `diags` received errors.
std::optional<Config> load_config(const std::string& path, rules::Diagnostics& diags);
/// The school's review file (`rules.review`, or review.yaml beside `rules.school`), or "" when
/// the config has no rules or they do not parse (the rules loader reports that).
std::string review_file_of(const Config& config);

/// Same, from text (tests); `file` names it in diagnostics and sets base_dir.
std::optional<Config> parse_config(const std::string& text, const std::string& file,
                                   rules::Diagnostics& diags);

}  // namespace edugate::proxy
