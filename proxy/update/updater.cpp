#include "proxy/update/updater.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "proxy/client/https_client.hpp"
#include "proxy/update/bundle_staging.hpp"
#include "rules/load/file_provider.hpp"
#include "rules/signing/ed25519.hpp"
#include "rules/update/durable_file.hpp"

namespace edugate::proxy::update {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string> read_file(const std::string& path) {
  std::string error;
  return rules::load::DiskFiles().read(path, error);
}

}  // namespace

std::optional<UpdateStatus> read_update_status(const std::string& state_dir) {
  const auto text = read_file((fs::path(state_dir) / "status.json").string());
  if (!text) return std::nullopt;
  const json j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  UpdateStatus s;
  s.last_check = j.value("last_check", std::int64_t{0});
  s.last_success = j.value("last_success", std::int64_t{0});
  s.last_error = j.value("last_error", std::string());
  s.consecutive_failures = j.value("consecutive_failures", std::uint64_t{0});
  s.failing_since = j.value("failing_since", std::int64_t{0});
  s.failures_total = j.value("failures_total", std::uint64_t{0});
  s.metadata_expired = j.value("metadata_expired", false);
  return s;
}

bool is_stale(const std::optional<rules::update::AcceptedBundle>& active, const UpdateStatus& s,
              milliseconds stale_after, std::int64_t now) {
  if (s.metadata_expired || (active && now >= active->expires)) return true;
  const auto limit = std::chrono::duration_cast<std::chrono::seconds>(stale_after).count();
  return s.failing_since > 0 && now - s.failing_since >= limit;
}

Updater::Updater(asio::io_context& main, std::string config_path, rules::UpdateSettings settings,
                 server::Reloader& reloader, Install install, Serving serving)
    : main_(main),
      config_path_(std::move(config_path)),
      settings_(std::move(settings)),
      reloader_(reloader),
      install_(std::move(install)),
      serving_(std::move(serving)),
      timer_(main) {
  std::string error;
  if (auto tls = client::make_client_tls(settings_.ca, error))
    tls_ = std::make_shared<asio::ssl::context>(std::move(*tls));
  else
    setup_error_ = error;
  if (const auto pem = read_file(settings_.pubkey)) {
    const auto key = rules::signing::load_public_key(*pem, error);
    if (const auto raw = key ? rules::signing::raw_public_key(key.get()) : std::nullopt)
      pinned_raw_ = *raw;
    else
      setup_error_ = fmt::format("rules.update.pubkey {}: {}", settings_.pubkey, error);
  } else {
    setup_error_ = fmt::format("rules.update.pubkey {}: cannot read", settings_.pubkey);
  }
  if (auto st = rules::update::read_trusted_state(settings_.state_dir, error))
    state_ = std::move(*st);
  else
    setup_error_ = error;
  if (auto st = read_update_status(settings_.state_dir)) status_ = *st;
}

Updater::~Updater() { stopped_ = true; }

void Updater::start() {
  std::string error;
  if (setup_error_.empty() && !tidy_state_dir(settings_.state_dir, state_, error))
    setup_error_ = error;
  if (state_.active)
    spdlog::info("rules.update: department bundle version {} in force (from {}, expires {})",
                 state_.active->version, state_.active->source,
                 rules::update::format_utc(state_.active->expires));
  else
    spdlog::info("rules.update: no bundle accepted yet; rules.department serves until one is");
  schedule(milliseconds(0));
}

void Updater::stop() {
  stopped_ = true;
  timer_.cancel();
}

void Updater::schedule(milliseconds delay) {
  if (stopped_) return;
  // Up to 10 % random jitter, so that a province's appliances do not all ask at once.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto spread = delay.count() / 10;
  if (spread > 0)
    delay += milliseconds(std::uniform_int_distribution<std::int64_t>(0, spread)(rng));
  timer_.expires_after(delay);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_ || busy_) return;
    busy_ = true;
    asio::co_spawn(main_, check(), [this](std::exception_ptr e) {
      if (!e || stopped_) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        failed(fmt::format("internal error: {}", x.what()));
      } catch (...) {
        failed("internal error");
      }
    });
  });
}

