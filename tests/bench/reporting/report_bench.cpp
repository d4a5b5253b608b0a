// Weekly report build for one school (target ≤ 1 s) and merging 1,000 signed school reports
// (target ≤ 10 s).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "bench_data.hpp"
#include "reporting/calendar.hpp"
#include "reporting/flusher.hpp"
#include "reporting/merge.hpp"
#include "reporting/report_builder.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting {
namespace {

const DayRange kWeek = *parse_iso_week("2026-W47");

/// A store holding a school week: 7 days × 10 school hours × 200,000 requests.
std::string make_school_store(const std::string& dir) {
  DeviceKeyring ring;
  Aggregator agg;
  std::array<Recorder*, 2> recorders{&agg.add_recorder(), &agg.add_recorder()};
  for (auto* r : recorders) r->set_labels(bench::school_labels());
  const std::string path = dir + "/week.db";
  Flusher flusher(agg, {{path}, 8});
  for (LocalDay d = kWeek.from; d <= kWeek.to; ++d) {
    ring.rotate(d);
    for (std::uint8_t h = 7; h < 17; ++h) {
      bench::count_school_hour(agg, recorders, ring, {d, h}, 200'000);
      flusher.flush(d);
    }
  }
  return path;
}

ReportRequest request(const std::string& school) {
  ReportRequest r;
  r.period = kWeek;
  r.school_id = school;
  r.school_name = "Trường " + school;
  return r;
}

void BM_WeeklyReportBuild(benchmark::State& state) {
  char pattern[] = "/tmp/edugate-bench-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const auto path = make_school_store(dir);
  auto key = generate_ed25519(nullptr);
  std::size_t cells = 0, bytes = 0;
  for (auto _ : state) {
    auto store = Store::open({path, 0, true}, nullptr);
    StoreExtract data;
    store->read(kWeek.from, kWeek.to, data);
    const auto report = build_report(data, request("school-0001"));
    auto json = report_to_json(report);
    sign_report(json, key.get(), nullptr);
    const auto text = json.dump(2);
    cells = report.entries.size();
    bytes = text.size();
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["json_bytes"] = static_cast<double>(bytes);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WeeklyReportBuild)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Merge1000Schools(benchmark::State& state) {
  char pattern[] = "/tmp/edugate-bench-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  StoreExtract data;
  Store::open({make_school_store(dir), 0, true}, nullptr)->read(kWeek.from, kWeek.to, data);
  KeyDirectory keys;
  std::vector<std::string> texts;
  for (int s = 0; s < 1000; ++s) {
    const auto id = fmt::format("school-{:04}", s);
    auto key = generate_ed25519(nullptr);
    auto json = report_to_json(build_report(data, request(id)));
    sign_report(json, key.get(), nullptr);
    texts.push_back(json.dump(2));
    keys.add(id, load_public_key(public_key_base64(key.get()), nullptr));
  }
  std::size_t merged = 0;
  for (auto _ : state) {
    std::vector<MergeInput> inputs;
    for (std::size_t i = 0; i < texts.size(); ++i)
      inputs.push_back({fmt::format("r{}.json", i), *parse_json_text(texts[i], nullptr)});
    const auto out = merge_reports(inputs, keys, {});
    if (!out.report) state.SkipWithError("merge refused a report");
    merged = out.report ? out.report->schools.size() : 0;
  }
  state.counters["schools"] = static_cast<double>(merged);
  state.counters["report_bytes"] = static_cast<double>(texts.front().size());
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Merge1000Schools)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace edugate::reporting
