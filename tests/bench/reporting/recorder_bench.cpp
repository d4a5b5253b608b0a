// Recorder::count on the hot path: the proxy's worker threads each own a Recorder; the main
// thread flushes. Target: median ≤ 50 ns per count with 2 threads.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "reporting/aggregator.hpp"
#include "reporting/device_keyring.hpp"

namespace edugate::reporting {
namespace {

constexpr LocalDay kDay = 20'000;

Labels bench_labels() {
  Labels l;
  l.rule_set_version = "bench";
  for (int c = 0; c < 30; ++c) l.categories.push_back({"cat" + std::to_string(c), "vi", "en"});
  for (int g = 0; g < 6; ++g) l.groups.push_back({"grp" + std::to_string(g), "name", "thcs"});
  return l;
}

struct Shared {
  Aggregator agg;
  DeviceKeyring ring;
  std::vector<Recorder*> recorders;
  Shared() {
    ring.rotate(kDay);
    for (int t = 0; t < 8; ++t) recorders.push_back(&agg.add_recorder());
  }
};

Shared& shared() {
  static Shared s;  // benchmark fixture state; the library itself has no globals
  return s;
}

/// A school's mix: 1,000 devices, mostly allowed traffic, 3% blocked on 200 domains.
void BM_RecorderCount(benchmark::State& state) {
  Shared& s = shared();
  Recorder& r = *s.recorders[static_cast<std::size_t>(state.thread_index())];
  r.set_labels(bench_labels());
  std::vector<DeviceKey> devices(1000);
  for (int i = 0; i < 1000; ++i) {
    const std::array<std::uint8_t, 4> a{10, 1, static_cast<std::uint8_t>(i >> 8),
                                        static_cast<std::uint8_t>(i)};
    devices[static_cast<std::size_t>(i)] = device_key(s.ring, a, kDay);
  }
  std::vector<std::string> domains;
  for (int d = 0; d < 200; ++d) domains.push_back("www.site" + std::to_string(d) + ".com.vn");
  std::uint64_t i = static_cast<std::uint64_t>(state.thread_index()) * 7919;
  const bool blocked_only = state.range(0) == 1;
  const bool no_dev = state.range(0) == 2;
  for (auto _ : state) {
    ++i;
    const bool block = blocked_only || i % 33 == 0;
    const rules::Decision d{block ? rules::Action::block : rules::Action::allow,
                            static_cast<rules::CategoryId>(block ? i % 30 : rules::kNoCategory), 1,
                            ""};
    r.count(d, static_cast<rules::GroupId>(i % 6), HourBucket{kDay, static_cast<std::uint8_t>(10)},
            block ? std::string_view(domains[i % 200]) : std::string_view(),
            no_dev ? kNoDevice : devices[(i * 2654435761u) % 1000]);
  }
  if (state.thread_index() == 0) s.agg.collect(kDay);
}
// Arg 0: the school mix; 1: every request blocked (domain kept); 2: no device key.
BENCHMARK(BM_RecorderCount)
    ->Arg(0)
    ->Threads(1)
    ->Threads(2)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_RecorderCount)->Arg(2)->Threads(1);
BENCHMARK(BM_RecorderCount)->Arg(1)->Threads(2)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace
}  // namespace edugate::reporting
