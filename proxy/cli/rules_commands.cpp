// `edugate explain`, `edugate import` and `edugate rules sign|verify|keygen`: thin adapters over
// rules/ (explain(), tools::import_category(), signing::*) that read arguments and files.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "rules/explain.hpp"
#include "rules/load_rules.hpp"
#include "rules/normalize/host.hpp"
#include "rules/normalize/url.hpp"
#include "rules/signing/bundle.hpp"
#include "rules/signing/ed25519.hpp"
#include "rules/tools/import_category.hpp"

namespace edugate::cli {

namespace {

[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "{}\n", message);
  throw CLI::RuntimeError(1);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(fmt::format("{}: cannot read", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes a file readable by its owner only (private keys), refusing to overwrite one.
void write_private(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail(fmt::format("{}: cannot create (does it exist already?)", path));
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  if (!ok) fail(fmt::format("{}: write failed", path));
}

std::shared_ptr<const rules::RuleSet> load_configured(const std::string& config_path) {
  rules::Diagnostics diags;
  const auto config = proxy::load_config(config_path, diags);
  rules::LoadResult loaded;
  if (config && !config->has_rules) fail(fmt::format("{}: no rules: section", config_path));
  if (config) {
    rules::YamlReader reader(config->file, diags);
    if (const auto s = rules::parse_rules_settings(config->rules_section, reader, config->base_dir))
      loaded = rules::load_rules(*s);
  }
  diags.insert(diags.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
  for (const auto& d : diags)
    if (d.severity == rules::Severity::error) fmt::print(stderr, "{}\n", rules::format(d));
  if (!loaded.rules)
    fail(fmt::format("{}: the rules do not load; run: edugate check {}", config_path, config_path));
  return loaded.rules;
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
  const auto rules = load_configured(a.config);
  const auto parsed = rules::parse_and_normalize_url(a.url, rules::kDefaultMaxUrlLength, true);
  if (!parsed) fail(fmt::format("'{}' is not a URL: {}", a.url, rules::to_string(parsed.error)));
  const rules::NormalizedUrl& url = *parsed.url;
  rules::RequestFacts f;
  f.group = pick_group(*rules, a);
  f.host = url.host;
  f.port = url.port;
  const bool tls = url.scheme == "https" || url.scheme == "wss";
  std::string sni;
  if (tls) {
    // Without TLS interception the proxy sees only the CONNECT host and the SNI.
    f.method = rules::Method::connect;
    f.scheme = rules::Scheme::https;
    sni = a.sni.empty() ? url.host : rules::normalize_host(a.sni).value_or(a.sni);
    f.sni = sni;
  } else {
    f.path = url.path;
    f.query = url.query;
  }
  if (a.at.empty()) {
    f.at = rules::to_local_time(*rules, std::chrono::system_clock::now());
  } else if (const auto at = rules::parse_local_time(a.at)) {
    f.at = *at;
  } else {
    fail(fmt::format("--at '{}' is not a local time such as \"2026-11-23 10:15\"", a.at));
  }
  fmt::print("request:    {}{}\n", url.to_string(),
             tls ? fmt::format("  (HTTPS: CONNECT {}:{}, SNI {}; the path is not visible)",
                               url.host, url.port, sni)
                 : "");
  fmt::print("{}", rules::format_explanation(*rules, f, rules::explain(*rules, f)));
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
    const auto keys = rules::signing::generate_ed25519();
    std::filesystem::create_directories(keygen->first);
    const std::string stem = (std::filesystem::path(keygen->first) / keygen->second).string();
    write_private(stem + ".key.pem", keys.private_pem);
    std::ofstream pub(stem + ".pub.pem", std::ios::binary | std::ios::trunc);
    if (!(pub << keys.public_pem)) fail(fmt::format("{}.pub.pem: cannot write", stem));
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
