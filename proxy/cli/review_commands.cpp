// `edugate review …`: the school admin's review list of the sites pupils reported through the
// portal, and the decisions on them (block, allow, dismiss), which go to the review file that
// edugate manages (rules.review) and are checked with the normal loader before a running edugate
// is asked to reload.
#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "proxy/cli/commands.hpp"
#include "proxy/cli/reporting_settings.hpp"
#include "proxy/config.hpp"
#include "proxy/reload/rules_source.hpp"
#include "reporting/calendar.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/registrable_domain.hpp"
#include "reporting/review_list.hpp"
#include "reporting/store.hpp"
#include "rules/explain.hpp"
#include "rules/lists/list_reader.hpp"
#include "rules/local_time.hpp"
#include "rules/review.hpp"
#include "rules/update/durable_file.hpp"

namespace edugate::cli {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace rep = edugate::reporting;
namespace fs = std::filesystem;
using Kind = rules::ReviewDecision::Kind;

[[noreturn]] void fail_review(const std::string& message) {
  fmt::print(stderr, "edugate review: {}\n", message);
  throw CLI::RuntimeError(1);
}

struct Args {
  std::string config = default_config_path();
  std::string domain, category, group, week;
  bool all = false;
  bool no_reload = false;
};

/// The appliance config and its rules as the running edugate loads them (the accepted
/// department bundle when rules.update is on), with the review file's path.
struct Context {
  proxy::Config config;
  std::string review;
  std::shared_ptr<const rules::RuleSet> loaded;
};

void print_diagnostics(const rules::Diagnostics& diags) {
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
}

Context load_context(const std::string& config_path) {
  rules::Diagnostics diags;
  auto config = proxy::load_config(config_path, diags);
  print_diagnostics(diags);
  if (!config) fail_review(config_path + ": the configuration has errors");
  if (!config->has_rules) fail_review(config_path + ": no rules: section");
  auto loaded = proxy::server::load_configured_rules(*config);
  if (!loaded.rules) {
    print_diagnostics(loaded.diagnostics);
    fail_review("the rules on disk do not load; fix them first (see above)");
  }
  if (loaded.review_file.empty())
    fail_review(config_path +
                ": set rules.school (the review file lives beside it) or rules.review");
  return {std::move(*config), std::move(loaded.review_file), std::move(loaded.rules)};
}

rep::LocalDay today(const rules::RuleSet& rules) {
  return rep::HourBucket::from(rules::to_local_time(rules, std::chrono::system_clock::now())).day;
}

// ---- review list -------------------------------------------------------------------------------

std::string decision_text(const rep::ReviewItem& item) {
  if (!item.decision) return "new";
  const auto& d = *item.decision;
  switch (d.kind) {
    case Kind::block:
      return fmt::format("blocked in {}", d.category);
    case Kind::allow:
      return d.group.empty() ? "allowed" : fmt::format("allowed for {}", d.group);
    case Kind::dismiss:
      return "dismissed";
  }
  return "?";
}

void run_list(const Args& a) {
  const auto ctx = load_context(a.config);
  const auto settings = load_reporting_settings(a.config, "review");
  rep::DayRange period;
  std::string label;
  if (!a.week.empty()) {
    const auto range = rep::parse_iso_week(a.week);
    if (!range) fail_review(fmt::format("'{}' is not an ISO week such as 2026-W49", a.week));
    period = *range;
    label = a.week;
  } else {
    label = rep::iso_week_of(today(*ctx.loaded));
    period = *rep::parse_iso_week(label);
  }
  rules::Diagnostics diags;
  const auto file = rules::read_review_file(ctx.review, diags);
  if (!file) {
    print_diagnostics(diags);
    fail_review("the review file has errors (see above)");
  }
  rep::StoreExtract data;
  std::error_code ec;
  if (fs::exists(settings.store, ec)) {
    rep::StoreError error;
    auto store = rep::Store::open({settings.store, 0, true}, &error);
    if (!store) fail_review(error.message);
    if (const auto e = store->read(period.from, period.to, data)) fail_review(e->message);
  }
  const auto items = rep::review_list(data, period, ctx.loaded.get(), *file, a.all);
  fmt::print("Review list, week {} ({} → {}): {} reported domain(s)\n", label,
             rep::format_date(period.from), rep::format_date(period.to), items.size());
  if (items.empty()) return;
  fmt::print("{:<32} {:<16} {:>7} {:>4}  {:<28} {}\n", "DOMAIN", "KIND", "DEVICES", "DAYS",
             "IN CATEGORY NOW", "DECISION");
  for (const auto& item : items) {
    const std::string category =
        item.category_now.empty()
            ? "-"
            : item.category_now + (item.mandatory ? " (mandatory)" : std::string());
    fmt::print("{:<32} {:<16} {:>7} {:>4}  {:<28} {}\n", item.report.domain, item.report.kind,
               item.report.devices, item.report.days, category, decision_text(item));
  }
  fmt::print(
      "Devices: the most distinct devices on one day; who reported is never known.\n"
      "Decide: edugate review block DOMAIN --category C | allow DOMAIN [--group G] | dismiss "
      "DOMAIN\n");
}

// ---- reload ------------------------------------------------------------------------------------

/// One request to the admin listener on plain HTTP; nullopt when nobody answers in time.
std::optional<bhttp::response<bhttp::string_body>> admin_call(const proxy::AdminConfig& admin,
                                                              bhttp::verb verb,
                                                              const std::string& target) {
  boost::system::error_code address_error;
  const auto address = asio::ip::make_address(admin.address, address_error);
  if (address_error) return std::nullopt;
  // An admin listener on "any address" is reached on loopback.
  const auto to =
      address.is_unspecified()
          ? asio::ip::tcp::endpoint(address.is_v4() ? asio::ip::make_address("127.0.0.1")
                                                    : asio::ip::make_address("::1"),
                                    admin.port)
          : asio::ip::tcp::endpoint(address, admin.port);
  asio::io_context io;
  std::optional<bhttp::response<bhttp::string_body>> out;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        beast::tcp_stream stream(co_await asio::this_coro::executor);
        stream.expires_after(std::chrono::seconds(5));
        co_await stream.async_connect(to, asio::use_awaitable);
        bhttp::request<bhttp::empty_body> req{verb, target, 11};
        req.set(bhttp::field::host, admin.address);
        req.set(bhttp::field::user_agent, "edugate-review");
        if (verb == bhttp::verb::post) req.set("X-Edugate-Action", target.substr(1));
        req.prepare_payload();
        co_await bhttp::async_write(stream, req, asio::use_awaitable);
        beast::flat_buffer buffer;
        bhttp::response<bhttp::string_body> res;
        co_await bhttp::async_read(stream, buffer, res, asio::use_awaitable);
        out = std::move(res);
      },
      [](std::exception_ptr) {});
  io.run();
  return out;
}

