// `edugate report …`: weekly/range reports from the local store, signature verification, merging
// signed school reports, and the school's key pair and API tokens. The library does the work;
// this file only parses arguments, reads and writes files, and prints what happened.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "proxy/cli/commands.hpp"
#include "proxy/cli/report_output.hpp"
#include "proxy/cli/reporting_settings.hpp"
#include "proxy/config.hpp"
#include "reporting/bearer_token.hpp"
#include "reporting/calendar.hpp"
#include "reporting/laplace_noise.hpp"
#include "reporting/merge.hpp"
#include "reporting/report_builder.hpp"
#include "reporting/report_csv.hpp"
#include "reporting/report_html.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/school_report.hpp"
#include "reporting/settings.hpp"
#include "reporting/signing.hpp"
#include "rules/update/durable_file.hpp"

namespace edugate::cli {

namespace {

namespace rep = edugate::reporting;
namespace fs = std::filesystem;

/// Prints `message` to stderr and ends the command with exit code 1.
[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "edugate report: {}\n", message);
  throw CLI::RuntimeError(1);
}

std::string read_text(const std::string& path) {
  std::error_code ec;
  if (fs::file_size(path, ec) > rep::kMaxReportBytes && !ec) fail(path + ": file too large");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes through a temporary file and a rename, so a reader never sees half a report.
void write_text(const std::string& path, const std::string& text, bool private_file = false) {
  if (path.empty() || path == "-") {
    fmt::print("{}", text);
    return;
  }
  std::string error;
  // Private files (keys) are 0600 from the first byte.
  if (!rules::update::write_durably(path, text, private_file ? 0600 : 0644, error))
    fail("cannot write " + error);
}

std::string format_of(const std::string& requested, const std::string& out_path) {
  if (!requested.empty()) return requested;
  const auto ext = fs::path(out_path).extension().string();
  if (ext == ".csv" || ext == ".html") return ext.substr(1);
  return "json";
}

rep::DayRange period_of(const std::string& week, const std::string& from, const std::string& to) {
  if (!week.empty()) {
    if (!from.empty() || !to.empty()) fail("give either --week or --from/--to, not both");
    const auto range = rep::parse_iso_week(week);
    if (!range) fail(fmt::format("'{}' is not an ISO week such as 2026-W47", week));
    return *range;
  }
  const auto f = rep::parse_date(from), t = rep::parse_date(to);
  if (!f || !t) fail("give --week 2026-W47, or --from and --to as YYYY-MM-DD");
  if (*t < *f) fail("--to is before --from");
  if (*t - *f > 3660) fail("the period is longer than ten years");
  return {*f, *t};
}

/// Renders a report; JSON is signed when a key is given.
std::string render(const rep::Report& report, const std::string& format, EVP_PKEY* key) {
  if (format == "csv") return rep::render_csv(report);
  if (format == "html") return rep::render_html(report);
  auto json = rep::report_to_json(report);
  if (key) {
    std::string error;
    if (!rep::sign_report(json, key, &error)) fail(error);
  }
  return json.dump(2) + "\n";
}

struct WeeklyArgs {
  std::string config = default_config_path();
  std::string week, from, to, format, out;
};

void run_weekly(const WeeklyArgs& a) {
  const auto settings = load_reporting_settings(a.config, "report");
  if (settings.school_id.empty()) fail(a.config + ": set reporting.school_id to build reports");
  const auto period = period_of(a.week, a.from, a.to);
  const auto format = format_of(a.format, a.out);
  std::string error;
  const auto report =
      rep::render_school_report(settings, period, format, "edugate " EDUGATE_VERSION, &error);
  if (!report) fail(error);
  write_text(a.out, report->body);
  fmt::print(
      stderr, "{} → {}: {} cells ({} suppressed for k={}, {} complementary){}{}\n",
      rep::format_date(period.from), rep::format_date(period.to), report->cells,
      report->suppression.primary, settings.k, report->suppression.complementary,
      settings.epsilon ? fmt::format(", Laplace noise ε={:g}/week", *settings.epsilon) : "",
      format == "json" && !report->signed_json ? " — UNSIGNED: set reporting.signing_key" : "");
}

void run_verify(const std::string& file, const std::string& pubkey) {
  std::string error;
  auto key = rep::load_public_key(pubkey, &error);
  if (!key) fail(error);
  const auto json = rep::parse_json_text(read_text(file), &error);
  if (!json) fail(fmt::format("{}: {}", file, error));
  const auto verdict = rep::verify_report(*json, key.get());
  if (!verdict.ok()) fail(fmt::format("{}: BAD: {}", file, verdict.message));
  fmt::print("{}: OK: {}\n", file, verdict.message);
}

struct MergeArgs {
  std::vector<std::string> files;
  std::string out, format, pubkeys_dir, keys_file;
  bool skip_invalid = false;
  int top_domains = 50;
};

void run_merge(const MergeArgs& a) {
  std::string error;
  std::optional<rep::KeyDirectory> keys;
  if (!a.pubkeys_dir.empty() == !a.keys_file.empty())
    fail("give exactly one of --pubkeys DIR or --keys FILE: every report must be verified");
  keys = a.pubkeys_dir.empty() ? rep::KeyDirectory::from_list(a.keys_file, &error)
                               : rep::KeyDirectory::from_dir(a.pubkeys_dir, &error);
  if (!keys) fail(error);
  std::vector<rep::MergeInput> inputs;
  for (const auto& f : a.files) {
    auto json = rep::parse_json_text(read_text(f), &error);
    if (!json) fail(fmt::format("{}: {}", f, error));
    inputs.push_back({f, std::move(*json)});
  }
  const auto outcome = rep::merge_reports(
      inputs, *keys, {a.skip_invalid, a.top_domains, "edugate " EDUGATE_VERSION});
  for (const auto& r : outcome.refused) fmt::print(stderr, "refused: {}\n", r);
  if (!outcome.report)
    fail(outcome.refused.empty() ? "nothing to merge"
                                 : "merge refused (use --skip-invalid to leave those reports out)");
  write_text(a.out, render(*outcome.report, format_of(a.format, a.out), nullptr));
  fmt::print(stderr, "merged {} school report(s) into {}\n", outcome.report->schools.size(),
             a.out.empty() ? "stdout" : a.out);
}

void run_keygen(const std::string& dir, const std::string& name) {
  if (!rep::valid_school_id(name)) fail("--name must be 1-64 letters, digits, '.', '_' or '-'");
  const auto priv = fs::path(dir) / (name + ".key"), pub = fs::path(dir) / (name + ".pub");
  if (fs::exists(priv) || fs::exists(pub))
    fail(
        fmt::format("{} or {} already exists; not overwriting a key", priv.string(), pub.string()));
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string error;
  auto key = rep::generate_ed25519(&error);
  const auto priv_pem = key ? rep::private_key_pem(key.get(), &error) : std::nullopt;
  const auto pub_pem = key ? rep::public_key_pem(key.get(), &error) : std::nullopt;
  if (!priv_pem || !pub_pem) fail(error);
  write_text(priv.string(), *priv_pem, true);
  write_text(pub.string(), *pub_pem);
  fmt::print("private key: {} (keep it on this box; set reporting.signing_key)\n", priv.string());
  fmt::print("public key:  {} (give it to the Department of Education)\n", pub.string());
  fmt::print("key id {}  base64 {}\n", rep::key_fingerprint(key.get()),
             rep::public_key_base64(key.get()));
}

void run_token() {
  const auto token = rep::new_token();
  if (token.empty()) fail("the random number generator failed");
  fmt::print("token (give to the department, shown once): {}\n", token);
  fmt::print("config (reporting.api.tokens):              {}\n", rep::hash_token(token));
}

void add_weekly(CLI::App& report) {
  auto* cmd = report.add_subcommand("weekly", "Build a report for an ISO week or a date range");
  auto a = std::make_shared<WeeklyArgs>();
  cmd->add_option("--week", a->week, "ISO week, e.g. 2026-W47");
  cmd->add_option("--from", a->from, "First day, YYYY-MM-DD");
  cmd->add_option("--to", a->to, "Last day, YYYY-MM-DD");
  cmd->add_option("--format", a->format, "csv, json or html (default: from -o, else json)")
      ->check(CLI::IsMember({"csv", "json", "html"}));
  cmd->add_option("-o,--output", a->out, "Output file (default: stdout)");
  cmd->add_option("--config", a->config, "Appliance config")->capture_default_str();
  cmd->callback([a] { run_weekly(*a); });
}

void add_merge(CLI::App& report) {
  auto* cmd = report.add_subcommand("merge", "Verify and sum signed school reports");
  auto a = std::make_shared<MergeArgs>();
  cmd->add_option("reports", a->files, "School report JSON files")->required();
  cmd->add_option("-o,--output", a->out, "province.json, .csv or .html")->required();
  cmd->add_option("--format", a->format, "csv, json or html (default: from -o)")
      ->check(CLI::IsMember({"csv", "json", "html"}));
  cmd->add_option("--pubkeys", a->pubkeys_dir, "Directory of <school_id>.pub files");
  cmd->add_option("--keys", a->keys_file, "File of '<school_id> <base64 key>' lines");
  cmd->add_flag("--skip-invalid", a->skip_invalid, "Leave refused reports out instead of failing");
  cmd->add_option("--top-domains", a->top_domains, "Rows in the merged top-domains list")
      ->check(CLI::Range(0, 10000));
  cmd->callback([a] { run_merge(*a); });
}

}  // namespace

std::string report_format_of(const std::string& requested, const std::string& out_path) {
  return format_of(requested, out_path);
}
reporting::DayRange report_period_of(const std::string& week, const std::string& from,
                                     const std::string& to) {
  return period_of(week, from, to);
}
std::string render_report(const reporting::Report& report, const std::string& format,
                          EVP_PKEY* key) {
  return render(report, format, key);
}
void write_report_text(const std::string& path, const std::string& text) { write_text(path, text); }

void add_report_commands(CLI::App& app) {
  auto* report = app.add_subcommand("report", "Aggregate reports: build, verify, merge, keys");
  report->require_subcommand(1);
  add_weekly(*report);
  add_merge(*report);

  auto* verify = report->add_subcommand("verify", "Check a JSON report's Ed25519 signature");
  auto file = std::make_shared<std::string>(), pubkey = std::make_shared<std::string>();
  verify->add_option("file", *file, "Report JSON")->required();
  verify->add_option("--pubkey", *pubkey, "School public key: PEM file or base64")->required();
  verify->callback([file, pubkey] { run_verify(*file, *pubkey); });

  auto* keygen = report->add_subcommand("keygen", "Make the school's Ed25519 signing key pair");
  auto dir = std::make_shared<std::string>(), name = std::make_shared<std::string>("school");
  keygen->add_option("--out", *dir, "Directory for <name>.key and <name>.pub")->required();
  keygen->add_option("--name", *name, "File name (use the school id)")->capture_default_str();
  keygen->callback([dir, name] { run_keygen(*dir, *name); });

  auto* token = report->add_subcommand("token", "Make a bearer token for the department pull API");
  token->callback([] { run_token(); });
}

}  // namespace edugate::cli
