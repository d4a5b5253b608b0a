// `edugate report fetch URL`: the department's client for a school's report endpoint. HTTPS
// only, the server certificate verified (system trust store or --cacert) with the host name
// checked, the bearer token from --token-file or $EDUGATE_REPORT_TOKEN (not the command line,
// where every local user could read it in the process list).

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "proxy/cli/commands.hpp"
#include "proxy/client/https_client.hpp"

namespace edugate::cli {

namespace {

struct FetchArgs {
  std::string url, token_file, cacert, out;
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

void run_fetch(const FetchArgs& a) {
  auto url = boost::urls::parse_absolute_uri(a.url);
  if (!url || url->scheme() != "https" || url->host().empty())
    fail("the URL must be https://HOST[:PORT]/api/v1/reports/weekly/<week>");
  const auto token = read_token(a);
  std::string error;
  auto tls = proxy::client::make_client_tls(a.cacert, error);
  if (!tls) fail(error);
  proxy::client::HttpsRequest req;
  req.url = a.url;
  req.headers.emplace_back("Authorization", "Bearer " + token);
  req.user_agent = "edugate-report-fetch";
  req.max_body = 256 << 20;
  req.deadline = std::chrono::seconds(60);
  const auto got = proxy::client::https_request_blocking(*tls, std::move(req));
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
