#include "proxy/department/department_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse_query.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "proxy/client/https_client.hpp"
#include "proxy/tls/server_context.hpp"
#include "reporting/bearer_token.hpp"
#include "reporting/calendar.hpp"
#include "reporting/department/dashboard_data.hpp"
#include "reporting/department/dashboard_html.hpp"
#include "reporting/department/ingest.hpp"
#include "reporting/department/registry.hpp"
#include "reporting/department/week_rollup.hpp"
#include "reporting/signing.hpp"
#include "rules/diagnostic.hpp"

namespace edugate::proxy::department {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using reporting::department::DepartmentStore;
using reporting::department::PgError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
/// A whole request (head and body) and the TLS handshake must arrive within this.
constexpr auto kTimeout = std::chrono::seconds(30);
/// Connections one address may hold open: schools behind one NAT share an address.
constexpr std::size_t kMaxPerPeer = 32;
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);
constexpr std::size_t kHeaderLimit = 16 * 1024;
/// A sign-in form is a token and little else.
constexpr std::size_t kMaxLoginBody = 4096;
/// Sign-in attempts one address may make a minute (a token is 256 random bits: this only stops
/// a flood from costing the service).
constexpr double kLoginsPerMinute = 10;
/// How often the week rollups are brought up to date after reports arrive.
constexpr auto kRollupInterval = std::chrono::seconds(5);
/// HTML pages: nothing but their own inline style runs or loads, and no other site frames them.
constexpr const char* kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

std::string json_error(std::string_view reason) {
  return nlohmann::json{{"error", std::string(reason)}}.dump() + "\n";
}

std::size_t pool_size(std::size_t configured) {
  if (configured) return configured;
  return std::max<std::size_t>(2, std::thread::hardware_concurrency());
}

/// Reads and drops what a client still sends after a refusal (an over-size body), for a bounded
/// time and size, so that closing does not reset the connection before it has read the answer.
template <class Stream>
asio::awaitable<void> drain(Stream& stream) {
  constexpr std::size_t kMaxDrain = 1u << 20;
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  std::array<char, 16 * 1024> scratch;
  for (std::size_t total = 0; total < kMaxDrain;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), kTuple);
    if (ec) break;
    total += n;
  }
}

/// Whom the per-address limits count: an IPv4 address (also when IPv4-mapped), or an IPv6 /64
/// (one subscriber's prefix: an IPv6 client has 2^64 addresses to rotate through). In memory
/// only, never logged.
std::string peer_key(const asio::ip::address& a) {
  if (a.is_v4()) return a.to_string();
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  const auto bytes = v6.to_bytes();
  return fmt::format("{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}::/64", bytes[0], bytes[1],
                     bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
}

/// What a database call on the pool gave: its value, or why there is none.
template <class T>
struct FromDatabase {
  std::optional<T> value;
  std::string error;
};

/// Runs `f(store)` on a pooled connection on one of `workers` and resumes the caller on its own
/// executor; a connection that failed is dropped, not pooled again.
template <class F>
auto on_database(asio::thread_pool& workers, reporting::department::StorePool& pool, F f)
    -> asio::awaitable<FromDatabase<std::invoke_result_t<F, DepartmentStore&>>> {
  using T = std::invoke_result_t<F, DepartmentStore&>;
  co_return co_await asio::co_spawn(
      workers,
      [&]() -> asio::awaitable<FromDatabase<T>> {
        try {
          auto lease = pool.acquire();
          try {
            co_return FromDatabase<T>{f(*lease), {}};
          } catch (const PgError&) {
            lease.discard();
            throw;
          }
        } catch (const std::exception& e) {
          co_return FromDatabase<T>{std::nullopt, e.what()};
        }
      },
      asio::use_awaitable);
}

/// The current ISO week, a day ahead of UTC (so that no time zone's week is still in the future).
std::string current_week() {
  const auto today = static_cast<reporting::LocalDay>(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
          .time_since_epoch()
          .count());
  return reporting::iso_week_of(today + 1);
}

/// The value of `key` in a query string or form body ("" when absent).
std::string form_value(std::string_view text, std::string_view key) {
  if (text.empty()) return {};  // Boost.URL 1.81's parse_query crashes on a null empty view
  auto params = boost::urls::parse_query(text);
  if (!params) return {};
  for (const auto& p : *params) {
    if (p.key != key) continue;
    std::string value = p.value.decode();
    std::replace(value.begin(), value.end(), '+', ' ');  // form encoding
    return value;
  }
  return {};
}

/// A week given as a parameter: "" stays "" (the default applies), nullopt when it is no week.
std::optional<std::string> week_parameter(std::string_view text, std::string_view key) {
  const auto value = form_value(text, key);
  if (value.empty()) return value;
  const auto days = reporting::parse_iso_week(value);
  if (!days) return std::nullopt;
  return reporting::iso_week_of(days->from);
}

/// The answer to a delivery: the sha256 of the bytes received (what the appliance checks).
std::string acknowledgement(const reporting::department::IngestedReport& report, int revision,
                            const char* stored) {
  return nlohmann::json{{"sha256", report.sha256},
                        {"school_id", report.school_id},
                        {"iso_week", report.iso_week},
                        {"revision", revision},
                        {"stored", stored}}
             .dump() +
         "\n";
}

}  // namespace