/// A counter of the running edugate's /metrics, or nullopt.
std::optional<long long> admin_metric(const proxy::AdminConfig& admin, std::string_view name) {
  const auto res = admin_call(admin, bhttp::verb::get, "/metrics");
  if (!res || res->result_int() != 200) return std::nullopt;
  const std::string& body = res->body();
  const std::string key = std::string(name) + " ";
  for (std::size_t at = 0; at < body.size();) {
    const auto end = body.find('\n', at);
    const std::string_view line(body.data() + at,
                                (end == std::string::npos ? body.size() : end) - at);
    if (line.starts_with(key)) return std::atoll(std::string(line.substr(key.size())).c_str());
    at = end == std::string::npos ? body.size() : end + 1;
  }
  return std::nullopt;
}

/// Asks the running edugate to reload and waits (up to 15 s) for the reload to finish.
void reload_running(const proxy::Config& config) {
  const auto& admin = config.admin;
  const char* hint =
      "the running edugate loads it at its next reload (`systemctl reload edugate`) or start";
  if (!admin.enabled || !admin.tls_cert.empty()) {
    fmt::print("{}\n", hint);
    return;
  }
  const auto before = admin_metric(admin, "edugate_rules_reloads_total");
  const auto failed_before = admin_metric(admin, "edugate_rules_reload_failures_total");
  const auto res = before ? admin_call(admin, bhttp::verb::post, "/reload") : std::nullopt;
  if (!res || res->result_int() != 202) {
    fmt::print("edugate does not answer on its admin listener: {}\n", hint);
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = admin_metric(admin, "edugate_rules_reloads_total");
    const auto failed = admin_metric(admin, "edugate_rules_reload_failures_total");
    if (now && *now > *before) {
      fmt::print("edugate reloaded: the decision is in force\n");
      return;
    }
    if (failed && failed_before && *failed > *failed_before)
      fail_review("edugate refused the reload (its log says why); the old rules keep serving");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  fmt::print("the reload was requested but has not finished yet; see the edugate log\n");
}

// ---- decisions ---------------------------------------------------------------------------------

std::string normalised_domain(const std::string& typed) {
  auto r = rules::read_list(rules::ListFormat::domains, typed);
  if (!r.problems.empty() || r.entries.size() != 1)
    fail_review(fmt::format("{} is not a domain", rules::quote_token(typed)));
  return std::move(r.entries.front().value);
}

void decide(const Args& a, Kind kind) {
  const auto ctx = load_context(a.config);
  const auto& rules = *ctx.loaded;
  rules::ReviewDecision decision;
  decision.kind = kind;
  decision.domain = normalised_domain(a.domain);
  decision.on = rep::format_date(today(rules));
  // A rule for a public suffix (github.io, vercel.app, com.vn) covers every site anyone
  // registers under it: allowing one would open every unblocker hosted there.
  if (kind != Kind::dismiss && rep::is_public_suffix(decision.domain))
    fail_review(fmt::format(
        "{} is a public suffix (anyone can make a site under it): decide on the site itself, "
        "e.g. name.{}",
        decision.domain, decision.domain));
  if (kind == Kind::block) {
    const auto c = rules.find_category(a.category);
    if (!c || rules.category(*c).builtin) {
      std::string known;
      for (rules::CategoryId i = 0; i < rules.category_count(); ++i)
        if (!rules.category(i).builtin) known += (known.empty() ? "" : ", ") + rules.category(i).id;
      fail_review(
          fmt::format("unknown category {} (known: {})", rules::quote_token(a.category), known));
    }
    decision.category = a.category;
  }
  if (kind == Kind::allow) {
    if (!a.group.empty() && !rules.find_group(a.group))
      fail_review(fmt::format("unknown group {}", rules::quote_token(a.group)));
    decision.group = a.group;
    const auto [categories, mandatory] = rep::categories_now(rules, decision.domain);
    if (mandatory)
      fail_review(fmt::format(
          "{} is in a mandatory category ({}; set by the Department of Education): a school "
          "cannot allow it",
          decision.domain, categories));
  }
  const std::string& path = ctx.review;
  rules::Diagnostics diags;
  auto file = rules::read_review_file(path, diags);
  if (!file) {
    print_diagnostics(diags);
    fail_review("the review file has errors (see above); not changed");
  }
  if (const auto* before = file->find(decision.domain);
      before && kind == Kind::dismiss && before->kind != Kind::dismiss)
    fail_review(fmt::format(
        "{} is already decided ({}): it is off the list until it is reported again; a dismissal "
        "would undo the decision",
        decision.domain, to_string(before->kind)));
  file->put(decision);
  // Try the new file with the normal loader before it replaces the old one.
  const std::string candidate = path + ".new";
  std::string error;
  if (!rules::update::write_durably(candidate, rules::format_review_file(*file), 0644, error))
    fail_review("cannot write " + error);
  const auto loaded = proxy::server::load_configured_rules(ctx.config, {}, candidate);
  if (!loaded.rules) {
    print_diagnostics(loaded.diagnostics);
    std::error_code ec;
    fs::remove(candidate, ec);
    fail_review("the rules would not load with this decision; nothing changed");
  }
  std::error_code ec;
  fs::rename(candidate, path, ec);
  if (ec) fail_review(fmt::format("cannot replace {}: {}", path, ec.message()));
  switch (kind) {
    case Kind::block:
      fmt::print("{}: {} joins category {}\n", path, decision.domain, decision.category);
      break;
    case Kind::allow:
      fmt::print("{}: {} is allowed{}\n", path, decision.domain,
                 decision.group.empty() ? " for every group" : " for group " + decision.group);
      break;
    case Kind::dismiss:
      fmt::print("{}: {} is off the review list until it is reported again\n", path,
                 decision.domain);
      break;
  }
  if (kind == Kind::dismiss || a.no_reload) return;  // a dismissal changes no rule
  reload_running(ctx.config);
}

void add_config_option(CLI::App* cmd, Args& a) {
  cmd->add_option("--config", a.config, "Appliance config")->capture_default_str();
}

}  // namespace

