// Readers for the formats that list one host per entry: domains, hosts, dnsmasq.
#include <array>

#include "rules/lists/line_readers.hpp"
#include "rules/normalize/host.hpp"

namespace edugate::rules {
namespace {

/// Names that hosts files map for the machine itself, never block entries.
bool is_local_name(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kLocal{"localhost", "localhost.localdomain",
                                                          "broadcasthost", "local", "0.0.0.0"};
  for (std::string_view local : kLocal) {
    if (name.size() == local.size()) {
      bool same = true;
      for (std::size_t i = 0; i < name.size() && same; ++i) {
        const char c = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] + 32) : name[i];
        same = c == local[i];
      }
      if (same) return true;
    }
  }
  return name.starts_with("ip6-");
}

/// True when `token` is an IP literal; the usual sink addresses skip the full normalisation.
bool is_address(std::string_view token) {
  if (token == "0.0.0.0" || token == "127.0.0.1" || token == "::" || token == "::1") return true;
  const auto normalized = normalize_host(token);
  return normalized && host_kind(*normalized) != HostKind::name;
}

/// Reads "server=/a.com/b.com/target": every name between the first and the last '/'.
void read_dnsmasq_domains(const ListLine& line, std::string_view value, ListSink& sink) {
  if (!value.starts_with('/')) {
    sink.problem(line, value, "expected /domain/ after '='");
    return;
  }
  const std::size_t last = value.rfind('/');
  if (last == 0) {
    sink.problem(line, value, "missing '/' after the domain");
    return;
  }
  std::string_view names = value.substr(1, last - 1);
  while (true) {
    const std::size_t slash = names.find('/');
    const std::string_view name = names.substr(0, slash);
    if (name == "#") {
      sink.problem(line, name, "'#' (every domain) cannot be a block-list entry");
    } else if (name.empty()) {
      sink.problem(line, name, "empty domain");
    } else {
      sink.add_host(line, strip_wildcard(name));
    }
    if (slash == std::string_view::npos) break;
    names.remove_prefix(slash + 1);
  }
}

}  // namespace

void read_domains_line(const ListLine& line, ListSink& sink) {
  const std::string_view text = trim_blanks(line.text);
  if (text.empty()) return;
  if (text.front() == '#') {
    sink.comment();
    return;
  }
  std::string_view rest;
  const std::string_view token = first_token(text, rest);
  if (!rest.empty() && rest.front() != '#') {
    const auto first = normalize_host(token);
    const bool hosts_line = first && host_kind(*first) != HostKind::name;
    sink.problem(line, rest,
                 "unexpected text after the domain: " + quote_token(rest) +
                     (hosts_line ? " (a hosts-file line? use format: hosts)" : ""));
    return;
  }
  sink.add_host(line, strip_wildcard(token));
}

void read_hosts_line(const ListLine& line, ListSink& sink) {
  std::string_view text = trim_blanks(line.text);
  if (text.empty()) return;
  if (text.front() == '#') {
    sink.comment();
    return;
  }
  text = trim_blanks(text.substr(0, text.find('#')));
  std::string_view rest;
  const std::string_view address = first_token(text, rest);
  if (!is_address(address)) {
    sink.problem(line, address, "expected an IP address, found " + quote_token(address));
    return;
  }
  if (rest.empty()) {
    sink.problem(line, address, "no host name after the address");
    return;
  }
  while (!rest.empty()) {
    const std::string_view name = first_token(rest, rest);
    if (is_local_name(name)) {
      sink.local_name();
    } else {
      sink.add_host(line, name);
    }
  }
}

void read_dnsmasq_line(const ListLine& line, ListSink& sink) {
  const std::string_view text = trim_blanks(line.text);
  if (text.empty()) return;
  if (text.front() == '#') {
    sink.comment();
    return;
  }
  const std::size_t equals = text.find('=');
  const std::string_view key = trim_blanks(text.substr(0, equals));
  if (key != "server" && key != "address" && key != "local") {
    sink.unsupported();
    return;
  }
  if (equals == std::string_view::npos) {
    sink.problem(line, text, "expected " + std::string(key) + "=/domain/");
    return;
  }
  read_dnsmasq_domains(line, trim_blanks(text.substr(equals + 1)), sink);
}

}  // namespace edugate::rules
