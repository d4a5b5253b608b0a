// Flush of one hour's aggregates from 1 M requests of a 1,000-pupil school (target ≤ 100 ms):
// collecting both workers' tallies, updating the day's device sketches, and one SQLite
// transaction in WAL mode.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "bench_data.hpp"
#include "reporting/flusher.hpp"

namespace edugate::reporting {
namespace {

void BM_FlushSchoolHour(benchmark::State& state) {
  char pattern[] = "/tmp/edugate-bench-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  constexpr LocalDay kDay = 20'800;
  DeviceKeyring ring;
  ring.rotate(kDay);
  Aggregator agg;
  std::array<Recorder*, 2> recorders{&agg.add_recorder(), &agg.add_recorder()};
  for (auto* r : recorders) r->set_labels(bench::school_labels());
  Flusher flusher(agg, {{dir + "/bench.db"}, 8});
  std::uint8_t hour = 0;
  std::size_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    bench::count_school_hour(agg, recorders, ring, {kDay, static_cast<std::uint8_t>(hour++ % 24)},
                             1'000'000);
    state.ResumeTiming();
    const auto outcome = flusher.flush(kDay);
    if (!outcome.ok()) state.SkipWithError(outcome.error->message.c_str());
    rows = outcome.rows_written;
  }
  state.counters["rows"] = static_cast<double>(rows);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_FlushSchoolHour)->Unit(benchmark::kMillisecond)->Iterations(6);

}  // namespace
}  // namespace edugate::reporting
