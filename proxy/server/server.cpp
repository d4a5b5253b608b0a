#include "proxy/server/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "proxy/admin/status_page.hpp"
#include "proxy/inspect/certificate_expiry.hpp"
#include "proxy/net/local_addresses.hpp"
#include "proxy/policy/pac.hpp"
#include "proxy/reload/retired_rules.hpp"
#include "rules/local_time.hpp"
#include "rules/settings.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kDrainPoll = std::chrono::milliseconds(50);
/// How often the appliance's own addresses are read again (DHCP, a new VLAN interface).
constexpr auto kAddressCheck = std::chrono::seconds(10);

std::string to_text(const tcp::endpoint& ep) {
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

unsigned worker_count(const Config& c) {
  if (c.workers > 0) return c.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Server::Server(Config config, std::unique_ptr<policy::Services> services, RulesLoad rules,
               std::unique_ptr<ReportingHub> reporting)
    : config_(std::move(config)),
      services_(std::move(services)),
      reporting_(std::move(reporting)),
      signals_(main_io_),
      drain_timer_(main_io_),
      address_timer_(main_io_),
      shared_(config_),
      admin_(main_io_),
      rules_(std::move(rules.rules)),
      rules_configured_(rules.configured),
      bundle_(rules.bundle),
      department_source_(rules.department_source),
      review_file_(rules.review_file) {
  for (unsigned i = 0; i < worker_count(config_); ++i) {
    auto* recorder = reporting_ ? &reporting_->add_recorder() : nullptr;
    const auto* keyring = reporting_ ? &reporting_->keyring() : nullptr;
    workers_.push_back(std::make_unique<Worker>(config_, *services_, open_connections_, shared_,
                                                recorder, keyring));
  }
  install_rules(rules_);
  note_bundle();
  make_pusher();
  if (rules_configured_) {
    reloader_ = std::make_unique<Reloader>(main_io_, config_.file, std::move(rules.watched),
                                           [this](RulesLoad&& r) { install_load(std::move(r)); });
    if (rules.update)
      updater_ = std::make_unique<update::Updater>(
          main_io_, config_.file, *rules.update, *reloader_,
          [this](RulesLoad&& r) { install_load(std::move(r)); }, [this] { return rules_; });
  }
}

void Server::make_pusher() {
  if (!reporting_ || !reporting_->settings().push) return;
  pusher_ = std::make_unique<push::ReportPusher>(
      main_io_, reporting_->settings(), [this] { return today(); },
      [this] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   services_->clock->now().time_since_epoch())
            .count();
      },
      [this] { return reporting_->flush_now(); });
}

void Server::install_load(RulesLoad&& load) {
  bundle_ = std::move(load.bundle);
  department_source_ = std::move(load.department_source);
  review_file_ = std::move(load.review_file);
  // The same files give the same version: keep the set in force, so that a burst of reloads
  // (SIGHUP, POST /reload) does not pile up identical rule sets pinned by open tunnels.
  if (load.rules && rules_ && load.rules->version() == rules_->version()) {
    spdlog::info("rules version {} unchanged: the set in force stays", rules_->version());
  } else {
    install_rules(std::move(load.rules));
  }
  note_bundle();
}

void Server::note_bundle() {
  if (!reporting_ || !rules_) return;
  reporting::DepartmentBundle b;
  b.source = department_source_;
  b.version = bundle_ ? std::to_string(bundle_->version) : "-";
  b.verified = department_source_ != "local";
  reporting_->note_bundle(std::move(b));
}

std::pair<std::string, std::string> Server::department_facts() const {
  std::string what;
  if (bundle_)
    what = fmt::format("version {} (fetched, signature verified; published {}, expires {})",
                       bundle_->version, rules::update::format_utc(bundle_->created),
                       rules::update::format_utc(bundle_->expires));
  else if (department_source_ == "signed")
    what = "rules.department (signature verified)";
  else
    what = "rules.department (not signed)";
  std::string problem;
  if (updater_) {
    const auto& st = updater_->status();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (updater_->stale(now))
      problem = "STALE: " +
                (st.last_error.empty() ? std::string("the metadata has expired") : st.last_error);
    else if (!st.last_error.empty())
      problem = st.last_error;
  }
  return {what, problem};
}

void Server::install_rules(std::shared_ptr<const rules::RuleSet> rules) {
  rules = freed_in_background(std::move(rules));  // never freed on a worker
  rules_ = rules;
  auto labels = rules && reporting_ ? ReportingHub::labels_for(*rules) : nullptr;
  for (auto& w : workers_) w->install_rules(rules, labels);
}

Server::~Server() {
  for (auto& w : workers_) w->stop();
}

