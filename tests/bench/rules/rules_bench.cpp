// Rule-engine benchmarks over the real public lists in ../shared/data (about 1.5 million unique
// domains, UT1 urls/expressions) plus 10,000 generated URL regexes:
//   build/engine/tests/bench/rules/edugate_rules_bench
// Prints load time, RSS of the compiled set, per-call medians of decide() (host-only and
// 200-byte URLs), the 148k real URLs' throughput and `edugate check` time, then runs the
// Google Benchmark loops.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "rules/decide.hpp"
#include "rules/load_rules.hpp"
#include "rules/normalize/url.hpp"
#include "tests/bench/rules/bench_corpus.hpp"

#ifndef EDUGATE_SHARED_DATA_DIR
#define EDUGATE_SHARED_DATA_DIR "/work/shared/data"
#endif

namespace {

using namespace edugate::rules;
using Clock = std::chrono::steady_clock;

std::shared_ptr<const RuleSet> g_rules;

/// User + system CPU seconds of this process (wall time lies when other builds share the CPU).
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// Normalised request, owning the strings its facts point to.
struct Request {
  NormalizedUrl url;
  RequestFacts facts(bool connect) const {
    RequestFacts f;
    f.group = kDefaultGroup;
    f.host = url.host;
    f.port = url.port;
    f.at = LocalTime{20409, 10 * 60, 0};  // a Monday, 10:00
    if (connect) {
      f.method = Method::connect;
      f.scheme = Scheme::https;
      f.sni = url.host;
    } else {
      f.scheme = url.scheme == "https" ? Scheme::https : Scheme::http;
      f.path = url.path;
      f.query = url.query;
    }
    return f;
  }
};

std::vector<Request> g_all;     // the 148k real URLs, normalised
std::vector<Request> g_url200;  // those whose URL is 190..210 bytes

void load_workload() {
  for (const auto& line : bench::read_lines(std::string(EDUGATE_SHARED_DATA_DIR) + "/urls.txt")) {
    auto r = parse_and_normalize_url(line);
    if (!r) continue;
    const std::size_t length = r.url->to_string().size();
    g_all.push_back({std::move(*r.url)});
    if (length >= 190 && length <= 210) g_url200.push_back(g_all.back());
  }
}

/// Median and 99th percentile of single decide() calls, in nanoseconds.
std::pair<double, double> per_call(const std::vector<Request>& requests, bool connect) {
  std::vector<double> ns;
  ns.reserve(requests.size());
  for (const auto& r : requests) {
    const RequestFacts f = r.facts(connect);
    const auto t0 = Clock::now();
    benchmark::DoNotOptimize(decide(*g_rules, f));
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
  }
  std::sort(ns.begin(), ns.end());
  return {ns[ns.size() / 2], ns[ns.size() * 99 / 100]};
}

void report_throughput() {
  std::size_t counts[4] = {};
  const auto t0 = Clock::now();
  for (const auto& r : g_all) ++counts[static_cast<int>(decide(*g_rules, r.facts(false)).action)];
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  fmt::print(
      "real URLs: {} decided in {:.3f} s = {:.0f} decisions/s (allow {}, block {}, warn {}, "
      "safe_search {})\n",
      g_all.size(), s, static_cast<double>(g_all.size()) / s, counts[0], counts[1], counts[2],
      counts[3]);
}

void report_check(const bench::Corpus& corpus) {
  const std::string binary = EDUGATE_BINARY;
  const auto t0 = Clock::now();
  const int status =
      std::system((binary + " check " + corpus.config + " > /dev/null 2>&1").c_str());
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  fmt::print("edugate check {}: exit {} in {:.2f} s\n", corpus.config,
             WIFEXITED(status) ? WEXITSTATUS(status) : -1, s);
}

void BM_DecideHostOnly(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const RequestFacts f = g_all[i++ % g_all.size()].facts(true);
    benchmark::DoNotOptimize(decide(*g_rules, f));
  }
}
BENCHMARK(BM_DecideHostOnly);

void BM_DecideUrl200(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const RequestFacts f = g_url200[i++ % g_url200.size()].facts(false);
    benchmark::DoNotOptimize(decide(*g_rules, f));
  }
}
BENCHMARK(BM_DecideUrl200);

void BM_DecideRealUrls(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const RequestFacts f = g_all[i++ % g_all.size()].facts(false);
    benchmark::DoNotOptimize(decide(*g_rules, f));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_DecideRealUrls);

/// What was measured around load_rules().
struct LoadFigures {
  double wall = 0;
  double cpu = 0;
  long rss_before = 0;  ///< KiB
  long rss_after = 0;   ///< KiB
  std::size_t warnings = 0;
};

void report_figures(const bench::Corpus& corpus, const LoadFigures& load) {
  const double load_s = load.wall, load_cpu = load.cpu;
  const long rss0 = load.rss_before, rss1 = load.rss_after;
  const std::size_t warnings = load.warnings;
  const RuleSetStats st = g_rules->stats();
  fmt::print(
      "corpus: {} list sources, {} unique domains, {} domain rules, {} URL prefixes, {} "
      "regexes ({} generated) in {} sets, {} warnings\n",
      corpus.list_files, st.domains, st.domain_rules, st.url_prefixes, st.regexes,
      corpus.generated_regexes, st.regex_sets, warnings);
  fmt::print(
      "load+compile: {:.3f} s wall, {:.3f} s CPU; RSS {:.1f} MiB -> {:.1f} MiB (compiled "
      "set +{:.1f} MiB; domain tables {:.1f} MiB)\n",
      load_s, load_cpu, rss0 / 1024.0, rss1 / 1024.0, (rss1 - rss0) / 1024.0,
      static_cast<double>(st.memory_bytes) / (1 << 20));
  for (const char* pass : {"first pass, cold", "second pass, warm"}) {
    const auto host = per_call(g_all, true);
    const auto url = per_call(g_url200, false);
    fmt::print("decide host-only (CONNECT, {} hosts, {}): median {:.0f} ns, p99 {:.0f} ns\n",
               g_all.size(), pass, host.first, host.second);
    fmt::print(
        "decide 200-byte URL ({} URLs, all regex sets, {}): median {:.0f} ns, p99 {:.0f} "
        "ns\n",
        g_url200.size(), pass, url.first, url.second);
  }
  report_throughput();
  fmt::print(
      "RSS after the workloads (RE2 DFA caches warm): {:.1f} MiB (+{:.1f} MiB over the "
      "process before loading)\n",
      bench::rss_kib() / 1024.0, (bench::rss_kib() - rss0) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Corpus corpus =
      bench::write_corpus(EDUGATE_SHARED_DATA_DIR, EDUGATE_BENCH_OUT_DIR, 10000);
  load_workload();
  const long rss0 = bench::rss_kib();
  const auto t0 = Clock::now();
  const double cpu0 = cpu_seconds();
  auto loaded = load_rules(corpus.settings);
  const double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const double load_cpu = cpu_seconds() - cpu0;
  const long rss1 = bench::rss_kib();
  if (!loaded.rules) {
    for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", format(d));
    return 1;
  }
  g_rules = loaded.rules;
  report_figures(corpus, {load_s, load_cpu, rss0, rss1, loaded.diagnostics.size()});
  report_check(corpus);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
