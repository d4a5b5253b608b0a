// `edugate department serve --config department.yaml` and `edugate department schools import
// FILE --config department.yaml`: the Department of Education's side, which collects every
// school's signed weekly report into PostgreSQL (see README, "For the department").

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <ctime>
#include <filesystem>

#include "proxy/cli/commands.hpp"
#include "proxy/cli/report_output.hpp"
#include "proxy/department/department_service.hpp"
#include "reporting/department/demo_reports.hpp"
#include "reporting/department/department_settings.hpp"
#include "reporting/department/department_store.hpp"
#include "reporting/department/province_report.hpp"
#include "reporting/department/province_tables.hpp"
#include "reporting/department/registry.hpp"
#include "reporting/key_directory.hpp"
#include "reporting/merge.hpp"
#include "reporting/report_json.hpp"
#include "reporting/signing.hpp"

namespace edugate::cli {

namespace {

namespace dept = reporting::department;

std::string default_department_config() { return "/etc/edugate/department.yaml"; }

dept::DepartmentSettings load_or_fail(const std::string& path) {
  rules::Diagnostics diags;
  auto settings = dept::load_department_settings(path, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!settings) fail(fmt::format("{} has {} problem(s)", path, rules::error_count(diags)));
  return *settings;
}

void serve(const std::string& config) {
  auto settings = load_or_fail(config);
  auto logger = spdlog::stderr_logger_mt("edugate-department");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  spdlog::set_default_logger(logger);
  boost::asio::io_context io(1);
  proxy::department::DepartmentService service(io, settings);
  try {
    service.prepare();
  } catch (const std::exception& e) {
    fail(fmt::format("not starting: {}", e.what()));
  }
  boost::asio::ip::tcp::endpoint bound;
  try {
    bound = service.start();
  } catch (const std::exception& e) {
    fail(fmt::format("not starting: {}", e.what()));
  }
  spdlog::info("department: serving https://{}:{}/api/v1/reports", bound.address().to_string(),
               bound.port());
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
          service.reload_registry_in_background();
          signals.async_wait(on_signal);
          return;
        }
        sd_notify(0, "STOPPING=1");
        service.stop();
        io.stop();
      };
  signals.async_wait(on_signal);
  sd_notify(0, "READY=1\nSTATUS=serving");
  io.run();
}