void Server::bind() {
  for (const auto& l : config_.listeners) {
    tcp::endpoint ep(asio::ip::make_address(l.address), l.port);
    try {
      for (auto& w : workers_) {
        const auto bound = w->listen(ep, l);
        ep.port(bound.port());  // port 0: every worker joins the port the first one got
      }
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(
          fmt::format("cannot listen on {}: {}", to_text(ep), e.code().message()));
    }
    endpoints_.push_back(ep);
  }
  if (config_.admin.enabled) {
    tcp::endpoint ep(asio::ip::make_address(config_.admin.address), config_.admin.port);
    if (!ep.address().is_loopback() && config_.admin.tls_cert.empty())
      spdlog::warn(
          "the admin listener on {} speaks plain HTTP on a non-loopback address: report tokens "
          "and the status page cross the network unencrypted; set admin.tls (cert, key)",
          to_text(ep));
    admin_.route("/healthz", [this](const AdminRequest&) {
      return AdminResponse{draining_ ? 503u : 200u,
                           "text/plain; charset=utf-8",
                           draining_ ? "draining\n" : "ok\n",
                           {}};
    });
    for (const char* path : {"/proxy.pac", "/wpad.dat"})
      admin_.route(path, [this](const AdminRequest&) {
        return AdminResponse{200, policy::kPacContentType, services_->pac, {}};
      });
    if (reporting_) {
      admin_.route("/", [this](const AdminRequest&) {
        StatusFacts facts;
        facts.rules_version = rules_ ? rules_->version() : "";
        facts.uptime = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::steady_clock::now() - started_);
        facts.today = today();
        facts.store_error = reporting_->last_error();
        std::tie(facts.department, facts.department_problem) = department_facts();
        facts.rules = rules_;
        facts.review_file = review_file_;
        return AdminResponse{
            200, "text/html; charset=utf-8", render_status_page(reporting_->settings(), facts), {}};
      });
    }
    if (reporting_) {
      report_api_ = std::make_unique<ReportApi>(reporting_->settings());
      admin_.route_prefix(std::string(ReportApi::kPrefix),
                          [this](const AdminRequest& r) { return report_api_->handle(r); });
    }
    // `edugate review` (and an operator) asks for a reload here; like SIGHUP, a reload whose
    // rules do not load keeps the old ones serving. Requests during a load are coalesced.
    admin_.route_post("/reload", [this](const AdminRequest&) {
      if (!reloader_) return AdminResponse{409, "text/plain; charset=utf-8", "no rules\n", {}};
      reloader_->request("POST /reload");
      return AdminResponse{202, "text/plain; charset=utf-8", "reload requested\n", {}};
    });
    admin_.route("/metrics", [this](const AdminRequest&) {
      return AdminResponse{200, "text/plain; version=0.0.4; charset=utf-8", render_metrics(), {}};
    });
    try {
      admin_endpoint_ = admin_.start(ep, {config_.admin.tls_cert, config_.admin.tls_key,
                                          config_.admin.allowed_networks, config_.via_pseudonym});
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(
          fmt::format("cannot listen on {} (admin): {}", to_text(ep), e.code().message()));
    }
  }
  refresh_destinations();
  const std::pair<const char*, const std::string*> certificates[] = {
      {"inspection_ca", &config_.inspection.ca_cert}, {"admin_tls", &config_.admin.tls_cert}};
  for (const auto& [label, file] : certificates)
    if (!file->empty())
      if (const auto not_after = inspect::certificate_not_after(*file))
        certificate_expiry_.emplace_back(label, *not_after);
}

void Server::refresh_destinations() {
  auto local = net::local_addresses();
  if (destinations_installed_ && local == local_addresses_) return;
  local_addresses_ = local;
  std::vector<net::OwnListener> own;
  for (const auto& ep : endpoints_) own.push_back({ep.address(), ep.port()});
  if (admin_endpoint_) own.push_back({admin_endpoint_->address(), admin_endpoint_->port()});
  auto policy = std::make_shared<const net::DestinationPolicy>(config_.destinations,
                                                               std::move(local), std::move(own));
  for (auto& w : workers_) w->install_destinations(policy);
  if (destinations_installed_)
    spdlog::info("the appliance's addresses changed: destination policy updated");
  destinations_installed_ = true;
}

void Server::schedule_address_check() {
  address_timer_.expires_after(kAddressCheck);
  address_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    refresh_destinations();
    schedule_address_check();
  });
}