void add_review_commands(CLI::App& app) {
  auto* review =
      app.add_subcommand("review", "The sites pupils reported, and the school's decisions");
  review->require_subcommand(1);
  auto a = std::make_shared<Args>();

  auto* list =
      review->add_subcommand("list", "This week's reported domains, with devices and decisions");
  add_config_option(list, *a);
  list->add_option("--week", a->week, "ISO week, e.g. 2026-W49 (default: this week)");
  list->add_flag("--all", a->all, "Also list domains already decided and not reported since");
  list->callback([a] { run_list(*a); });

  auto* block = review->add_subcommand("block", "Add DOMAIN to a category (school layer)");
  block->add_option("domain", a->domain, "The domain")->required();
  block->add_option("--category", a->category, "The category it joins")->required();
  add_config_option(block, *a);
  block->add_flag("--no-reload", a->no_reload, "Write the file, do not ask edugate to reload");
  block->callback([a] { decide(*a, Kind::block); });

  auto* allow = review->add_subcommand("allow", "Allow DOMAIN (a school exception)");
  allow->add_option("domain", a->domain, "The domain")->required();
  allow->add_option("--group", a->group, "Only for this group (default: every group)");
  add_config_option(allow, *a);
  allow->add_flag("--no-reload", a->no_reload, "Write the file, do not ask edugate to reload");
  allow->callback([a] { decide(*a, Kind::allow); });

  auto* dismiss = review->add_subcommand("dismiss", "Take DOMAIN off the review list");
  dismiss->add_option("domain", a->domain, "The domain")->required();
  add_config_option(dismiss, *a);
  dismiss->callback([a] { decide(*a, Kind::dismiss); });
}

}  // namespace edugate::cli
