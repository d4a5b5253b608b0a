#pragma once

#include <memory>
#include <optional>
#include <string>

#include "proxy/config.hpp"
#include "proxy/policy/clock.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/policy/overrides.hpp"
#include "proxy/policy/pages.hpp"
#include "proxy/policy/warn_pass.hpp"

namespace edugate::proxy::policy {

/// What every worker needs to enforce decisions, built once at start and shared read-only by
/// all workers (thread-safe: nothing in it changes after construction).
struct Services {
  /// `warn_pass_key`: the key shared by a school's nodes (warn_pass_key_file); nullopt = a
  /// random one for this process.
  Services(const Config& config, std::unique_ptr<Clock> clock_in, PageTemplates pages_in,
           std::string pac_in, std::optional<WarnPass::Key> warn_pass_key = std::nullopt)
      : clock(std::move(clock_in)),
        pages(std::move(pages_in)),
        pac(std::move(pac_in)),
        passes(warn_pass_key ? WarnPass(*warn_pass_key) : WarnPass()),
        gate{config.enforcement.portal_host, config.enforcement.warn_pass_ttl},
        review_url(config.enforcement.review_url),
        school_name(config.enforcement.school_name),
        portal_host(config.enforcement.portal_host) {
    gate.portal_host = portal_host;  // view into this object, not into the config
  }

  std::unique_ptr<Clock> clock;
  PageTemplates pages;
  std::string pac;  ///< the proxy auto-config script
  WarnPass passes;
  GateSettings gate;
  std::string review_url;
  std::string school_name;
  std::string portal_host;
  /// The teachers' overrides (http://edugate.lan/mo-khoa): shared and changing, hence a
  /// thread-safe object of its own.
  std::shared_ptr<OverrideBoard> overrides = std::make_shared<OverrideBoard>();
};

}  // namespace edugate::proxy::policy
