#include "proxy/config.hpp"

#include <gtest/gtest.h>

namespace edugate::proxy {
namespace {

std::optional<Config> parse(const std::string& text, rules::Diagnostics& d) {
  return parse_config(text, "/etc/edugate/edugate.yaml", d);
}

TEST(Config, MinimalConfigGetsDefaults) {
  rules::Diagnostics d;
  auto c = parse("listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n", d);
  ASSERT_TRUE(c) << (d.empty() ? "" : rules::format(d[0]));
  ASSERT_EQ(c->listeners.size(), 1u);
  EXPECT_EQ(c->listeners[0].address, "127.0.0.1");
  EXPECT_EQ(c->listeners[0].port, 3128);
  EXPECT_EQ(c->connect_ports, std::vector<std::uint16_t>{443});
  EXPECT_EQ(c->timeouts.request_head, std::chrono::seconds(10));
  EXPECT_EQ(c->base_dir, "/etc/edugate");
}

TEST(Config, ReadsEverySection) {
  rules::Diagnostics d;
  auto c = parse(R"(
listeners:
  - address: "[::1]:8080"
  - {address: 0.0.0.0:3129, mode: transparent}
workers: 3
client_networks: [10.0.0.0/8, "2001:db8::/32"]
connect_ports: [443, 8443]
limits: {max_header_bytes: 32KiB, max_url_length: 4096, max_connections: 500}
timeouts: {request_head: 5s, client_idle: 2m, upstream_connect: 1500ms, drain: 1h}
admin: {enabled: false, address: "127.0.0.1:9000"}
upstream_overrides: {www.google.com: "127.0.0.1:8443"}
via: gw1.school
)",
                 d);
  ASSERT_TRUE(c) << (d.empty() ? "" : rules::format(d[0]));
  EXPECT_EQ(c->listeners[0].address, "::1");
  EXPECT_EQ(c->listeners[0].port, 8080);
  EXPECT_EQ(c->listeners[1].mode, ListenerConfig::Mode::transparent);
  EXPECT_EQ(c->workers, 3u);
  EXPECT_EQ(c->client_networks.size(), 2u);
  EXPECT_EQ(c->connect_ports, (std::vector<std::uint16_t>{443, 8443}));
  EXPECT_EQ(c->limits.max_header_bytes, 32u * 1024);
  EXPECT_EQ(c->limits.max_url_length, 4096u);
  EXPECT_EQ(c->limits.max_connections, 500u);
  EXPECT_EQ(c->timeouts.request_head, std::chrono::seconds(5));
  EXPECT_EQ(c->timeouts.client_idle, std::chrono::minutes(2));
  EXPECT_EQ(c->timeouts.upstream_connect, std::chrono::milliseconds(1500));
  EXPECT_EQ(c->timeouts.drain, std::chrono::hours(1));
  EXPECT_FALSE(c->admin.enabled);
  EXPECT_EQ(c->admin.port, 9000);
  EXPECT_EQ(c->upstream_overrides.at("www.google.com"), "127.0.0.1:8443");
  EXPECT_EQ(c->via_pseudonym, "gw1.school");
}

struct BadCase {
  const char* yaml;
  int line;
  int column;
  const char* message_part;
};

class ConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrors, ReportFileLineColumn) {
  rules::Diagnostics d;
  const auto& p = GetParam();
  EXPECT_FALSE(parse(p.yaml, d));
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].file, "/etc/edugate/edugate.yaml");
  EXPECT_EQ(d[0].line, p.line) << rules::format(d[0]);
  EXPECT_EQ(d[0].column, p.column) << rules::format(d[0]);
  EXPECT_NE(d[0].message.find(p.message_part), std::string::npos) << rules::format(d[0]);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigErrors,
    ::testing::Values(
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n"
                "timeout: {}\n",
                3, 1, "unknown key 'timeout'"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n"
                "timeouts: {request_head: 10}\n",
                3, 26, "duration"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/33]\n", 2, 19,
                "prefix length must be 0..32"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.1.0.0/8]\n", 2, 19,
                "bits set below the prefix"},
        BadCase{"listeners: [{address: localhost:3128}]\nclient_networks: [10.0.0.0/8]\n", 1, 23,
                "not ADDRESS:PORT"},
        BadCase{"listeners: [{address: 127.0.0.1:99999}]\nclient_networks: [10.0.0.0/8]\n", 1, 23,
                "not ADDRESS:PORT"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\n", 1, 1, "client_networks is required"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n"
                "connect_ports: [443, 0]\n",
                3, 22, "CONNECT port"},
        BadCase{"listeners: [{address: 127.0.0.1:3128, mod: forward}]\n"
                "client_networks: [10.0.0.0/8]\n",
                1, 39, "unknown key 'mod'"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n"
                "destinations: {deny: [10.99.0.0/16], alow: [127.0.0.2/32]}\n",
                3, 38, "unknown key 'alow'"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n"
                "destinations: {allow: [127.0.0.2/8]}\n",
                3, 24, "bits set below the prefix"},
        BadCase{"listeners: [{address: 127.0.0.1:3128}\nclient_networks: [10.0.0.0/8]\n", 2, 1,
                "end of sequence flow not found"}));