struct DepartmentService::Request {
  std::string path, query, authorization, cookie;
};

struct DepartmentService::Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;
};

DepartmentService::DepartmentService(asio::io_context& io,
                                     reporting::department::DepartmentSettings s)
    : io_(io),
      settings_(std::move(s)),
      acceptor_(io),
      workers_(pool_size(settings_.db_connections)),
      pool_(settings_.database),
      rollup_timer_(io),
      pull_timer_(io) {}

DepartmentService::~DepartmentService() {
  stop();
  workers_.join();
}

std::shared_ptr<const reporting::KeyDirectory> DepartmentService::keys() const {
  std::lock_guard lock(keys_mutex_);
  return keys_;
}

void DepartmentService::import_registry_now() {
  rules::Diagnostics diags;
  const auto schools = reporting::department::read_registry(settings_.schools, diags);
  if (!schools) {
    std::string why;
    for (const auto& d : diags) why += (why.empty() ? "" : "\n") + rules::format(d);
    throw std::runtime_error(why);
  }
  auto lease = pool_.acquire();
  try {
    const auto summary = lease->import_registry(*schools);
    auto directory = std::make_shared<reporting::KeyDirectory>();
    for (const auto& [id, key_text] : lease->registered_keys()) {
      std::string error;
      auto key = reporting::load_public_key(key_text, &error);
      if (!key) throw std::runtime_error("school " + id + ": " + error);
      directory->add(id, std::move(key));
    }
    schools_registered_ = static_cast<long long>(directory->size());
    rollup_due_ = true;  // a school that moved district moves its history
    {
      std::lock_guard lock(keys_mutex_);
      keys_ = std::move(directory);
    }
    spdlog::info(
        "department: registry {}: {} schools ({} added, {} updated, {} unchanged, {} retired)",
        settings_.schools, schools->size(), summary.added, summary.updated, summary.unchanged,
        summary.retired);
  } catch (const PgError&) {
    lease.discard();
    throw;
  }
}

void DepartmentService::prepare() {
  auto lease = pool_.acquire();
  try {
    lease->migrate();
    // A time zone PostgreSQL does not know would fail every completeness query: refuse it now.
    lease->connection().exec("SELECT now() AT TIME ZONE $1", {settings_.timezone});
  } catch (const PgError& e) {
    if (e.sqlstate == "22023")
      throw std::runtime_error("timezone " + settings_.timezone + ": " + e.what());
    lease.discard();
    throw;
  }
  import_registry_now();
}

bool DepartmentService::reload_registry(std::string* error) {
  try {
    import_registry_now();
    return true;
  } catch (const std::exception& e) {
    ++counters_.registry_failures;
    if (error) *error = e.what();
    return false;
  }
}

void DepartmentService::reload_registry_in_background() {
  asio::post(workers_, [this] {
    std::string error;
    if (!reload_registry(&error))
      spdlog::error("department: registry reload refused, the previous one stays: {}", error);
  });
}

tcp::endpoint DepartmentService::start() {
  tls_ = tls::server_context(settings_.tls_cert, settings_.tls_key, "department");
  std::string ca_error;
  auto pull_tls = client::make_client_tls(settings_.pull_ca, ca_error);
  if (!pull_tls) throw std::runtime_error("pull.ca: " + ca_error);
  pull_tls_ = std::make_unique<asio::ssl::context>(std::move(*pull_tls));
  const auto colon = settings_.listen.rfind(':');
  auto host = settings_.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto address = asio::ip::make_address(host);
  const auto port = static_cast<unsigned short>(std::stoul(settings_.listen.substr(colon + 1)));
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(io_, accept_loop(), asio::detached);
  asio::co_spawn(io_, rollup_loop(), asio::detached);
  asio::co_spawn(io_, pull_loop(), asio::detached);
  return acceptor_.local_endpoint();
}

