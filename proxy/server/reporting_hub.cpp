#include "proxy/server/reporting_hub.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rules/yaml_reader.hpp"

namespace edugate::proxy::server {

std::unique_ptr<ReportingHub> ReportingHub::create(const Config& config,
                                                   rules::Diagnostics& diags) {
  reporting::ReportingSettings settings;
  if (config.has_reporting) {
    rules::YamlReader reader(config.file, diags);
    auto parsed =
        reporting::parse_reporting_settings(config.reporting_section, reader, config.base_dir);
    if (!parsed) return nullptr;
    settings = std::move(*parsed);
  }
  settings.review_file = review_file_of(config);
  return std::unique_ptr<ReportingHub>(new ReportingHub(std::move(settings)));
}

ReportingHub::ReportingHub(reporting::ReportingSettings settings)
    : settings_(std::move(settings)),
      flusher_(aggregator_, reporting::Flusher::options_from(settings_)) {}

std::shared_ptr<const reporting::Labels> ReportingHub::labels_for(const rules::RuleSet& rules) {
  auto labels = std::make_shared<reporting::Labels>();
  labels->rule_set_version = rules.version();
  for (std::size_t i = 0; i < rules.category_count(); ++i) {
    const auto& c = rules.category(static_cast<rules::CategoryId>(i));
    labels->categories.push_back({c.id, c.label_vi, c.label_en});
  }
  for (std::size_t i = 0; i < rules.group_count(); ++i) {
    const auto& g = rules.group(static_cast<rules::GroupId>(i));
    labels->groups.push_back(
        {g.id, g.label_vi.empty() ? g.id : g.label_vi, std::string(rules::to_string(g.age))});
  }
  return labels;
}

void ReportingHub::start(boost::asio::io_context& main, Today today) {
  today_ = std::move(today);
  keyring_.rotate(today_());
  timer_.emplace(main);
  spdlog::info("reporting: store {}, flush every {} ms, k = {}", settings_.store,
               settings_.flush_interval.count(), settings_.k);
  flush_once();  // creates the store now, so a problem with it shows at start
  schedule();
}

void ReportingHub::schedule() {
  timer_->expires_after(settings_.flush_interval);
  timer_->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    flush_once();
    schedule();
  });
}

bool ReportingHub::flush_once() {
  const auto day = today_();
  if (!keyring_.rotate(day)) spdlog::warn("reporting: no randomness for today's device key");
  const auto outcome = flusher_.flush(day);
  if (!outcome.ok() && error_log_.allow(std::chrono::steady_clock::now())) {
    spdlog::error(
        "reporting: cannot write the store {}: {} (filtering continues; counts are "
        "kept in memory and retried)",
        settings_.store, outcome.error->message);
  }
  return outcome.ok();
}

void ReportingHub::stop_and_flush() {
  if (timer_) timer_->cancel();
  if (today_) flush_once();
}

std::string ReportingHub::metrics() const {
  const auto m = flusher_.metrics();
  return fmt::format(
      "# HELP edugate_store_flushes_total Flushes of aggregates to the SQLite store\n"
      "# TYPE edugate_store_flushes_total counter\n"
      "edugate_store_flushes_total{{result=\"ok\"}} {}\n"
      "edugate_store_flushes_total{{result=\"failed\"}} {}\n"
      "# HELP edugate_store_rows_written_total Aggregate rows written\n"
      "# TYPE edugate_store_rows_written_total counter\nedugate_store_rows_written_total {}\n"
      "# HELP edugate_store_rows_dropped_total Counts lost because the store refused them too "
      "long\n# TYPE edugate_store_rows_dropped_total counter\nedugate_store_rows_dropped_total {}\n"
      "# HELP edugate_store_pending_rows Rows waiting for the store\n"
      "# TYPE edugate_store_pending_rows gauge\nedugate_store_pending_rows {}\n"
      "# HELP edugate_store_error 1 while the last flush failed (SQLite code as label)\n"
      "# TYPE edugate_store_error gauge\nedugate_store_error{{code=\"{}\"}} {}\n"
      "# HELP edugate_device_sketches Distinct-device sketches held in memory\n"
      "# TYPE edugate_device_sketches gauge\nedugate_device_sketches {}\n",
      m.flushes_ok, m.flushes_failed, m.rows_written, m.rows_dropped, m.pending_rows,
      m.last_error_code, m.last_error.empty() ? 0 : 1, m.sketches);
}

}  // namespace edugate::proxy::server