asio::awaitable<void> Updater::check() {
  if (!setup_error_.empty()) {
    failed(setup_error_);
    co_return;
  }
  const auto started = std::chrono::steady_clock::now();
  auto tls = tls_;  // the coroutine keeps the context alive whatever happens to *this
  client::HttpsRequest meta_req;
  meta_req.url = settings_.url + "current.json";
  meta_req.max_body = rules::update::kMaxMetadataBytes;
  meta_req.deadline = settings_.timeout;
  meta_req.user_agent = "edugate-rules-update";
  auto meta = co_await client::https_request(*tls, std::move(meta_req));
  if (stopped_) co_return;
  if (!meta.ok()) {
    failed(fmt::format("{}current.json: {}", settings_.url, meta.problem()));
    co_return;
  }
  std::string error;
  auto parsed = rules::update::parse_metadata(meta.body, error);
  if (!parsed) {
    failed(fmt::format("{}current.json: {}", settings_.url, error));
    co_return;
  }
  const auto trust = rules::update::current_trust(state_, pinned_raw_);
  if (!trust.note.empty()) spdlog::warn("rules.update: {}", trust.note);
  const auto judgement = rules::update::judge(*parsed, trust, unix_now());
  if (judgement.verdict == rules::update::Verdict::refuse) {
    failed(fmt::format("{}current.json refused: {}", settings_.url, judgement.why),
           judgement.expired);
    co_return;
  }
  status_.metadata_expired = false;
  if (judgement.verdict == rules::update::Verdict::unchanged) {
    succeeded({});
    co_return;
  }
  const auto& m = parsed->metadata;
  const bool same_lineage = state_.active && state_.pinned_key_id == trust.pinned_key_id;
  if (same_lineage && state_.active->archive_sha256 == m.archive_sha256) {
    // Re-published to move the expiry on: the same bundle under a new version, nothing to fetch.
    auto candidate = std::make_shared<Candidate>();
    candidate->settings = settings_;
    candidate->metadata = std::move(*parsed);
    candidate->metadata_text = std::move(meta.body);
    candidate->trust = trust;
    candidate->state = state_;
    candidate->serving = serving_();
    candidate->now = unix_now();
    candidate->same_archive = true;
    submit(std::move(candidate));
    co_return;
  }
  if (m.archive_size > settings_.max_size) {
    failed(fmt::format("version {}: the archive is {} bytes, over rules.update.max_size ({})",
                       m.version, m.archive_size, settings_.max_size));
    co_return;
  }
  spdlog::info("rules.update: version {} announced by {}current.json; fetching {} ({} bytes)",
               m.version, settings_.url, m.archive_name, m.archive_size);
  client::HttpsRequest arch_req;
  arch_req.url = settings_.url + m.archive_name;
  arch_req.max_body = m.archive_size;  // endless data stops here
  arch_req.deadline = std::max(milliseconds(1),
                               settings_.timeout - std::chrono::duration_cast<milliseconds>(
                                                       std::chrono::steady_clock::now() - started));
  arch_req.user_agent = "edugate-rules-update";
  auto arch = co_await client::https_request(*tls, std::move(arch_req));
  if (stopped_) co_return;
  if (!arch.ok()) {
    failed(fmt::format("{}{}: {}", settings_.url, m.archive_name, arch.problem()));
    co_return;
  }
  if (arch.body.size() != m.archive_size) {
    failed(fmt::format("{}: {} bytes, not the {} current.json signs (truncated?)", m.archive_name,
                       arch.body.size(), m.archive_size));
    co_return;
  }
  auto candidate = std::make_shared<Candidate>();
  candidate->config_path = config_path_;
  candidate->settings = settings_;
  candidate->metadata = std::move(*parsed);
  candidate->metadata_text = std::move(meta.body);
  candidate->archive = std::move(arch.body);
  candidate->trust = trust;
  candidate->state = state_;
  // The self-test compares with the bundle in force of this lineage only; the first bundle (or
  // the first under a newly pinned key) is not measured against the local rules.department.
  if (same_lineage) candidate->serving = serving_();
  candidate->now = unix_now();
  spdlog::info("rules.update: trying department bundle version {} ({} bytes)",
               candidate->metadata.metadata.version, candidate->archive.size());
  submit(std::move(candidate));
}

void Updater::submit(std::shared_ptr<Candidate> candidate) {
  auto committed = std::make_shared<rules::update::TrustedState>();
  const auto version = candidate->metadata.metadata.version;
  reloader_.submit(
      [candidate, committed] {
        try {
          return try_candidate(*candidate, *committed);
        } catch (const std::exception& e) {  // bad_alloc on a huge bundle, say: refuse it
          RulesLoad refused;
          refused.configured = true;
          refused.diagnostics.push_back(
              {"", 0, 0,
               fmt::format("version {} refused: {}", candidate->metadata.metadata.version,
                           e.what())});
          return refused;
        }
      },
      [this, committed, version](RulesLoad&& load) {
        if (stopped_) return;
        if (!load.rules) {
          failed(load.diagnostics.empty() ? fmt::format("version {} refused", version)
                                          : load.diagnostics.front().message);
          return;
        }
        state_ = *committed;
        const auto& a = *state_.active;
        const auto rules_version = load.rules->version();
        install_(std::move(load));
        succeeded(fmt::format(
            "department bundle version {} accepted from {} and in force ({} "
            "entries, rules version {}, expires {})",
            a.version, a.source, a.entries, rules_version, rules::update::format_utc(a.expires)));
      });
}