void DepartmentService::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  rollup_timer_.cancel();
  pull_timer_.cancel();
}

asio::awaitable<void> DepartmentService::pull_loop() {
  constexpr std::size_t kAtOnce = 8;  // schools pulled at the same time
  for (bool first = true;; first = false) {
    pull_timer_.expires_after(first ? std::chrono::seconds(1) : settings_.pull_interval);
    auto [ec] = co_await pull_timer_.async_wait(kTuple);
    if (ec || !acceptor_.is_open()) co_return;
    // The closed weeks, oldest first: up to the one that ended last Sunday (UTC, so that no
    // time zone's week is asked for before it has ended).
    const auto today = static_cast<reporting::LocalDay>(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
            .time_since_epoch()
            .count());
    const auto last_sunday = today - reporting::iso_weekday(today);
    std::vector<std::string> weeks;
    for (int k = settings_.pull_weeks - 1; k >= 0; --k)
      weeks.push_back(reporting::iso_week_of(last_sunday - 7 * k));
    auto targets = co_await on_database(
        workers_, pool_, [&](DepartmentStore& store) { return store.pull_targets(weeks); });
    if (!targets.value) {
      ++counters_.database_errors;
      spdlog::error("department: cannot list the weeks to pull: {}", targets.error);
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(*targets.value, [&](const DepartmentStore::PullTarget& t) {
      const auto b = pull_backoff_.find(t.school_id);
      return b != pull_backoff_.end() && now < b->second.next;
    });
    // kAtOnce schools at a time, each its weeks in order; the round ends when all are done.
    std::size_t next = 0, running = 0;
    asio::steady_timer done(io_, asio::steady_timer::time_point::max());
    const auto worker = [&]() -> asio::awaitable<void> {
      while (next < targets.value->size()) co_await pull_school((*targets.value)[next++]);
    };
    for (std::size_t i = 0; i < std::min(kAtOnce, targets.value->size()); ++i) {
      ++running;
      asio::co_spawn(io_, worker(), [&](std::exception_ptr) {
        if (--running == 0) done.cancel();
      });
    }
    if (running > 0) co_await done.async_wait(kTuple);
    if (!acceptor_.is_open()) co_return;  // stopped during the round
  }
}

asio::awaitable<void> DepartmentService::pull_school(DepartmentStore::PullTarget t) {
  // The school's reporting.api token: one line of a small file the department keeps.
  std::string token;
  if (!t.token_file.empty()) {
    std::ifstream in(t.token_file, std::ios::binary);
    std::array<char, 512> line{};
    in.getline(line.data(), line.size());
    token = line.data();
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty() || token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                                                 "vwxyz0123456789-_.~+/=") != std::string::npos) {
      ++pull_failures_;
      auto& b = pull_backoff_[t.school_id];
      b.attempts = std::max(b.attempts, 1u);
      b.next = std::chrono::steady_clock::now() + settings_.pull_interval * 4;
      if (pull_log_.allow(reporting::LogThrottle::Clock::now()))
        spdlog::warn("department: school {}: no token can be read from {}", t.school_id,
                     rules::quote_token(t.token_file));
      co_return;
    }
  }
  for (const auto& week : t.weeks) {
    client::HttpsRequest request;
    // https://school:3129/api/v1/reports/weekly/ + week, or the week put in place of {week}.
    request.url = t.url;
    if (const auto at = request.url.find("{week}"); at != std::string::npos)
      request.url.replace(at, 6, week);
    else
      request.url += (request.url.ends_with('/') ? "" : "/") + week;
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    request.max_body = settings_.max_report_bytes;
    request.deadline = std::chrono::seconds(30);
    request.user_agent = "edugate-department";
    const auto got = co_await client::https_request(*pull_tls_, std::move(request));
    std::string why;
    if (got.error.empty() && got.status == 200) {
      const auto stored = co_await post_report(got.body, "pull", t.school_id + '\n' + week);
      if (stored.status == 200 || stored.status == 201) {
        ++pulled_;
        pull_backoff_.erase(t.school_id);
        spdlog::info("department: pulled the report of school {} for {}", t.school_id, week);
        continue;
      }
      why = fmt::format("the report was refused ({}): {}", stored.status, stored.body);
    } else {
      why = got.problem();
    }
    // Tried again after a jittered, doubling delay, from pull.interval up to six hours.
    ++pull_failures_;
    auto& b = pull_backoff_[t.school_id];
    ++b.attempts;
    const double base =
        std::min<double>(6 * 3600.0, static_cast<double>(settings_.pull_interval.count()) *
                                         std::pow(2.0, std::min(b.attempts - 1, 16u)));
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const auto delay = std::chrono::milliseconds(static_cast<long long>(
        base * 1000 * std::uniform_real_distribution<double>(0.5, 1.0)(rng)));
    b.next = std::chrono::steady_clock::now() + delay;
    if (pull_log_.allow(reporting::LogThrottle::Clock::now()))
      spdlog::warn(
          "department: pulling school {}'s report for {} failed ({} in a row): {}; next try in "
          "{} s (logged once per 10 s at most)",
          t.school_id, week, b.attempts, rules::quote_token(why),
          std::chrono::duration_cast<std::chrono::seconds>(delay).count());
    co_return;
  }
}

