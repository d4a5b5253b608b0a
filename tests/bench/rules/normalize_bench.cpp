// Benchmarks for rules/normalize and rules/lists over the real public data in ../shared/data.
//   build/norm/tests/bench/rules/edugate_normalize_bench
#include <benchmark/benchmark.h>

#include <boost/url/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/lists/list_reader.hpp"
#include "rules/normalize/host.hpp"
#include "rules/normalize/search_terms.hpp"
#include "rules/normalize/url.hpp"

#ifndef EDUGATE_SHARED_DATA_DIR
#define EDUGATE_SHARED_DATA_DIR "/work/shared/data"
#endif

namespace {

using namespace edugate::rules;

std::string data_path(const std::string& relative) {
  const char* env = std::getenv("EDUGATE_DATA_DIR");
  return std::string(env != nullptr ? env : EDUGATE_SHARED_DATA_DIR) + "/" + relative;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// The 148k URLs of the workload.
const std::vector<std::string>& urls() {
  static const std::vector<std::string> kUrls = lines_of(data_path("urls.txt"));
  return kUrls;
}

/// The hosts of those URLs exactly as written (mixed case, IP literals, IDN escapes...).
const std::vector<std::string>& raw_hosts() {
  static const std::vector<std::string> kHosts = [] {
    std::vector<std::string> out;
    for (const auto& u : urls()) {
      const auto parsed = boost::urls::parse_uri(u);
      if (parsed && parsed->has_authority()) out.emplace_back(parsed->encoded_host());
    }
    return out;
  }();
  return kHosts;
}

void BM_NormalizeHost_UrlWorkload(benchmark::State& state) {
  const auto& hosts = raw_hosts();
  if (hosts.empty()) return state.SkipWithError("urls.txt absent");
  std::string out;
  for (auto _ : state) {
    for (const auto& h : hosts) {
      benchmark::DoNotOptimize(normalize_host_into(h, out));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * hosts.size()));
}
BENCHMARK(BM_NormalizeHost_UrlWorkload)->Unit(benchmark::kMillisecond);

void BM_NormalizeHost_Idn(benchmark::State& state) {
  const std::vector<std::string> hosts = {"Bộgiáodục.vn", "momovíđiệntửsố1.weebly.com",
                                          "ĐẠI-HỌC.vn", "shọpmobaviet.vn"};
  std::string out;
  for (auto _ : state) {
    for (const auto& h : hosts) benchmark::DoNotOptimize(normalize_host_into(h, out));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * hosts.size()));
}
BENCHMARK(BM_NormalizeHost_Idn);

void BM_ParseAndNormalizeUrl(benchmark::State& state) {
  const auto& all = urls();
  if (all.empty()) return state.SkipWithError("urls.txt absent");
  for (auto _ : state) {
    for (const auto& u : all) benchmark::DoNotOptimize(parse_and_normalize_url(u));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * all.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(all.size() * 75));
}
BENCHMARK(BM_ParseAndNormalizeUrl)->Unit(benchmark::kMillisecond);

void BM_ExtractSearchTerms(benchmark::State& state) {
  const UrlResult r = parse_and_normalize_url(
      "https://www.google.com.vn/search?q=c%E1%BB%9D+b%E1%BA%A1c+tr%E1%BB%B1c+tuy%E1%BA%BFn&hl=vi");
  for (auto _ : state) {
    auto terms = extract_search_terms(r.url->host, r.url->path, r.url->query);
    benchmark::DoNotOptimize(fold_for_matching(*terms));
  }
}
BENCHMARK(BM_ExtractSearchTerms);

/// read_list from memory over one text (I/O excluded).
void read_text_bench(benchmark::State& state, ListFormat format, const std::string& text) {
  if (text.empty()) return state.SkipWithError("shared data absent");
  std::size_t entries = 0;
  for (auto _ : state) {
    const ListReadResult r = read_list(format, text);
    entries = r.entries.size();
    benchmark::DoNotOptimize(entries);
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void read_list_bench(benchmark::State& state, ListFormat format, const std::string& relative) {
  read_text_bench(state, format, slurp(data_path(relative)));
}
BENCHMARK_CAPTURE(read_list_bench, domains_phishing_190k, ListFormat::domains,
                  "blocklistproject/phishing.txt")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(read_list_bench, urls_ut1_phishing_19k, ListFormat::squidguard_urls,
                  "ut1/blacklists/phishing/urls")
    ->Unit(benchmark::kMillisecond);

/// The largest list rendered in the other formats ("0.0.0.0 d", "||d^", "server=/d/").
void BM_ReadListRendered(benchmark::State& state) {
  static constexpr ListFormat kFormats[] = {ListFormat::hosts, ListFormat::adguard,
                                            ListFormat::dnsmasq};
  static constexpr const char* kBefore[] = {"0.0.0.0 ", "||", "server=/"};
  static constexpr const char* kAfter[] = {"", "^", "/"};
  const auto i = static_cast<std::size_t>(state.range(0));
  std::string text;
  for (const auto& line : lines_of(data_path("blocklistproject/phishing.txt"))) {
    text += kBefore[i] + line + kAfter[i] + "\n";
  }
  state.SetLabel(std::string(to_string(kFormats[i])) + " 190k");
  read_text_bench(state, kFormats[i], text);
}
BENCHMARK(BM_ReadListRendered)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

/// Start-up load: every plain domain list of the shared data, read from disk.
void BM_ReadManyListFiles(benchmark::State& state) {
  const std::vector<std::string> files = {"blocklistproject/phishing.txt",
                                          "blocklistproject/ads.txt",
                                          "blocklistproject/tracking.txt",
                                          "blocklistproject/basic.txt",
                                          "shadowwhisperer/adult.txt",
                                          "shadowwhisperer/malware.txt",
                                          "sinfonietta/pornography.txt",
                                          "vn/hostsvn/gambling.txt",
                                          "vn/hostsvn/adult.txt",
                                          "ut1/blacklists/malware/domains",
                                          "ut1/blacklists/phishing/domains",
                                          "ut1/blacklists/redirector/domains",
                                          "ut1/blacklists/jobsearch/domains",
                                          "ut1/blacklists/shopping/domains",
                                          "ut1/blacklists/games/domains",
                                          "ut1/blacklists/gambling/domains"};
  std::size_t entries = 0;
  for (auto _ : state) {
    entries = 0;
    for (const auto& f : files) {
      std::string error;
      const auto r = read_list_file(ListFormat::domains, data_path(f), &error);
      if (!r) return state.SkipWithError(error.c_str());
      entries += r->entries.size();
    }
  }
  state.counters["entries"] = static_cast<double>(entries);
}
BENCHMARK(BM_ReadManyListFiles)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