void Updater::succeeded(std::string note) {
  if (!note.empty()) spdlog::info("rules.update: {}", note);
  const auto now = unix_now();
  status_.last_check = now;
  status_.last_success = now;
  status_.last_error.clear();
  status_.consecutive_failures = 0;
  status_.failing_since = 0;
  finish_attempt();
  schedule(settings_.interval);
}

void Updater::failed(std::string why, bool expired) {
  const auto now = unix_now();
  status_.metadata_expired = expired;
  status_.last_check = now;
  status_.last_error = why;
  ++status_.consecutive_failures;
  ++status_.failures_total;
  if (status_.failing_since == 0) status_.failing_since = now;
  spdlog::error("rules.update: {}; the bundle in force keeps serving", why);
  finish_attempt();
  // Capped exponential backoff: 30 s, 1 min, 2 min, … up to the interval.
  const auto base = std::min<milliseconds>(settings_.interval, std::chrono::seconds(30));
  const auto shift = std::min<std::uint64_t>(status_.consecutive_failures - 1, 20);
  schedule(std::min<milliseconds>(settings_.interval, base * (std::int64_t{1} << shift)));
}

void Updater::finish_attempt() {
  busy_ = false;
  const auto now = unix_now();
  const bool is_stale_now = stale(now);
  if (is_stale_now && !logged_stale_)
    spdlog::warn("rules.update: the department bundle is STALE ({}); filtering goes on with {}",
                 status_.last_error.empty() ? "its metadata has expired" : status_.last_error,
                 state_.active ? fmt::format("version {}", state_.active->version)
                               : std::string("rules.department"));
  else if (!is_stale_now && logged_stale_)
    spdlog::info("rules.update: the department bundle is current again");
  logged_stale_ = is_stale_now;
  write_status();
}

void Updater::write_status() const {
  const json j = {{"last_check", status_.last_check},
                  {"last_success", status_.last_success},
                  {"last_error", status_.last_error},
                  {"consecutive_failures", status_.consecutive_failures},
                  {"failing_since", status_.failing_since},
                  {"failures_total", status_.failures_total},
                  {"metadata_expired", status_.metadata_expired}};
  std::string error;
  if (!rules::update::write_durably((fs::path(settings_.state_dir) / "status.json").string(),
                                    j.dump(2, ' ', false, json::error_handler_t::replace) + "\n",
                                    0640, error))
    spdlog::warn("rules.update: {}", error);
}

std::string Updater::metrics(std::int64_t now) const {
  std::string out;
  const auto& a = state_.active;
  const bool stale_now = stale(now);
  fmt::format_to(std::back_inserter(out),
                 "# HELP edugate_rules_bundle_version Department bundle version in force (0: "
                 "rules.department, before the first accepted bundle)\n"
                 "# TYPE edugate_rules_bundle_version gauge\nedugate_rules_bundle_version {}\n"
                 "# HELP edugate_rules_update_failures_total Bundle update attempts that failed "
                 "(the bundle in force kept serving)\n"
                 "# TYPE edugate_rules_update_failures_total counter\n"
                 "edugate_rules_update_failures_total {}\n"
                 "# HELP edugate_rules_bundle_stale 1 when the bundle's metadata has expired or "
                 "updates have failed for longer than rules.update.stale_after\n"
                 "# TYPE edugate_rules_bundle_stale gauge\nedugate_rules_bundle_stale {}\n",
                 a ? a->version : 0, status_.failures_total, stale_now ? 1 : 0);
  if (status_.last_success > 0)
    fmt::format_to(std::back_inserter(out),
                   "# HELP edugate_rules_update_last_success_timestamp_seconds When an update "
                   "check last succeeded (Unix time)\n"
                   "# TYPE edugate_rules_update_last_success_timestamp_seconds gauge\n"
                   "edugate_rules_update_last_success_timestamp_seconds {}\n",
                   status_.last_success);
  if (a)
    fmt::format_to(std::back_inserter(out),
                   "# HELP edugate_rules_bundle_age_seconds Seconds since the department "
                   "published the bundle in force\n"
                   "# TYPE edugate_rules_bundle_age_seconds gauge\n"
                   "edugate_rules_bundle_age_seconds {}\n"
                   "# HELP edugate_rules_bundle_expiry_timestamp_seconds When the metadata of "
                   "the bundle in force expires (Unix time)\n"
                   "# TYPE edugate_rules_bundle_expiry_timestamp_seconds gauge\n"
                   "edugate_rules_bundle_expiry_timestamp_seconds {}\n",
                   std::max<std::int64_t>(0, now - a->created), a->expires);
  return out;
}

}  // namespace edugate::proxy::update