asio::awaitable<void> DepartmentService::rollup_loop() {
  for (;;) {
    rollup_timer_.expires_after(kRollupInterval);
    auto [ec] = co_await rollup_timer_.async_wait(kTuple);
    if (ec || !acceptor_.is_open()) co_return;
    if (!rollup_due_.exchange(false)) continue;
    const auto t0 = std::chrono::steady_clock::now();
    const auto got = co_await on_database(workers_, pool_, [](DepartmentStore& store) {
      return reporting::department::refresh_week_rollups(store.connection());
    });
    if (!got.value) {
      rollup_due_ = true;
      ++rollup_failures_;
      spdlog::error("department: cannot bring the dashboard's week rollups up to date: {}",
                    got.error);
    } else if (!*got.value) {
      rollup_due_ = true;  // another refresher holds the lock: what it missed is done next time
    } else if (**got.value) {
      spdlog::info("department: {} week rollups rebuilt in {} ms", **got.value,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - t0)
                       .count());
    }
  }
}

asio::awaitable<void> DepartmentService::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      asio::steady_timer pause(io_, kAcceptBackoff);
      co_await pause.async_wait(kTuple);
      continue;
    }
    boost::system::error_code pec;
    const auto peer = peer_key(socket.remote_endpoint(pec).address());
    if (pec || open_ >= settings_.max_connections || open_by_peer_[peer] >= kMaxPerPeer) {
      if (!pec && open_by_peer_[peer] == 0) open_by_peer_.erase(peer);
      continue;  // closed as `socket` goes out of scope: the school retries later
    }
    ++open_;
    ++open_by_peer_[peer];
    asio::co_spawn(io_, serve(std::move(socket)), [this, peer](std::exception_ptr) {
      --open_;
      if (--open_by_peer_[peer] == 0) open_by_peer_.erase(peer);
    });
  }
}

asio::awaitable<void> DepartmentService::serve(tcp::socket socket) {
  boost::system::error_code ec;
  const auto peer = peer_key(socket.remote_endpoint(ec).address());
  if (ec) co_return;
  beast::ssl_stream<beast::tcp_stream> tls(beast::tcp_stream(std::move(socket)), *tls_);
  beast::get_lowest_layer(tls).expires_after(kTimeout);
  auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (hec) co_return;
  co_await serve_http(tls, peer);
  beast::get_lowest_layer(tls).expires_after(std::chrono::seconds(5));
  co_await tls.async_shutdown(kTuple);
}

