// `edugate explain`, `edugate import` and `edugate rules sign|verify|keygen`: thin adapters over
// rules/ (explain(), tools::import_category(), signing::*) that read arguments and files.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "proxy/http/request_target.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/reload/startup.hpp"
#include "rules/explain.hpp"
#include "rules/load_rules.hpp"
#include "rules/local_time.hpp"
#include "rules/normalize/host.hpp"
#include "rules/signing/bundle.hpp"
#include "rules/signing/ed25519.hpp"
#include "rules/tools/import_category.hpp"

namespace edugate::cli {

namespace {

std::string read_file(const std::string& path) { return read_file_or_fail(path); }

/// Writes a file readable by its owner only (private keys), refusing to overwrite one.
void write_private(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail(fmt::format("{}: cannot create (does it exist already?)", path));
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  if (!ok) fail(fmt::format("{}: write failed", path));
}

/// The rule set `edugate run` would enforce with this config, read the same way.
proxy::server::Startup load_configured(const std::string& config_path) {
  auto startup = proxy::server::prepare_startup(config_path);
  for (const auto& d : startup.diagnostics)
    if (d.severity == rules::Severity::error) fmt::print(stderr, "{}\n", rules::format(d));
  if (startup.config && !startup.rules.configured)
    fail(fmt::format("{}: no rules: section", config_path));
  for (const auto& d : startup.rules.diagnostics)
    if (d.severity == rules::Severity::error) fmt::print(stderr, "{}\n", rules::format(d));
  if (!startup.ok())
    fail(fmt::format("{}: edugate would not start with it; run: edugate check {}", config_path,
                     config_path));
  return startup;
}

/// The URL taken apart as the proxy takes a request apart: an http(s)/ws(s) URL or host/path.
/// HTTPS is what a CONNECT shows without inspection: the host and port (443 unless given).
struct ExplainTarget {
  bool tls = false;
  std::string host;  ///< as the proxy's target parser leaves it (lowercase, no brackets)
  std::uint16_t port = 80;
  std::string origin_form;  ///< the path and query (for HTTPS: seen only when inspected)
};

ExplainTarget explain_target(const std::string& url) {
  const auto sep = url.find("://");
  std::string scheme = sep == std::string::npos ? "http" : url.substr(0, sep);
  for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const std::string rest = sep == std::string::npos ? url : url.substr(sep + 3);
  ExplainTarget t;
  t.tls = scheme == "https" || scheme == "wss";
  if (!t.tls && scheme != "http" && scheme != "ws")
    fail(fmt::format("'{}': only http, https, ws and wss URLs pass through the proxy", url));
  const auto parsed = proxy::http::parse_absolute_target("http://" + rest);
  const auto* f = std::get_if<proxy::http::ForwardTarget>(&parsed);
  if (!f) fail(fmt::format("'{}' is not a URL the proxy would accept (400)", url));
  t.host = f->host;
  t.port = f->port;
  t.origin_form = f->origin_form;
  if (t.tls) {
    // What the CONNECT carries: the authority, read by the proxy's CONNECT parser (443 when
    // the URL names no port).
    const auto authority = rest.substr(0, rest.find_first_of("/?#"));
    auto c = proxy::http::parse_connect_target(authority);
    if (!c) c = proxy::http::parse_connect_target(authority + ":443");
    if (!c) fail(fmt::format("'{}' is not a URL the proxy would accept (400)", url));
    t.host = c->host;
    t.port = c->port;
  }
  return t;
}

struct ExplainArgs {
  std::string url;
  std::string group;
  std::string client_ip;
  std::string at;
  std::string sni;
  std::string config = default_config_path();
};

rules::GroupId pick_group(const rules::RuleSet& rules, const ExplainArgs& a) {
  if (!a.group.empty()) {
    if (const auto g = rules.find_group(a.group)) return *g;
    std::string known;
    for (rules::GroupId g = 0; g < rules.group_count(); ++g) known += " " + rules.group(g).id;
    fail(fmt::format("unknown group '{}'; groups:{}", a.group, known));
  }
  if (!a.client_ip.empty()) {
    const auto ip = rules::parse_ip(a.client_ip);
    if (!ip) fail(fmt::format("'{}' is not an IP address", a.client_ip));
    return rules.group_for(*ip).value_or(rules::kDefaultGroup);
  }
  return rules::kDefaultGroup;
}

void run_explain(const ExplainArgs& a) {
  const auto startup = load_configured(a.config);
  const auto& rules = startup.rules.rules;
  const auto target = explain_target(a.url);
  std::string host;
  if (!rules::normalize_host_into(target.host, host))
    fail(fmt::format("'{}': the host is not a valid name (the proxy answers 400)", a.url));
  rules::LocalTime at;
  if (a.at.empty()) {
    at = rules::to_local_time(*rules, startup.services->clock->now());
  } else if (const auto parsed = rules::parse_local_time(a.at)) {
    at = *parsed;
  } else {
    fail(fmt::format("--at '{}' is not a local time such as \"2026-11-23 10:15\"", a.at));
  }
  // The facts are made by the functions the proxy decides with (proxy/policy/gate).
  const auto group = pick_group(*rules, a);
  // A GET for the URL's path, as plain HTTP or inside an inspected tunnel.
  const auto request_facts = [&](rules::Scheme scheme, std::string& path) {
    proxy::policy::HttpGateInput in;
    in.group = group;
    in.method = rules::Method::get;
    in.host = host;
    in.port = target.port;
    in.origin_form = target.origin_form;
    in.scheme = scheme;
    return proxy::policy::http_facts(in, host, at, path);
  };
  std::string storage;
  rules::RequestFacts f;
  std::string shown;
  if (target.tls) {
    // Without TLS inspection the proxy sees only the CONNECT host and the SNI.
    const std::string sni = a.sni.empty() ? host : a.sni;
    f = proxy::policy::connect_facts(group, host, target.port, sni, at, storage);
    shown = fmt::format(
        "https://{}:{}/  (HTTPS: CONNECT {}:{}, SNI {}; without inspection the path is not "
        "visible)",
        host, target.port, host, target.port, f.sni);
  } else {
    f = request_facts(rules::Scheme::http, storage);
    shown =
        fmt::format("http://{}{}{}", host, target.port == 80 ? "" : fmt::format(":{}", target.port),
                    target.origin_form);
  }
  fmt::print("request:    {}\n", shown);
  const auto& config = *startup.config;
  if (target.tls) {
    const auto& ports = config.connect_ports;
    if (std::find(ports.begin(), ports.end(), target.port) == ports.end())
      fmt::print(
          "note:       port {} is not in connect_ports: the proxy refuses this CONNECT "
          "(403) before any rule\n",
          target.port);
  }
  const auto decision = rules::explain(*rules, f);
  fmt::print("{}", rules::format_explanation(*rules, f, decision));
  // With `inspect: all`, a tunnel to a host that is neither blocked nor exempt is opened, and
  // each request inside it is decided again on its full https URL (proxy/inspect).
  if (target.tls && config.inspection.enabled &&
      rules->group(group).inspect == rules::InspectMode::all &&
      !rules->inspect_exempt(group, host) && decision.decision.action != rules::Action::block) {
    std::string path;
    const auto inner = request_facts(rules::Scheme::https, path);
    fmt::print("\ninside the inspected tunnel, the request itself (GET {}):\n", target.origin_form);
    fmt::print("{}", rules::format_explanation(*rules, inner, rules::explain(*rules, inner)));
  }
}

void add_explain(CLI::App& app) {
  auto a = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand("explain", "Show how the rules decide a URL, and why");
  cmd->add_option("url", a->url, "URL (http://..., https://... or host/path)")->required();
  auto* group = cmd->add_option("--group", a->group, "Group id (see edugate check)");
  cmd->add_option("--client-ip", a->client_ip, "Pick the group from a client address")
      ->excludes(group);
  cmd->add_option("--at", a->at, "Local time \"YYYY-MM-DD HH:MM\" (default: now)");
  cmd->add_option("--sni", a->sni, "TLS server name, if it differs from the URL's host");
  cmd->add_option("--config", a->config, "Appliance config")->capture_default_str();
  cmd->callback([a] { run_explain(*a); });
}

void add_import(CLI::App& app) {
  auto req = std::make_shared<rules::tools::ImportRequest>();
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("import", "Convert block lists into a rule-set category file");
  cmd->add_option("format", req->format,
                  "domains, hosts, adguard, dnsmasq, urls, expressions or squidguard (a directory)")
      ->required();
  cmd->add_option("paths", req->paths, "List files or squidGuard category directories")->required();
  cmd->add_option("--category", req->category, "Category id to write")->required();
  cmd->add_option("--label-vi", req->label_vi, "Vietnamese label (default: the id)");
  cmd->add_option("--label-en", req->label_en, "English label (default: the id)");
  cmd->add_flag("--mandatory", req->mandatory, "Mark the category mandatory (department only)");
  cmd->add_option("-o,--output", *out, "Output YAML file")->required();
  cmd->callback([req, out] {
    const auto result = rules::tools::import_category(*req);
    for (const auto& d : result.diagnostics) fmt::print(stderr, "{}\n", rules::format(d));
    if (result.yaml.empty()) fail("import failed");
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    if (!(file << result.yaml) || !file.flush()) fail(fmt::format("{}: cannot write", *out));
    fmt::print("{}: category '{}' with {} domains, {} URL prefixes, {} regexes\n", *out,
               req->category, result.domains, result.url_prefixes, result.regexes);
  });
}

void add_bundle_commands(CLI::App& app) {
  auto* rules_cmd = app.add_subcommand("rules", "Department rule bundles: keys and signatures");
  rules_cmd->require_subcommand(1);

  auto sign = std::make_shared<std::pair<std::string, std::string>>();  // key, dir
  auto* s = rules_cmd->add_subcommand("sign", "Sign a bundle directory (writes DIR/bundle.sig)");
  s->add_option("--key", sign->first, "Ed25519 private key (PEM)")->required();
  s->add_option("dir", sign->second, "Bundle directory")->required();
  s->callback([sign] {
    std::string error;
    if (!rules::signing::sign_bundle(sign->second, read_file(sign->first), error)) fail(error);
    fmt::print("{}/{}: signed\n", sign->second, rules::signing::kSignatureFile);
  });

  auto verify = std::make_shared<std::pair<std::string, std::string>>();  // pubkey, dir
  auto* v = rules_cmd->add_subcommand("verify", "Verify a bundle's signature and files");
  v->add_option("--pubkey", verify->first, "Ed25519 public key (PEM)")->required();
  v->add_option("dir", verify->second, "Bundle directory")->required();
  v->callback([verify] {
    const auto r = rules::signing::verify_bundle(verify->second, read_file(verify->first));
    for (const auto& p : r.problems) fmt::print(stderr, "{}\n", p);
    if (!r.files) fail(fmt::format("{}: REFUSED", verify->second));
    fmt::print("{}: signature OK, {} files\n", verify->second, r.files->size());
  });

  auto keygen = std::make_shared<std::pair<std::string, std::string>>("", "department");
  auto* k = rules_cmd->add_subcommand("keygen", "Make an Ed25519 key pair for signing bundles");
  k->add_option("--out", keygen->first, "Directory for NAME.key.pem and NAME.pub.pem")->required();
  k->add_option("--name", keygen->second, "File name stem")->capture_default_str();
  k->callback([keygen] {
    std::string error;
    const auto keys = rules::signing::generate_ed25519(error);
    if (!keys) fail(error);
    std::filesystem::create_directories(keygen->first);
    const std::string stem = (std::filesystem::path(keygen->first) / keygen->second).string();
    write_private(stem + ".key.pem", keys->private_pem);
    std::ofstream pub(stem + ".pub.pem", std::ios::binary | std::ios::trunc);
    if (!(pub << keys->public_pem)) fail(fmt::format("{}.pub.pem: cannot write", stem));
    fmt::print("{}.key.pem (keep it secret) and {}.pub.pem written\n", stem, stem);
  });
}

}  // namespace

void add_rules_commands(CLI::App& app) {
  add_explain(app);
  add_import(app);
  add_bundle_commands(app);
}

}  // namespace edugate::cli
