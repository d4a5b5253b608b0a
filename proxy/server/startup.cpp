#include "proxy/server/startup.hpp"

#include "proxy/policy/clock.hpp"
#include "proxy/policy/pac.hpp"
#include "proxy/policy/pages.hpp"

namespace edugate::proxy::server {

namespace {

std::unique_ptr<policy::Services> make_services(const Config& config,
                                                const std::string& test_clock,
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
  if (!pages || !pac) return nullptr;
  return std::make_unique<policy::Services>(config, std::move(clock), std::move(*pages),
                                            std::move(*pac));
}

}  // namespace

Startup prepare_startup(const std::string& config_path, const std::string& test_clock) {
  Startup s;
  s.config = load_config(config_path, s.diagnostics);
  if (!s.config) return s;
  s.services = make_services(*s.config, test_clock, s.diagnostics);
  s.rules = load_configured_rules(*s.config);
  return s;
}

}  // namespace edugate::proxy::server