template <class Stream>
asio::awaitable<void> DepartmentService::serve_http(Stream& stream, const std::string& peer) {
  beast::flat_buffer buffer(64 * 1024);
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(settings_.max_report_bytes);
    beast::get_lowest_layer(stream).expires_after(kTimeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    // A Content-Length over the cap ends the head with body_limit: refused as soon as the head
    // says so, through the same answer as a chunked body that grows past it.
    const bool declared_too_large = hec == bhttp::error::body_limit;
    if (hec && !declared_too_large) co_return;
    const auto too_large = [this] {
      ++counters_.too_large;
      return Response{413,
                      "application/json",
                      json_error("the report is larger than max_report_size"),
                      {},
                      true};
    };
    const auto& head = parser.get();
    const std::string target(head.target());
    const auto q = target.find('?');
    Request request{target.substr(0, q), q == std::string::npos ? "" : target.substr(q + 1),
                    std::string(head[bhttp::field::authorization]),
                    std::string(head[bhttp::field::cookie])};
    const auto method = head.method();
    Response r;
    if (declared_too_large) {
      r = too_large();
    } else if (method == bhttp::verb::post && request.path == "/api/v1/reports") {
      if (!address_allows(peer)) {
        // Before the body is read or parsed: anyone can send bytes, and checking them costs.
        ++counters_.rate_limited;
        r = {429,
             "application/json",
             json_error("too many reports from this address; retry later"),
             {{"Retry-After", "60"}},
             true};
      } else if (const auto size = parser.content_length().value_or(settings_.max_report_bytes);
                 buffered_ + size > max_buffered()) {
        // Bodies held at once are bounded in total, not only each: 4,096 connections of 8 MiB
        // would be 32 GiB. The school retries later.
        ++counters_.busy;
        r = {503,
             "application/json",
             json_error("the service is busy; retry later"),
             {{"Retry-After", "30"}},
             true};
      } else {
        buffered_ += size;
        struct Release {
          std::uint64_t& total;
          std::uint64_t n;
          ~Release() { total -= n; }
        } release{buffered_, size};
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (bec == bhttp::error::body_limit) {
          r = too_large();
        } else if (bec) {
          co_return;
        } else {
          r = co_await post_report(std::move(parser.get().body()), peer);
        }
      }
    } else if (method == bhttp::verb::post &&
               (request.path == "/login" || request.path == "/logout")) {
      if (parser.chunked() || parser.content_length().value_or(0) > kMaxLoginBody) {
        r = {413, "text/plain; charset=utf-8", "a sign-in form is small\n", {}, true};
      } else {
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (bec) co_return;
        if (request.path == "/login")
          r = co_await login(std::move(parser.get().body()), peer);
        else
          r = logout(request);
      }
    } else if (method != bhttp::verb::get && method != bhttp::verb::head) {
      r = {405, "application/json", json_error("method not allowed"), {}, true};
    } else if ((parser.content_length() && *parser.content_length() > 0) || parser.chunked()) {
      r = {400, "application/json", json_error("a GET carries no body"), {}, true};
    } else if (request.path == "/api/v1/completeness") {
      r = co_await completeness(request);
    } else if (request.path == "/metrics") {
      r = metrics();
    } else if (request.path == "/healthz") {
      r = {200, "text/plain; charset=utf-8", "ok\n", {}, false};
    } else if (request.path == "/") {
      r = {303, "text/plain; charset=utf-8", "", {{"Location", "/dashboard"}}, false};
    } else if (request.path == "/login") {
      r = {200,
           "text/html; charset=utf-8",
           reporting::department::dashboard_login_page(""),
           {},
           false};
    } else if (request.path == "/dashboard" || request.path.starts_with("/dashboard/")) {
      r = co_await dashboard(request);
    } else {
      r = {404, "application/json", json_error("not found"), {}, false};
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), head.version()};
    res.set(bhttp::field::server, "edugate-department");
    res.set(bhttp::field::content_type, r.content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    if (r.content_type.starts_with("text/html")) {
      res.set("Content-Security-Policy", kPagePolicy);
      res.set("X-Frame-Options", "DENY");
      res.set("Referrer-Policy", "no-referrer");
    }
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.body() = std::move(r.body);
    res.keep_alive(parser.keep_alive() && !r.close);
    res.prepare_payload();
    if (method == bhttp::verb::head) res.body().clear();
    beast::get_lowest_layer(stream).expires_after(kTimeout);
    auto [wec, written] = co_await bhttp::async_write(stream, res, kTuple);
    // A refused body still on its way is read and dropped, so the client reads the answer.
    if (!wec && r.close && (method == bhttp::verb::post || declared_too_large))
      co_await drain(stream);
    if (wec || !res.keep_alive()) co_return;
  }
}

bool DepartmentService::address_allows(const std::string& peer) {
  const auto now = reporting::TokenBucket::Clock::now();
  // Bounded: past this many addresses the table starts afresh (whoever commands that many
  // addresses is not held back by a per-address limit anyway; max_connections still holds).
  constexpr std::size_t kMaxAddresses = 100'000;
  if (address_buckets_.size() >= kMaxAddresses) address_buckets_.clear();
  const double per_minute = settings_.address_reports_per_minute;
  auto it = address_buckets_.try_emplace(peer, per_minute / 60.0, per_minute, now).first;
  return it->second.try_take(now);
}

