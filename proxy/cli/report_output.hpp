#pragma once
// What `edugate report` and `edugate department report` share: how a period and a format are
// given on the command line, and how a report is rendered and written. Failures end the
// command (CLI::RuntimeError) after printing why.

#include <string>

#include "reporting/calendar.hpp"
#include "reporting/openssl_handles.hpp"
#include "reporting/report.hpp"

namespace edugate::cli {

/// `--format` if given, else the output file's extension (.csv, .html), else "json".
std::string report_format_of(const std::string& requested, const std::string& out_path);
/// `--week 2026-W47`, or `--from` and `--to` (YYYY-MM-DD), never both.
reporting::DayRange report_period_of(const std::string& week, const std::string& from,
                                     const std::string& to);
/// The report as csv, html or json (signed when `key` is given).
std::string render_report(const reporting::Report& report, const std::string& format,
                          EVP_PKEY* key);
/// Writes `text` to `path` through a temporary file and a rename ("-" or "": stdout).
void write_report_text(const std::string& path, const std::string& text);

}  // namespace edugate::cli
