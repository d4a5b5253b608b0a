#include "proxy/push/report_pusher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "proxy/client/https_client.hpp"
#include "reporting/school_report.hpp"
#include "rules/diagnostic.hpp"
#include "rules/signing/sha256.hpp"

namespace edugate::proxy::push {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

/// A report the department refuses with a 4xx (not 408/429) this many times is given up.
constexpr std::uint32_t kAttemptsBeforeGivingUp = 5;

/// The department's acknowledgement: a JSON object whose "sha256" is the document's hash.
bool acknowledges(const std::string& body, const std::string& document) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("sha256") && j["sha256"].is_string() &&
         j["sha256"].get<std::string>() == rules::signing::sha256_hex(document);
}

/// When nothing waits: look again for a closed week this often.
constexpr auto kIdleCheck = std::chrono::milliseconds(std::chrono::minutes(10));

}  // namespace

ReportPusher::ReportPusher(asio::io_context& main, reporting::ReportingSettings settings,
                           Today today, Now now, Flush flush)
    : main_(main),
      settings_(std::move(settings)),
      push_(*settings_.push),
      today_(std::move(today)),
      now_(std::move(now)),
      flush_(std::move(flush)),
      timer_(main) {
  std::string error;
  if (auto tls = client::make_client_tls(push_.ca, error))
    tls_ = std::make_shared<asio::ssl::context>(std::move(*tls));
  else
    setup_error_ = error;
}

ReportPusher::~ReportPusher() { stopped_ = true; }

void ReportPusher::start() {
  spdlog::info("reporting.push: weekly reports go to {}", push_.url);
  schedule(milliseconds(0));
}

void ReportPusher::stop() {
  stopped_ = true;
  timer_.cancel();
}

void ReportPusher::schedule(milliseconds delay) {
  if (stopped_) return;
  timer_.expires_after(delay);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_ || busy_) return;
    busy_ = true;
    asio::co_spawn(main_, run_once(), [this](std::exception_ptr e) {
      if (!e || stopped_) return;
      busy_ = false;
      ++failures_;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::error("reporting.push: internal error: {}", x.what());
      } catch (...) {
      }
      schedule(push_.retry_max);
    });
  });
}

milliseconds ReportPusher::backoff(std::uint32_t attempts) const {
  // retry_min, doubling, capped at retry_max; then a random point in its upper half, so that a
  // province's schools coming back after an outage do not all knock at once.
  const auto shift = std::min<std::uint32_t>(attempts > 0 ? attempts - 1 : 0, 30);
  auto delay = push_.retry_min;
  for (std::uint32_t i = 0; i < shift && delay < push_.retry_max; ++i) delay *= 2;
  delay = std::min(delay, push_.retry_max);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto half = delay.count() / 2;
  return milliseconds(half + std::uniform_int_distribution<std::int64_t>(0, half)(rng));
}

void ReportPusher::queue_closed_weeks() {
  if (!outbox_) {
    reporting::StoreError error;
    outbox_ = reporting::Outbox::open({settings_.store, settings_.max_store_size, false}, &error);
    if (!outbox_) {
      ++build_failures_;
      spdlog::error("reporting.push: cannot open the outbox in {}: {}", settings_.store,
                    error.message);
      return;
    }
  }
  const auto last_closed = reporting::last_closed_week(today_());
  const auto newest = outbox_->newest_week(last_closed);
  if (last_closed.empty() || !newest) return;  // a clock before 1970, or the store unreadable
  const auto weeks = reporting::weeks_to_queue(
      today_(), newest->empty() ? std::nullopt : std::optional<std::string>(*newest),
      push_.keep_weeks);
  // Sunday's last counts must be in the store before its week is built: flush first.
  if (!weeks.empty() && flush_ && !flush_()) {
    ++build_failures_;
    spdlog::warn("reporting.push: the store refused a flush; the report of {} waits", weeks[0]);
    return;
  }
  for (const auto& week : weeks) {
    const auto period = reporting::parse_iso_week(week);
    std::string error;
    std::optional<reporting::RenderedReport> report;
    try {
      if (period)
        report = reporting::render_school_report(settings_, *period, "json", "edugate", &error);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!report || !report->signed_json) {
      ++build_failures_;
      spdlog::error("reporting.push: cannot build the report of {}: {}", week,
                    report ? "not signed" : error);
      return;  // the next check tries again, in order
    }
    if (auto e = outbox_->add(week, report->body, now_())) {
      ++build_failures_;
      spdlog::error("reporting.push: cannot queue the report of {}: {}", week, e->message);
      return;
    }
    spdlog::info("reporting.push: the report of {} is built, signed and queued ({} bytes)", week,
                 report->body.size());
  }
  if (auto e = outbox_->prune(now_(), push_.keep_weeks))
    spdlog::warn("reporting.push: {}", e->message);
}