asio::awaitable<DepartmentService::Response> DepartmentService::post_report(
    std::string body, const std::string& /*peer*/, std::string expected) {
  auto keys = this->keys();
  // Parsing and the signature check off the network thread.
  auto check = co_await asio::co_spawn(
      workers_,
      [&]() -> asio::awaitable<reporting::department::IngestCheck> {
        co_return reporting::department::check_report(
            body, [&](const std::string& id) { return keys ? keys->key_for(id) : nullptr; });
      },
      asio::use_awaitable);
  if (!check.report) {
    switch (check.refusal) {
      case reporting::department::IngestRefusal::unknown_school:
        ++counters_.unknown_school;
        break;
      case reporting::department::IngestRefusal::bad_signature:
        ++counters_.bad_signature;
        break;
      default:
        ++counters_.malformed;
        break;
    }
    // Anyone can provoke a refusal: one line per 10 s at most, every echoed byte quoted, and
    // the counters in /metrics say how many there were.
    if (refusal_log_.allow(reporting::LogThrottle::Clock::now()))
      spdlog::warn(
          "department: refused a report{}: {} (refusals are logged once per 10 s; see "
          "edugate_department_reports_total)",
          check.school_id.empty() ? "" : " claiming school " + rules::quote_token(check.school_id),
          rules::quote_token(check.reason));
    co_return Response{
        check.http_status(), "application/json", json_error(check.reason), {}, false};
  }
  // A pull asked one school for one week: any other answer (a cache, a wrong URL, a school
  // passing on another's report) is not what was asked for, and is not stored.
  if (!expected.empty() && expected != check.report->school_id + '\n' + check.report->iso_week) {
    ++counters_.malformed;
    co_return Response{400,
                       "application/json",
                       json_error(fmt::format("the answer is school {}'s report for {}, not the "
                                              "week asked for",
                                              check.report->school_id, check.report->iso_week)),
                       {},
                       false};
  }
  // A week that has not begun anywhere: a school's clock set ahead, not a report to keep.
  if (check.report->iso_week > current_week()) {
    ++counters_.malformed;
    co_return Response{400,
                       "application/json",
                       json_error("the report is for a week that has not begun (check the "
                                  "appliance's clock)"),
                       {},
                       false};
  }
  // A delivery of a report already stored (the appliance's retry, or anyone replaying a copy)
  // is answered from the database and costs the school nothing: replays cannot use up its rate.
  const auto& verified = *check.report;
  const auto earlier = co_await on_database(
      workers_, pool_, [&](DepartmentStore& store) { return store.find_repeat(verified); });
  if (earlier.value && *earlier.value) {
    ++counters_.repeat;
    co_return Response{
        200, "application/json", acknowledgement(verified, **earlier.value, "repeat"), {}, false};
  }
  // A school's rate, counted only once its signature holds: nobody else can spend it.
  const auto now = reporting::TokenBucket::Clock::now();
  auto bucket =
      school_buckets_
          .try_emplace(check.report->school_id, settings_.school_reports_per_minute / 60.0,
                       settings_.school_burst, now)
          .first;
  if (!bucket->second.try_take(now)) {
    ++counters_.rate_limited;
    const auto wait = static_cast<long>(bucket->second.wait_seconds(now)) + 1;
    co_return Response{
        429,
        "application/json",
        json_error(fmt::format("school {} is sending faster than {} reports a "
                               "minute",
                               check.report->school_id, settings_.school_reports_per_minute)),
        {{"Retry-After", std::to_string(wait)}},
        false};
  }
  const auto& report = *check.report;
  const auto stored = co_await on_database(
      workers_, pool_, [&](DepartmentStore& store) { return store.store_report(report, body); });
  if (!stored.value) {
    ++counters_.database_errors;
    spdlog::error("department: cannot store the report of school {} for {}: {}", report.school_id,
                  report.iso_week, stored.error);
    co_return Response{503,
                       "application/json",
                       json_error("the database is unavailable"),
                       {{"Retry-After", "60"}},
                       false};
  }
  const auto kind = stored.value->stored;
  unsigned status = 201;
  const char* what = "created";
  if (kind == DepartmentStore::Stored::repeat) {
    ++counters_.repeat;
    status = 200;
    what = "repeat";
  } else if (kind == DepartmentStore::Stored::revision) {
    ++counters_.revision;
    what = "revision";
    spdlog::warn("department: school {} sent a different report for {} (revision {})",
                 report.school_id, report.iso_week, stored.value->revision);
  } else {
    ++counters_.created;
  }
  if (kind != DepartmentStore::Stored::repeat) rollup_due_ = true;
  co_return Response{
      status, "application/json", acknowledgement(report, stored.value->revision, what), {}, false};
}

