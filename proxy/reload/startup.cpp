#include "proxy/reload/startup.hpp"

#include "proxy/inspect/ca_store.hpp"
#include "proxy/inspect/tls_contexts.hpp"
#include "proxy/policy/clock.hpp"
#include "proxy/policy/pac.hpp"
#include "proxy/policy/pages.hpp"

namespace edugate::proxy::server {

namespace {

std::unique_ptr<policy::Services> make_services(const Config& config, const std::string& test_clock,
                                                rules::Diagnostics& diags) {
  std::unique_ptr<policy::Clock> clock;
  if (test_clock.empty())
    clock = std::make_unique<policy::SystemClock>();
  else
    clock = std::make_unique<policy::FileClock>(test_clock);
  auto pages = config.enforcement.pages_dir.empty()
                   ? std::optional(policy::builtin_pages())
                   : policy::load_pages(config.enforcement.pages_dir, diags);
  auto pac = policy::build_pac(config.pac, diags);
  std::optional<policy::WarnPass::Key> key;
  bool key_ok = true;
  if (!config.enforcement.warn_pass_key_file.empty()) {
    std::string error;
    key = policy::WarnPass::read_key_file(config.enforcement.warn_pass_key_file, error);
    if (!key) diags.push_back({config.file, 0, 0, error});
    key_ok = key.has_value();
  }
  if (!pages || !pac || !key_ok) return nullptr;
  return std::make_unique<policy::Services>(config, std::move(clock), std::move(*pages),
                                            std::move(*pac), key);
}

/// HTTPS inspection's school CA (certificate, key, validity now) and upstream trust store, read
/// as each worker's inspect::make_inspector() reads them when `run` starts (where a failure
/// stops it). False, with a diagnostic, on the first that fails.
bool inspection_loads(const Config& config, const policy::Clock& clock, rules::Diagnostics& diags) {
  const auto& c = config.inspection;
  if (!c.enabled) return true;
  std::string error;
  if (!inspect::load_school_ca(c.ca_cert, c.ca_key, clock.now(), error) ||
      !inspect::make_upstream_context(c.upstream_ca, error)) {
    diags.push_back({config.file, 0, 0, "inspection: " + error});
    return false;
  }
  return true;
}

}  // namespace

Startup prepare_startup(const std::string& config_path, const std::string& test_clock) {
  Startup s;
  s.config = load_config(config_path, s.diagnostics);
  if (!s.config) return s;
  s.services = make_services(*s.config, test_clock, s.diagnostics);
  s.inspection_ok = s.services && inspection_loads(*s.config, *s.services->clock, s.diagnostics);
  s.rules = load_configured_rules(*s.config);
  return s;
}

}  // namespace edugate::proxy::server
