#include "reporting/department/province_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "reporting/department/province_snapshot.hpp"
#include "reporting/merge.hpp"
#include "reporting/report_json.hpp"

namespace edugate::reporting::department {

namespace {

/// One report's summary, read: the school's report without its cells, or why it is left out.
struct Checked {
  Report report;
  std::optional<std::string> refusal;
};

void check(const ProvinceSnapshot::Summary& s, Checked& out) {
  std::string error;
  const auto json = parse_json_text(s.json, &error);
  auto report = json ? report_from_json(*json, &error) : std::nullopt;
  if (!report) {
    out.refusal = error;
  } else if (report->kind != "school" || report->schools.size() != 1 ||
             report->schools.front().id != s.school_id) {
    out.refusal = "not the school report the database says it is";
  } else {
    report->entries.clear();  // the cells are added up by the database
    out.report = std::move(*report);
  }
}

}  // namespace

ProvinceReport build_province_report(DepartmentStore& store, DayRange period,
                                     std::optional<Breakdown> by, const std::string& generator,
                                     unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  ProvinceReport out;
  ProvinceSnapshot snapshot(store.connection(), format_date(period.from), format_date(period.to));
  ReportMerger merger({true, 50, generator});
  std::vector<long long> left_out;  // their cells are not added either
  // The database reads the next batches while this thread and its helpers parse the last one:
  // a school year's summaries are a few hundred megabytes, and both sides take seconds.
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::vector<ProvinceSnapshot::Summary>> ready;
  bool fetched_all = false, abandoned = false;
  std::exception_ptr fetch_error;
  std::thread fetcher([&] {
    try {
      std::vector<ProvinceSnapshot::Summary> batch;
      while (snapshot.next(batch)) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return ready.size() < 4 || abandoned; });
        if (abandoned) break;
        ready.push_back(std::move(batch));
        batch = {};
        changed.notify_all();
      }
    } catch (...) {
      fetch_error = std::current_exception();
    }
    std::lock_guard lock(mutex);
    fetched_all = true;
    changed.notify_all();
  });
  // Whatever this thread throws, the fetcher is told to stop and joined before it propagates.
  struct Join {
    std::thread& fetcher;
    std::mutex& mutex;
    std::condition_variable& changed;
    bool& abandoned;
    ~Join() {
      {
        std::lock_guard lock(mutex);
        abandoned = true;
      }
      changed.notify_all();
      if (fetcher.joinable()) fetcher.join();
    }
  } join{fetcher, mutex, changed, abandoned};
  std::vector<Checked> checked;
  for (;;) {
    std::vector<ProvinceSnapshot::Summary> batch;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return !ready.empty() || fetched_all; });
      if (ready.empty()) break;
      batch = std::move(ready.front());
      ready.pop_front();
      changed.notify_all();
    }
    checked.assign(batch.size(), {});
    // Parsing on every core; adding up in the database's order.
    std::vector<std::thread> pool;
    const auto work = [&](std::size_t first) {
      for (std::size_t i = first; i < batch.size(); i += threads) check(batch[i], checked[i]);
    };
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& t : pool) t.join();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ++out.reports;
      // Named uniquely, so that what the merge refused can be told apart.
      const auto name =
          fmt::format("{} {} #{}", batch[i].school_id, batch[i].iso_week, out.reports);
      auto& c = checked[i];
      if (!c.refusal) c.refusal = merger.conflict(c.report);
      if (c.refusal) {
        merger.refuse(name, *c.refusal);
        left_out.push_back(batch[i].id);
        continue;
      }
      merger.add(name, std::move(c.report));
      ++out.accepted;
    }
  }
  fetcher.join();
  if (fetch_error) std::rethrow_exception(fetch_error);
  // The connection is this thread's again: the fetcher has ended.
  auto outcome = merger.finish();
  out.refused = std::move(outcome.refused);
  if (!outcome.report) return out;
  auto& province = *outcome.report;
  // The cells, as merge_reports adds them (published requests summed, withheld cells counted),
  // of the period's days only: a week that straddles its ends (a school year starts on 1
  // September, any weekday) counts only its days inside, so no day is counted in two years.
  // A breakdown table reads its own sums, and of the report only its labels.
  if (!by)
    for (auto& c : snapshot.cells(left_out))
      province.entries.push_back({*parse_date(c.day), std::move(c.action), std::move(c.category),
                                  std::move(c.group), c.requests, 0, false, c.suppressed});
  if (!(province.period == period)) {
    province.period = period;
    province.iso_week.clear();
    if (!province.top_domains.empty())
      province.notes.push_back(
          "Top domains cover the whole weeks that overlap the period; every other figure covers "
          "exactly the period.");
  }
  if (by) {
    BreakdownTable table;
    table.by = *by;
    table.period = province.period;
    table.schools = province.schools.size();
    for (auto& k : snapshot.by_key(to_string(*by), left_out))
      table.rows.push_back(
          {std::move(k.key), std::move(k.action), std::move(k.category), k.requests, k.suppressed});
    table.labels = province;
    table.labels.entries.clear();  // only its labels are read
    out.table = std::move(table);
  }
  out.report = std::move(province);
  return out;
}

}  // namespace edugate::reporting::department