asio::awaitable<DepartmentService::Response> DepartmentService::completeness(
    const Request& request) {
  const auto token = reporting::bearer_token(request.authorization);
  if (!token || !reporting::token_matches(*token, settings_.api_tokens))
    co_return Response{401,
                       "application/json",
                       json_error("a valid Authorization: Bearer token is required"),
                       {{"WWW-Authenticate", "Bearer"}},
                       false};
  std::string week;
  if (request.query.starts_with("week=")) week = request.query.substr(5);
  const auto days = reporting::parse_iso_week(week);
  if (!days)
    co_return Response{400,
                       "application/json",
                       json_error("give the week as ?week=YYYY-Www (e.g. 2026-W48)"),
                       {},
                       false};
  week = reporting::iso_week_of(days->from);  // 2026-w48 is 2026-W48
  const auto got = co_await on_database(workers_, pool_, [&](DepartmentStore& store) {
    return store.completeness(week, settings_.timezone, settings_.late_after);
  });
  if (!got.value) {
    ++counters_.database_errors;
    spdlog::error("department: completeness of {}: {}", week, got.error);
    co_return Response{503,
                       "application/json",
                       json_error("the database is unavailable"),
                       {{"Retry-After", "60"}},
                       false};
  }
  const auto& c = *got.value;
  const nlohmann::json answer{{"week", c.week},
                              {"expected", c.expected},
                              {"received", c.received},
                              {"missing", c.missing},
                              {"late", c.late}};
  co_return Response{200, "application/json", answer.dump() + "\n", {}, false};
}

asio::awaitable<DepartmentService::Response> DepartmentService::login(std::string body,
                                                                      const std::string& peer) {
  const auto now = reporting::TokenBucket::Clock::now();
  constexpr std::size_t kMaxAddresses = 10'000;
  if (login_buckets_.size() >= kMaxAddresses) login_buckets_.clear();
  auto bucket =
      login_buckets_.try_emplace(peer, kLoginsPerMinute / 60.0, kLoginsPerMinute, now).first;
  if (!bucket->second.try_take(now))
    co_return Response{429,
                       "text/html; charset=utf-8",
                       reporting::department::dashboard_login_page(
                           "Thử quá nhiều lần, hãy chờ một phút / Too many tries: wait a minute"),
                       {{"Retry-After", "60"}},
                       false};
  const auto token = form_value(body, "token");
  if (token.empty() || !reporting::token_matches(token, settings_.api_tokens)) {
    if (login_log_.allow(reporting::LogThrottle::Clock::now()))
      spdlog::warn(
          "department: a dashboard sign-in with a wrong token (logged once per 10 s at most)");
    co_return Response{
        401,
        "text/html; charset=utf-8",
        reporting::department::dashboard_login_page("Mã không đúng / That token is not valid"),
        {},
        false};
  }
  const auto id = sessions_.open(now);
  if (id.empty())
    co_return Response{500, "text/plain; charset=utf-8", "no randomness for a session\n", {}, true};
  co_return Response{
      303,
      "text/plain; charset=utf-8",
      "",
      {{"Location", "/dashboard"},
       {"Set-Cookie", fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=43200",
                                  DashboardSessions::kCookie, id)}},
      false};
}

DepartmentService::Response DepartmentService::logout(const Request& request) {
  sessions_.close(DashboardSessions::id_in(request.cookie));
  return {303,
          "text/plain; charset=utf-8",
          "",
          {{"Location", "/login"},
           {"Set-Cookie", fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
                                      DashboardSessions::kCookie)}},
          false};
}

