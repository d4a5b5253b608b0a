#pragma once

#include <string>
#include <string_view>

#include "reporting/report.hpp"

namespace edugate::reporting {

/// One CSV field per RFC 4180: quoted (with quotes doubled) when it holds a comma, quote, CR or
/// LF; a leading '=', '+', '-', '@', tab or CR gets a ' prefix so spreadsheets never run it as a
/// formula (OWASP's list).
std::string csv_field(std::string_view text);

/// The report as CSV for Excel: UTF-8 with a byte-order mark (so Vietnamese labels show right),
/// CRLF line ends. Three blocks separated by an empty line: key/value metadata, the cells table
/// (day, action, category, group with vi/en labels, requests, suppressed), and the top domains.
/// Suppressed values are empty with suppressed = 1. Pure.
std::string render_csv(const Report& report);

}  // namespace edugate::reporting