void import_schools(const std::string& file, const std::string& config, bool allow_shrink) {
  const auto settings = load_or_fail(config);
  rules::Diagnostics diags;
  const auto schools = dept::read_registry(file, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!schools) fail(fmt::format("{}: nothing imported", file));
  try {
    dept::DepartmentStore store(settings.database);
    store.migrate();
    const auto s = store.import_registry(*schools, allow_shrink);
    fmt::print("{}: {} schools: {} added, {} updated, {} unchanged, {} retired\n", file,
               schools->size(), s.added, s.updated, s.unchanged, s.retired);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

struct ReportArgs {
  std::string config = default_department_config();
  std::string week, from, to, school_year, by, format, out;
};

/// `--school-year 2025-2026`: 1 September 2025 to 31 August 2026 (the statistics due by 30/11
/// cover the school year that ended before).
reporting::DayRange school_year_of(const std::string& text) {
  const auto dash = text.find('-');
  int first = 0, second = 0;
  try {
    if (dash == 4 && text.size() == 9)
      first = std::stoi(text.substr(0, 4)), second = std::stoi(text.substr(5));
  } catch (const std::exception&) {
  }
  if (second != first + 1 || first < 2000)
    fail(fmt::format("--school-year must be like 2025-2026, not '{}'", text));
  return {*reporting::parse_date(fmt::format("{}-09-01", first)),
          *reporting::parse_date(fmt::format("{}-08-31", second))};
}

void province_report(const ReportArgs& a) {
  const auto settings = load_or_fail(a.config);
  reporting::DayRange period;
  if (!a.school_year.empty()) {
    if (!a.week.empty() || !a.from.empty() || !a.to.empty())
      fail("give one of --week, --from/--to or --school-year");
    period = school_year_of(a.school_year);
  } else {
    period = report_period_of(a.week, a.from, a.to);
  }
  std::optional<dept::Breakdown> by;
  if (!a.by.empty() && !(by = dept::parse_breakdown(a.by)))
    fail("--by must be district, level or school");
  const auto format = report_format_of(a.format, a.out);
  dept::ProvinceReport province;
  try {
    dept::DepartmentStore store(settings.database);
    store.migrate();
    province = dept::build_province_report(store, period, by, "edugate " EDUGATE_VERSION);
  } catch (const std::exception& e) {
    fail(e.what());
  }
  for (const auto& r : province.refused) fmt::print(stderr, "left out: {}\n", r);
  if (province.reports == 0)
    fail(fmt::format("no report in the database for {} → {}", reporting::format_date(period.from),
                     reporting::format_date(period.to)));
  if (!province.report) fail("nothing could be added up");
  if (province.table)
    write_report_text(a.out, dept::render_breakdown(*province.table, format));
  else
    write_report_text(a.out, render_report(*province.report, format, nullptr));
  fmt::print(stderr, "{} → {}: {} report(s) of {} school(s) into {}\n",
             reporting::format_date(period.from), reporting::format_date(period.to),
             province.accepted, province.report->schools.size(), a.out.empty() ? "stdout" : a.out);
}

struct DemoArgs {
  int schools = 40, weeks = 8;
  std::string last_week, out;
};

/// `edugate department demo`: a made-up province (registry, keys, signed weekly reports) for
/// scripts/run-department and the load benchmark. Nothing in it is real data.
void demo(const DemoArgs& a) {
  if (a.schools < 1 || a.schools > 100'000) fail("--schools must be 1-100000");
  if (a.weeks < 1 || a.weeks > 104) fail("--weeks must be 1-104");
  reporting::LocalDay last = static_cast<reporting::LocalDay>(std::time(nullptr) / 86400) - 7;
  if (!a.last_week.empty()) {
    const auto w = reporting::parse_iso_week(a.last_week);
    if (!w) fail(fmt::format("'{}' is not an ISO week such as 2026-W48", a.last_week));
    last = w->from;
  }
  namespace fs = std::filesystem;
  const fs::path out(a.out);
  std::error_code ec;
  fs::create_directories(out / "keys", ec);
  fs::create_directories(out / "reports", ec);
  if (ec) fail(fmt::format("cannot create {}: {}", a.out, ec.message()));
  const auto schools = dept::demo_schools({a.schools, a.weeks, last, 1});
  std::string csv = "school_id,name,district,levels,public_key\n";
  for (const auto& s : schools) {
    write_report_text((out / "keys" / (s.id + ".pub")).string(), s.public_key_pem);
    csv += fmt::format("{},\"{}\",\"{}\",{},keys/{}.pub\n", s.id, s.name, s.district,
                       s.levels.front(), s.id);
  }
  write_report_text((out / "schools.csv").string(), csv);
  std::size_t written = 0;
  for (int w = a.weeks - 1; w >= 0; --w) {
    const auto day = last - 7 * w;
    const auto dir = out / "reports" / reporting::iso_week_of(day);
    fs::create_directories(dir, ec);
    for (const auto& s : schools) {
      write_report_text((dir / (s.id + ".json")).string(), dept::demo_report(s, day, 1));
      ++written;
    }
  }
  fmt::print(stderr, "{}: {} schools, {} signed weekly reports (made up, for demonstrations)\n",
             a.out, schools.size(), written);
}

}  // namespace

void add_department_commands(CLI::App& app) {
  auto* department = app.add_subcommand("department", "The department's report service");
  department->require_subcommand(1);

  auto* serve_cmd =
      department->add_subcommand("serve", "Collect the schools' weekly reports (HTTPS)");
  auto serve_config = std::make_shared<std::string>(default_department_config());
  serve_cmd->add_option("--config", *serve_config, "department.yaml");
  serve_cmd->callback([serve_config] { serve(*serve_config); });

  auto* report = department->add_subcommand(
      "report", "Province tables from the database: sums of what schools published");
  auto r = std::make_shared<ReportArgs>();
  report->add_option("--config", r->config, "department.yaml");
  report->add_option("--week", r->week, "ISO week, e.g. 2026-W48");
  report->add_option("--from", r->from, "first day, YYYY-MM-DD");
  report->add_option("--to", r->to, "last day, YYYY-MM-DD");
  report->add_option("--school-year", r->school_year,
                     "e.g. 2025-2026: 1 September to 31 August (the statistics due by 30/11)");
  report->add_option("--by", r->by, "district, level or school: a breakdown table");
  report->add_option("--format", r->format, "json, csv or html (default: -o's extension)");
  report->add_option("-o,--output", r->out, "FILE.json, .csv or .html")->required();
  report->callback([r] { province_report(*r); });

  auto* demo_cmd = department->add_subcommand(
      "demo", "Make up a province (registry, keys, signed reports) for demonstrations and tests");
  auto d = std::make_shared<DemoArgs>();
  demo_cmd->add_option("--schools", d->schools, "how many schools (default 40)");
  demo_cmd->add_option("--weeks", d->weeks, "weeks of reports, the last one first (default 8)");
  demo_cmd->add_option("--last-week", d->last_week, "the newest week (default: last week)");
  demo_cmd->add_option("--out", d->out, "directory to write")->required();
  demo_cmd->callback([d] { demo(*d); });

  auto* schools = department->add_subcommand("schools", "The registry of schools");
  schools->require_subcommand(1);
  auto* import_cmd = schools->add_subcommand("import", "Load the registry CSV into the database");
  auto file = std::make_shared<std::string>();
  auto import_config = std::make_shared<std::string>(default_department_config());
  import_cmd->add_option("FILE", *file, "schools.csv")->required();
  import_cmd->add_option("--config", *import_config, "department.yaml");
  auto allow_shrink = std::make_shared<bool>(false);
  import_cmd->add_flag("--allow-shrink", *allow_shrink,
                       "retire more than half of the registered schools (refused otherwise)");
  import_cmd->callback([file, import_config, allow_shrink] {
    import_schools(*file, *import_config, *allow_shrink);
  });
}

}  // namespace edugate::cli
