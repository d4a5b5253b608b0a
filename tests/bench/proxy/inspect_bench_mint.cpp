// Google Benchmark: the CPU cost of inspection's certificate work on one worker thread.
//   BM_MintLeafColdCache   a leaf for a host never seen before (the whole mint + sign)
//   BM_LeafCacheHit        the same host again (LRU lookup, a new reference)
//   BM_LeafCacheColdMiss   leaf_for() on a new host through the cache (yield + mint + insert)
//   BM_PlanTunnel          the pure tunnel/inspect decision
// Run: build/inspect/tests/bench/proxy/edugate_inspect_mint_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <string>

#include "proxy/inspect/leaf_cache.hpp"
#include "proxy/inspect/leaf_certificate.hpp"
#include "proxy/inspect/tunnel_plan.hpp"

namespace {

using namespace edugate::proxy;
using namespace edugate::proxy::inspect;

SchoolCa make_ca() {
  SchoolCa ca;
  ca.key = generate_p256_key();
  ca.cert =
      make_ca_certificate(ca.key.get(), "bench", std::chrono::system_clock::now(), random_serial());
  return ca;
}

void BM_MintLeafColdCache(benchmark::State& state) {
  const SchoolCa ca = make_ca();
  const EvpPkeyPtr leaf_key = generate_p256_key();
  std::uint64_t n = 0;
  for (auto _ : state) {
    const std::string host = "host" + std::to_string(n++) + ".example.vn";
    LeafRequest r{
        ca.cert.get(),  ca.key.get(), leaf_key.get(), host, std::chrono::system_clock::now(),
        random_serial()};
    auto leaf = mint_leaf(r);
    benchmark::DoNotOptimize(leaf.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MintLeafColdCache)->MeasureProcessCPUTime()->UseRealTime();

/// leaf_for() on one worker's cache: `distinct` hosts cycle, the cache holds `capacity`.
void run_cache(benchmark::State& state, bool hit) {
  boost::asio::io_context io;
  Metrics metrics;
  LeafCache cache(make_ca(), generate_p256_key(), 100000, io.get_executor(), metrics);
  std::uint64_t n = 0;
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    const std::string host =
        hit ? std::string("same.example.vn") : "host" + std::to_string(n++) + ".example.vn";
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto leaf = co_await cache.leaf_for(host, now);
          benchmark::DoNotOptimize(leaf.get());
        },
        boost::asio::detached);
    io.restart();
    io.run();
  }
  state.counters["mints"] = static_cast<double>(metrics.inspect_mints.load());
  state.SetItemsProcessed(state.iterations());
}

void BM_LeafCacheHit(benchmark::State& state) { run_cache(state, true); }
BENCHMARK(BM_LeafCacheHit)->MeasureProcessCPUTime()->UseRealTime();

void BM_LeafCacheColdMiss(benchmark::State& state) { run_cache(state, false); }
BENCHMARK(BM_LeafCacheColdMiss)->MeasureProcessCPUTime()->UseRealTime();

void BM_PlanTunnel(benchmark::State& state) {
  TunnelFacts f;
  f.mode = edugate::rules::InspectMode::all;
  f.hello_read = true;
  f.hello = tls::HelloStatus::complete;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(plan_tunnel(f));
  }
}
BENCHMARK(BM_PlanTunnel);

}  // namespace

BENCHMARK_MAIN();
