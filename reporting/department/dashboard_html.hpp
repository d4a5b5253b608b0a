#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reporting/department/dashboard_data.hpp"
#include "reporting/department/department_store.hpp"

namespace edugate::reporting::department {

/// The department dashboard's pages: bilingual (Vietnamese first), self-contained HTML with
/// inline CSS and SVG charts, no script and no external resource, every value escaped. Each
/// page but the login one carries the navigation and a log-out button. Pure.

/// The sign-in form: the read API's token (api_tokens). `message` is "" or why the last try
/// failed.
std::string dashboard_login_page(std::string_view message);

/// The province over a period: weekly trend, blocked by category, school level and district.
std::string dashboard_overview_page(const Overview& overview);

/// Who has reported `completeness.week`, who has not, who was late, and which schools sent a
/// different report again (revisions, each kept).
std::string dashboard_completeness_page(const DepartmentStore::Completeness& completeness,
                                        const std::vector<RevisedReport>& revised);

/// Schools that ended the week on an old or unverified department bundle.
std::string dashboard_bundles_page(const BundleStatus& status);
/// The sites pupils reported across the province in a week, harmful ones first.
std::string dashboard_reported_page(const ReportedSites& sites);

}  // namespace edugate::reporting::department
