#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "reporting/outbox.hpp"
#include "reporting/settings.hpp"

namespace edugate::proxy::push {

/// reporting.push, the school side: after each ISO week closes (local time) the week's report is
/// built once, signed and stored in the outbox table of the report store; the oldest undelivered
/// report is POSTed to the department until it answers 200 or 201, with jittered exponential
/// backoff (retry_min doubling up to retry_max) after a failure. The same bytes are sent every
/// time (a rebuilt report would differ when noise is on), in week order, across restarts and
/// outages. The department acknowledges a report with 200 or 201 and a JSON body whose "sha256"
/// is the SHA-256 (hex) of the document it took: anything else (a maintenance page answering
/// 200, say) is not a delivery. A report refused with a 4xx other than 408 or 429 five times is
/// given up (counted, logged) so that later weeks go on. Runs on the main thread's io_context;
/// never on a worker. Main-thread object.
class ReportPusher {
 public:
  using Today = std::function<reporting::LocalDay()>;
  using Now = std::function<std::int64_t()>;  ///< Unix seconds (the test clock in tests)
  /// Writes what the recorders counted to the store now; false when the store refused it.
  using Flush = std::function<bool()>;

  ReportPusher(boost::asio::io_context& main, reporting::ReportingSettings settings, Today today,
               Now now, Flush flush);
  ~ReportPusher();
  ReportPusher(const ReportPusher&) = delete;
  ReportPusher& operator=(const ReportPusher&) = delete;

  void start();
  void stop();
  /// Prometheus text: edugate_report_outbox_pending, …_oldest_created_timestamp_seconds,
  /// edugate_report_push_delivered_total, edugate_report_push_failures_total.
  std::string metrics() const;

 private:
  boost::asio::awaitable<void> run_once();
  void schedule(std::chrono::milliseconds delay);
  void queue_closed_weeks();
  std::chrono::milliseconds backoff(std::uint32_t attempts) const;

  boost::asio::io_context& main_;
  reporting::ReportingSettings settings_;
  reporting::PushSettings push_;
  Today today_;
  Now now_;
  Flush flush_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::string setup_error_;
  std::unique_ptr<reporting::Outbox> outbox_;
  reporting::OutboxStats stats_;
  std::uint64_t delivered_ = 0;
  std::uint64_t failures_ = 0;
  std::uint64_t build_failures_ = 0;
  bool busy_ = false;
  bool stopped_ = false;
};

}  // namespace edugate::proxy::push