asio::awaitable<void> ReportPusher::run_once() {
  try {
    queue_closed_weeks();
  } catch (const std::exception& e) {  // the weeks already queued still go out
    ++build_failures_;
    spdlog::error("reporting.push: queueing failed: {}", e.what());
  }
  if (!outbox_) {
    busy_ = false;
    schedule(push_.retry_max);
    co_return;
  }
  // Deliver in week order; stop at the first failure (the next try is after the backoff).
  while (!stopped_) {
    stats_ = outbox_->stats();
    auto entry = outbox_->oldest_pending();
    if (!entry) break;
    std::string why = setup_error_;
    if (why.empty()) {
      client::HttpsRequest req;
      req.method = "POST";
      req.url = push_.url;
      req.body = entry->document;
      req.headers.emplace_back("Content-Type", "application/json");
      req.max_body = 64 * 1024;
      req.deadline = std::chrono::seconds(60);
      req.user_agent = "edugate-report-push";
      auto tls = tls_;
      const auto answer = co_await client::https_request(*tls, std::move(req));
      if (stopped_) co_return;
      const bool answered = answer.error.empty() && (answer.status == 200 || answer.status == 201);
      if (answered && acknowledges(answer.body, entry->document)) {
        if (auto e = outbox_->acknowledged(entry->week, now_())) {
          // Not marked: do not send it again at once (that would loop); retry after a pause.
          why = "delivered, but the store could not record it: " + e->message;
        } else {
          ++delivered_;
          spdlog::info(
              "reporting.push: the report of {} was delivered (HTTP {}, after {} "
              "attempt(s))",
              entry->week, answer.status, entry->attempts + 1);
          continue;
        }
      } else {
        why = answered ? fmt::format(
                             "HTTP {} without an acknowledgement of this document "
                             "(a maintenance page?)",
                             answer.status)
                       : answer.problem();
        if (answer.error.empty() && !answered && !answer.body.empty())
          why += ": " + rules::quote_token(answer.body);
        const bool permanent = answer.error.empty() && answer.status >= 400 &&
                               answer.status < 500 && answer.status != 408 && answer.status != 429;
        if (permanent && entry->attempts + 1 >= kAttemptsBeforeGivingUp) {
          ++failures_;
          if (!outbox_->rejected(entry->week, now_())) {
            spdlog::error(
                "reporting.push: the department refused the report of {} {} times "
                "({}); given up, later weeks go on",
                entry->week, entry->attempts + 1, why);
            continue;
          }
        }
      }
    }
    ++failures_;
    if (auto e = outbox_->attempted(entry->week, now_(), why))
      spdlog::error("reporting.push: {}", e->message);
    const auto delay = backoff(entry->attempts + 1);
    spdlog::warn(
        "reporting.push: the report of {} was not delivered ({}); next try in {} s "
        "(attempt {})",
        entry->week, why, std::chrono::duration_cast<std::chrono::seconds>(delay).count(),
        entry->attempts + 1);
    stats_ = outbox_->stats();
    busy_ = false;
    schedule(delay);
    co_return;
  }
  stats_ = outbox_->stats();
  busy_ = false;
  schedule(std::min(kIdleCheck, push_.retry_max));
}

std::string ReportPusher::metrics() const {
  std::string out = fmt::format(
      "# HELP edugate_report_outbox_pending Weekly reports waiting for the department\n"
      "# TYPE edugate_report_outbox_pending gauge\nedugate_report_outbox_pending {}\n"
      "# HELP edugate_report_push_delivered_total Weekly reports the department acknowledged\n"
      "# TYPE edugate_report_push_delivered_total counter\n"
      "edugate_report_push_delivered_total {}\n"
      "# HELP edugate_report_push_failures_total Report deliveries that failed (retried)\n"
      "# TYPE edugate_report_push_failures_total counter\n"
      "edugate_report_push_failures_total {}\n"
      "# HELP edugate_report_push_build_failures_total Closed weeks whose report could not be "
      "built or queued (retried)\n"
      "# TYPE edugate_report_push_build_failures_total counter\n"
      "edugate_report_push_build_failures_total {}\n"
      "# HELP edugate_report_outbox_rejected Reports the department refused for good (given up)\n"
      "# TYPE edugate_report_outbox_rejected gauge\nedugate_report_outbox_rejected {}\n",
      stats_.pending, delivered_, failures_, build_failures_, stats_.rejected);
  if (stats_.pending > 0)
    out += fmt::format(
        "# HELP edugate_report_outbox_oldest_created_timestamp_seconds When the oldest "
        "undelivered report was built (Unix time)\n"
        "# TYPE edugate_report_outbox_oldest_created_timestamp_seconds gauge\n"
        "edugate_report_outbox_oldest_created_timestamp_seconds {}\n",
        stats_.oldest_pending_created);
  return out;
}

}  // namespace edugate::proxy::push
