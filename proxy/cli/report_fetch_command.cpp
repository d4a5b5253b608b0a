// `edugate report fetch URL`: the department's client for a school's report endpoint. HTTPS
// only, the server certificate verified (system trust store or --cacert) with the host name
// checked, the bearer token from --token-file or $EDUGATE_REPORT_TOKEN (not the command line,
// where every local user could read it in the process list).

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "proxy/cli/commands.hpp"

namespace edugate::cli {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct FetchArgs {
  std::string url, token_file, cacert, out;
};

struct Fetched {
  std::string error;
  unsigned status = 0;
  std::string body;
};

[[noreturn]] void fail(const std::string& why) {
  fmt::print(stderr, "edugate report fetch: {}\n", why);
  throw CLI::RuntimeError(1);
}

std::string read_token(const FetchArgs& a) {
  std::string token;
  if (!a.token_file.empty()) {
    std::ifstream in(a.token_file);
    if (!in) fail("cannot read " + a.token_file);
    std::getline(in, token);
  } else if (const char* env = std::getenv("EDUGATE_REPORT_TOKEN")) {
    token = env;
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) fail("give the token with --token-file FILE or $EDUGATE_REPORT_TOKEN");
  return token;
}

asio::awaitable<void> fetch(asio::ssl::context& tls, std::string host, std::string port,
                            std::string target, std::string token, Fetched& out) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, results] = co_await resolver.async_resolve(host, port, kTuple);
  if (rec) {
    out.error = "cannot resolve " + host + ": " + rec.message();
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());  // SNI
  SSL_set1_host(stream.native_handle(), host.c_str());             // certificate name check
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(results, kTuple);
  if (cec) {
    out.error = "cannot connect: " + cec.message();
    co_return;
  }
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    out.error = "TLS handshake failed (certificate not trusted or wrong name?): " + hec.message();
    co_return;
  }
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::authorization, "Bearer " + token);
  req.set(bhttp::field::user_agent, "edugate-report-fetch");
  co_await bhttp::async_write(stream, req, kTuple);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 << 20);
  auto [rdec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  if (rdec) {
    out.error = "reading the response failed: " + rdec.message();
    co_return;
  }
  out.status = parser.get().result_int();
  out.body = std::move(parser.get().body());
}

void run_fetch(const FetchArgs& a) {
  auto url = boost::urls::parse_absolute_uri(a.url);
  if (!url || url->scheme() != "https" || url->host().empty())
    fail("the URL must be https://HOST[:PORT]/api/v1/reports/weekly/<week>");
  const auto token = read_token(a);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  tls.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (a.cacert.empty())
    tls.set_default_verify_paths(ec);
  else
    tls.load_verify_file(a.cacert, ec);
  if (ec) fail("cannot load trusted certificates: " + ec.message());
  const std::string host(url->host());
  const std::string port = url->has_port() ? std::string(url->port()) : "443";
  std::string target(url->encoded_path());
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  asio::io_context io;
  Fetched got;
  asio::co_spawn(io, fetch(tls, host, port, target, token, got), asio::detached);
  io.run();
  if (!got.error.empty()) fail(got.error);
  if (got.status != 200) fail(fmt::format("the school answered {}: {}", got.status, got.body));
  if (a.out.empty() || a.out == "-") {
    fmt::print("{}", got.body);
  } else {
    std::ofstream out(a.out, std::ios::binary);
    out << got.body;
    if (!out) fail("cannot write " + a.out);
    fmt::print(stderr,
               "saved {} ({} bytes); check it with: edugate report verify {} --pubkey "
               "SCHOOL.pub\n",
               a.out, got.body.size(), a.out);
  }
}

}  // namespace

void add_report_fetch_command(CLI::App& app) {
  CLI::App* report = nullptr;
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() == "report") report = sub;
  if (!report) report = app.add_subcommand("report", "Reports");
  auto* cmd = report->add_subcommand("fetch", "Download a school's report (department side)");
  auto a = std::make_shared<FetchArgs>();
  cmd->add_option("url", a->url, "https://school-gateway:3129/api/v1/reports/weekly/2026-W47")
      ->required();
  cmd->add_option("--token-file", a->token_file, "File holding the bearer token");
  cmd->add_option("--cacert", a->cacert, "Trust this CA (PEM) instead of the system store");
  cmd->add_option("-o,--output", a->out, "Write here instead of stdout");
  cmd->callback([a] { run_fetch(*a); });
}

}  // namespace edugate::cli
