#include "proxy/reload/reloader.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "proxy/reload/rules_source.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;

Reloader::Reloader(asio::io_context& main, std::string config_path,
                   std::vector<std::string> watched, Install install)
    : main_(main),
      config_path_(std::move(config_path)),
      watched_(std::move(watched)),
      fingerprint_(fingerprint(watched_)),
      install_(std::move(install)),
      watch_timer_(main) {}

Reloader::~Reloader() {
  stopped_ = true;
  if (loader_.joinable()) loader_.join();
}

void Reloader::request(std::string reason) {
  if (stopped_) return;
  spdlog::info("reloading rules ({})", reason);
  if (loading_) {
    pending_ = true;
    return;
  }
  start_load();
}

void Reloader::submit(Job job, Done done) {
  if (stopped_) return;
  jobs_.emplace_back(std::move(job), std::move(done));
  if (!loading_) start_next();
}

void Reloader::start_next() {
  if (jobs_.empty()) {
    if (pending_) {
      pending_ = false;
      start_load();
    }
    return;
  }
  auto [job, done] = std::move(jobs_.front());
  jobs_.pop_front();
  loading_ = true;
  if (loader_.joinable()) loader_.join();
  loader_ = std::thread([this, job = std::move(job), done = std::move(done)]() mutable {
    auto result = std::make_shared<RulesLoad>(job());
    asio::post(main_, [this, result, done = std::move(done)] {
      loading_ = false;
      if (stopped_) return;
      done(std::move(*result));
      start_next();
    });
  });
}

void Reloader::start_load() {
  loading_ = true;
  if (loader_.joinable()) loader_.join();
  loader_ = std::thread([this] {
    auto result = std::make_shared<RulesLoad>(reload_configured_rules(config_path_));
    asio::post(main_, [this, result] { finish_load(std::move(*result)); });
  });
}

void Reloader::finish_load(RulesLoad&& result) {
  loading_ = false;
  if (stopped_) return;
  for (const auto& d : result.diagnostics) {
    if (result.rules)
      spdlog::warn("{}", rules::format(d));
    else
      spdlog::error("{}", rules::format(d));
  }
  watched_ = std::move(result.watched);
  fingerprint_ = fingerprint(watched_);
  if (result.rules) {
    ++reloads_;
    last_ok_ = true;
    spdlog::info("rules reloaded: version {}", result.rules->version());
    install_(std::move(result));
  } else if (!result.configured) {
    ++failures_;
    last_ok_ = false;
    spdlog::error("reload refused: the config no longer has a rules: section; old rules kept");
  } else {
    ++failures_;
    last_ok_ = false;
    spdlog::error("reload failed with {} problem(s); the previous rules keep serving",
                  result.diagnostics.size());
  }
  start_next();
}

void Reloader::watch(std::chrono::milliseconds interval) {
  interval_ = interval;
  poll();
}

void Reloader::poll() {
  if (stopped_ || interval_.count() <= 0) return;
  watch_timer_.expires_after(interval_);
  watch_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (!loading_) {
      auto now = fingerprint(watched_);
      if (now != fingerprint_) {
        fingerprint_ = std::move(now);
        request("rule files changed");
      }
    }
    poll();
  });
}

void Reloader::stop() {
  stopped_ = true;
  watch_timer_.cancel();
}

}  // namespace edugate::proxy::server