asio::awaitable<DepartmentService::Response> DepartmentService::dashboard(const Request& request) {
  if (!sessions_.check(DashboardSessions::id_in(request.cookie), DashboardSessions::Clock::now()))
    co_return Response{303, "text/plain; charset=utf-8", "", {{"Location", "/login"}}, false};
  enum class Page { overview, completeness, bundles, reported } page;
  if (request.path == "/dashboard" || request.path == "/dashboard/")
    page = Page::overview;
  else if (request.path == "/dashboard/completeness")
    page = Page::completeness;
  else if (request.path == "/dashboard/bundles")
    page = Page::bundles;
  else if (request.path == "/dashboard/reported")
    page = Page::reported;
  else
    co_return Response{404, "text/plain; charset=utf-8", "no such page\n", {}, false};
  const auto week = week_parameter(request.query, "week");
  const auto from = week_parameter(request.query, "from");
  const auto to = week_parameter(request.query, "to");
  if (!week || !from || !to)
    co_return Response{
        400, "text/plain; charset=utf-8", "give weeks as YYYY-Www (e.g. 2026-W48)\n", {}, false};
  const auto now_week = current_week();
  const bool refresh = rollup_due_.exchange(false);
  const auto got = co_await on_database(workers_, pool_, [&](DepartmentStore& store) {
    namespace dept = reporting::department;
    auto& db = store.connection();
    // Rollups that are due are brought up to date first; if that cannot be done now, the page
    // shows the ones there are (the background loop keeps trying).
    if (refresh) {
      try {
        if (!dept::refresh_week_rollups(db)) rollup_due_ = true;
      } catch (const std::exception& e) {
        rollup_due_ = true;
        ++rollup_failures_;
        spdlog::error("department: cannot bring the dashboard's week rollups up to date: {}",
                      e.what());
      }
    }
    const auto newest = [&] {
      auto w = dept::newest_reported_week(db, now_week);
      return w.empty() ? now_week : w;
    };
    switch (page) {
      case Page::overview: {
        // A year up to the newest week reported, unless asked otherwise.
        auto last = to->empty() ? newest() : *to;
        auto first = from->empty()
                         ? reporting::iso_week_of(reporting::parse_iso_week(last)->from - 51 * 7)
                         : *from;
        if (first > last) std::swap(first, last);
        return dept::dashboard_overview_page(dept::dashboard_overview(db, first, last));
      }
      case Page::completeness: {
        const auto w = week->empty() ? newest() : *week;
        return dept::dashboard_completeness_page(
            store.completeness(w, settings_.timezone, settings_.late_after),
            dept::revised_reports(db, w));
      }
      case Page::reported:
        return dept::dashboard_reported_page(
            dept::reported_sites(db, week->empty() ? newest() : *week));
      case Page::bundles:
        break;
    }
    return dept::dashboard_bundles_page(dept::bundle_status(db, week->empty() ? newest() : *week));
  });
  if (!got.value) {
    ++counters_.database_errors;
    spdlog::error("department: dashboard {}: {}", request.path, got.error);
    co_return Response{503,
                       "text/plain; charset=utf-8",
                       "the database is unavailable; try again in a minute\n",
                       {{"Retry-After", "60"}},
                       false};
  }
  co_return Response{200, "text/html; charset=utf-8", std::move(*got.value), {}, false};
}

DepartmentService::Response DepartmentService::metrics() const {
  std::string out;
  const auto counter = [&](const char* result, const std::atomic<std::uint64_t>& v) {
    out += fmt::format("edugate_department_reports_total{{result=\"{}\"}} {}\n", result, v.load());
  };
  out +=
      "# HELP edugate_department_reports_total Report deliveries by outcome.\n"
      "# TYPE edugate_department_reports_total counter\n";
  counter("created", counters_.created);
  counter("repeat", counters_.repeat);
  counter("revision", counters_.revision);
  counter("malformed", counters_.malformed);
  counter("unknown_school", counters_.unknown_school);
  counter("bad_signature", counters_.bad_signature);
  counter("too_large", counters_.too_large);
  counter("rate_limited", counters_.rate_limited);
  counter("busy", counters_.busy);
  out += fmt::format(
      "# HELP edugate_department_database_errors_total Requests answered 503: the database "
      "failed.\n# TYPE edugate_department_database_errors_total counter\n"
      "edugate_department_database_errors_total {}\n"
      "# HELP edugate_department_registry_failures_total Registry reloads refused.\n"
      "# TYPE edugate_department_registry_failures_total counter\n"
      "edugate_department_registry_failures_total {}\n"
      "# HELP edugate_department_pulls_total Reports pulled from schools with a pull_url, by "
      "outcome.\n# TYPE edugate_department_pulls_total counter\n"
      "edugate_department_pulls_total{{result=\"delivered\"}} {}\n"
      "edugate_department_pulls_total{{result=\"failed\"}} {}\n"
      "# HELP edugate_department_rollup_failures_total Failed rebuilds of the dashboard's "
      "week rollups.\n# TYPE edugate_department_rollup_failures_total counter\n"
      "edugate_department_rollup_failures_total {}\n"
      "# HELP edugate_department_schools_registered Schools in the registry.\n"
      "# TYPE edugate_department_schools_registered gauge\n"
      "edugate_department_schools_registered {}\n",
      counters_.database_errors.load(), counters_.registry_failures.load(), pulled_.load(),
      pull_failures_.load(), rollup_failures_.load(), schools_registered_.load());
  return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(out), {}, false};
}

}  // namespace edugate::proxy::department
