#pragma once

// Shared by the proxy integration tests: an origin plus the real edugate binary in front of it.

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/curl.hpp"
#include "tests/integration/harness/edugate_process.hpp"
#include "tests/integration/harness/temp_dir.hpp"
#include "tests/integration/harness/test_origin_process.hpp"
#include "tests/integration/origin/pattern.hpp"

namespace edugate::itest {

/// The `destinations:` line tests use: their origins listen on loopback, which the destination
/// policy refuses by default.
inline constexpr std::string_view kLoopbackOrigins =
    "destinations: {allow: [127.0.0.0/8, \"::1/128\"]}\n";

/// A minimal appliance config for tests: one listener and the admin listener on 127.0.0.1 with
/// kernel-chosen ports, `workers` workers (one, when a test needs every connection on the same
/// worker), loopback clients only, `destinations` (default: loopback origins allowed), plus
/// `extra` YAML.
inline std::string test_config(std::string_view extra = {}, int workers = 2,
                               std::string_view destinations = kLoopbackOrigins) {
  std::string c = "listeners: [{address: 127.0.0.1:0}]\n";
  c += "workers: " + std::to_string(workers) + "\n";
  c += "client_networks: [127.0.0.0/8]\n";
  c += "admin: {address: 127.0.0.1:0}\n";
  c += destinations;
  c += extra;
  return c;
}

/// curl through the proxy: `-x <proxy>` prepended.
inline HttpReply via(const EdugateProcess& e, std::vector<std::string> args,
                     milliseconds timeout = milliseconds(30000)) {
  args.insert(args.begin(), {"-x", e.proxy().url()});
  return curl_http(std::move(args), timeout);
}

/// The admin listener's /metrics value of `name` (summed over label sets), or -1.
inline long long metric(const EdugateProcess& e, std::string_view name) {
  const auto r = curl({e.admin().url() + "/metrics"});
  std::istringstream in(r.out);
  long long total = -1;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    const auto key = line.substr(0, space);
    if (key == name || key.rfind(std::string(name) + "{", 0) == 0)
      total = (total < 0 ? 0 : total) + std::stoll(line.substr(space + 1));
  }
  return total;
}

/// metric() polled every 100 ms until `ok` holds or `timeout` passes; the last value read.
inline long long wait_metric(const EdugateProcess& e, std::string_view name,
                             const std::function<bool(long long)>& ok,
                             milliseconds timeout = milliseconds(20000)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  auto v = metric(e, name);
  while (!ok(v) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(100));
    v = metric(e, name);
  }
  return v;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// The metric names matching `pattern` that the shipped alerts (etc/prometheus/
/// edugate-alerts.yml) read: an alert on a name edugate does not export could never fire.
inline std::set<std::string> alert_metric_names(const std::string& pattern) {
  const auto text =
      read_file(std::filesystem::path(EDUGATE_SOURCE_DIR) / "etc/prometheus/edugate-alerts.yml");
  std::set<std::string> names;
  const std::regex name_re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name_re);
       it != std::sregex_iterator(); ++it)
    names.insert(it->str());
  return names;
}

/// Those of `names` that the /metrics text `scraped` does not export (with or without labels).
inline std::vector<std::string> not_exported(const std::string& scraped,
                                             const std::set<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names)
    if (scraped.find("\n" + name + " ") == std::string::npos &&
        scraped.find("\n" + name + "{") == std::string::npos)
      out.push_back(name);
  return out;
}

inline std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace edugate::itest