TEST(Config, ReadsDestinations) {
  rules::Diagnostics d;
  auto c = parse(
      "listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [10.0.0.0/8]\n"
      "destinations:\n  deny: [10.99.0.0/16]\n  allow: [127.0.0.2/32]\n",
      d);
  ASSERT_TRUE(c) << (d.empty() ? "" : rules::format(d[0]));
  ASSERT_EQ(c->destinations.deny.size(), 1u);
  EXPECT_EQ(c->destinations.deny[0].to_string(), "10.99.0.0/16");
  ASSERT_EQ(c->destinations.allow.size(), 1u);
  EXPECT_EQ(c->destinations.allow[0].to_string(), "127.0.0.2/32");
}

TEST(Config, MissingFileIsAClearError) {
  rules::Diagnostics d;
  EXPECT_FALSE(load_config("/nonexistent/edugate.yaml", d));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(rules::format(d[0]), "/nonexistent/edugate.yaml: cannot open file");
}

// Behind HAProxy: a listener takes the PROXY protocol only from the balancers named, is a
// forward listener, and is never what the PAC file sends devices to (it would close them).
TEST(Config, ProxyProtocolListeners) {
  rules::Diagnostics d;
  auto c = parse(
      "listeners:\n"
      "  - {address: 10.0.0.11:3128, proxy_protocol_from: [10.0.0.11/32, 10.0.0.12/32]}\n"
      "  - {address: 192.168.1.1:3128}\n"
      "client_networks: [10.0.0.0/8]\n",
      d);
  ASSERT_TRUE(c) << (d.empty() ? "" : rules::format(d[0]));
  EXPECT_EQ(c->listeners[0].proxy_protocol_from.size(), 2u);
  EXPECT_TRUE(c->listeners[1].proxy_protocol_from.empty());
  EXPECT_EQ(c->pac.proxy, "192.168.1.1:3128");

  d.clear();
  EXPECT_FALSE(
      parse("listeners: [{address: 10.0.0.11:3128, proxy_protocol_from: [10.0.0.1/32]}]\n"
            "client_networks: [10.0.0.0/8]\n",
            d));
  ASSERT_FALSE(d.empty());
  EXPECT_NE(d[0].message.find("set pac.proxy"), std::string::npos) << d[0].message;
  d.clear();
  c = parse(
      "listeners: [{address: 10.0.0.11:3128, proxy_protocol_from: [10.0.0.1/32]}]\n"
      "client_networks: [10.0.0.0/8]\npac: {proxy: \"10.0.0.10:3128\"}\n",
      d);
  ASSERT_TRUE(c) << (d.empty() ? "" : rules::format(d[0]));
  EXPECT_EQ(c->pac.proxy, "10.0.0.10:3128");

  for (const char* bad :
       {"listeners: [{address: 10.0.0.1:80, mode: transparent, proxy_protocol_from: "
        "[10.0.0.2/32]}]",
        "listeners: [{address: 10.0.0.1:3128, proxy_protocol_from: []}]",
        "listeners: [{address: 10.0.0.1:3128, proxy_protocol_from: [not-a-network]}]"}) {
    d.clear();
    EXPECT_FALSE(parse(std::string(bad) + "\nclient_networks: [10.0.0.0/8]\n"
                                          "pac: {proxy: \"10.0.0.10:3128\"}\n",
                       d))
        << bad;
  }
}

}  // namespace
}  // namespace edugate::proxy