std::string Server::render_metrics() const {
  std::vector<const Metrics*> all;
  for (const auto& w : workers_) all.push_back(&w->metrics());
  auto out = render_prometheus(all);
  if (reporting_) out += reporting_->metrics();
  if (rules_) {
    fmt::format_to(
        std::back_inserter(out),
        "# HELP edugate_rules_info The rule set in force\n# TYPE edugate_rules_info gauge\n"
        "edugate_rules_info{{version=\"{}\"}} 1\n",
        rules_->version());
  }
  // How many overrides teachers opened, for which group and category ("domain" for a site):
  // never who, never which site.
  if (const auto opened = services_->overrides->opened(); !opened.empty()) {
    out +=
        "# HELP edugate_teacher_overrides_opened_total Teachers' overrides by pupil group and "
        "category\n# TYPE edugate_teacher_overrides_opened_total counter\n";
    for (const auto& [key, n] : opened)
      fmt::format_to(std::back_inserter(out),
                     "edugate_teacher_overrides_opened_total{{group=\"{}\",category=\"{}\"}} {}\n",
                     key.first, key.second, n);
  }
  if (reloader_) {
    fmt::format_to(std::back_inserter(out),
                   "# HELP edugate_rules_reloads_total Successful rule reloads\n"
                   "# TYPE edugate_rules_reloads_total counter\nedugate_rules_reloads_total {}\n"
                   "# HELP edugate_rules_reload_failures_total Reloads refused (old rules kept)\n"
                   "# TYPE edugate_rules_reload_failures_total counter\n"
                   "edugate_rules_reload_failures_total {}\n"
                   "# HELP edugate_rules_last_reload_ok 1 if the last reload succeeded\n"
                   "# TYPE edugate_rules_last_reload_ok gauge\nedugate_rules_last_reload_ok {}\n",
                   reloader_->reloads(), reloader_->failures(), reloader_->last_ok() ? 1 : 0);
  }
  if (pusher_) out += pusher_->metrics();
  if (updater_) {
    out += updater_->metrics(std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
  }
  if (!certificate_expiry_.empty()) {
    out +=
        "# HELP edugate_certificate_expiry_timestamp_seconds When a certificate edugate uses "
        "expires (Unix time)\n# TYPE edugate_certificate_expiry_timestamp_seconds gauge\n";
    for (const auto& [label, not_after] : certificate_expiry_)
      fmt::format_to(std::back_inserter(out),
                     "edugate_certificate_expiry_timestamp_seconds{{certificate=\"{}\"}} {}\n",
                     label, not_after);
  }
  return out;
}

int Server::run() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
  std::function<void(boost::system::error_code, int)> on_signal =
      [this, &on_signal](boost::system::error_code ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          if (reloader_)
            reloader_->request("SIGHUP");
          else
            spdlog::warn("SIGHUP: no rules: section in the config, nothing to reload");
          signals_.async_wait(on_signal);
          return;
        }
        if (draining_) {
          spdlog::warn("second signal ({}): stopping now", sig);
          finish();
          return;
        }
        spdlog::info("signal {}: draining (up to {} ms)", sig, config_.timeouts.drain.count());
        begin_drain();
        signals_.async_wait(on_signal);
      };
  signals_.async_wait(on_signal);
  for (auto& w : workers_) w->start();
  schedule_address_check();

  std::string ready = "edugate ready: proxy ";
  for (std::size_t i = 0; i < endpoints_.size(); ++i)
    ready += (i ? ", " : "") + to_text(endpoints_[i]);
  if (admin_endpoint_) ready += " admin " + to_text(*admin_endpoint_);
  std::fprintf(stderr, "%s\n", ready.c_str());
  std::fflush(stderr);
  spdlog::info("{} worker thread(s)", workers_.size());
  if (rules_)
    spdlog::info("rules version {} in force", rules_->version());
  else
    spdlog::warn("no rules: section in {}: nothing is filtered", config_.file);
  if (reloader_ && config_.reload.watch) reloader_->watch(config_.reload.interval);
  if (updater_) updater_->start();
  if (pusher_) pusher_->start();
  if (reporting_) {
    reporting_->start(main_io_, [this] { return today(); });
  }
  sd_notify(0, "READY=1\nSTATUS=serving");

  main_io_.run();
  spdlog::info("stopped");
  return 0;
}

std::int32_t Server::today() const {
  const auto now = services_->clock->now();
  if (rules_) return rules::to_local_time(*rules_, now).day;
  return static_cast<std::int32_t>(
      std::chrono::floor<std::chrono::days>(now).time_since_epoch().count());
}

void Server::begin_drain() {
  draining_ = true;
  sd_notify(0, "STOPPING=1\nSTATUS=draining");
  for (auto& w : workers_) w->drain();
  drain_deadline_ = std::chrono::steady_clock::now() + config_.timeouts.drain;
  watch_drain();
}

void Server::watch_drain() {
  std::int64_t open = 0;
  for (const auto& w : workers_) open += w->open_sessions();
  if (open == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
    if (open > 0) spdlog::warn("drain period over: closing {} connection(s)", open);
    finish();
    return;
  }
  drain_timer_.expires_after(kDrainPoll);
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) watch_drain();
  });
}

void Server::finish() {
  if (updater_) updater_->stop();
  if (pusher_) pusher_->stop();
  if (reloader_) reloader_->stop();
  for (auto& w : workers_) w->stop();
  if (reporting_) reporting_->stop_and_flush();  // workers are stopped: every count is in
  admin_.stop();
  signals_.cancel();
  drain_timer_.cancel();
  address_timer_.cancel();
  main_io_.stop();
}

}  // namespace edugate::proxy::server
