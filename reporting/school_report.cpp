#include "reporting/school_report.hpp"

#include "reporting/laplace_noise.hpp"
#include "reporting/report_builder.hpp"
#include "reporting/report_csv.hpp"
#include "reporting/report_html.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/review_list.hpp"
#include "reporting/signing.hpp"
#include "reporting/store.hpp"

namespace edugate::reporting {

std::optional<RenderedReport> render_school_report(const ReportingSettings& settings,
                                                   DayRange period, std::string_view format,
                                                   std::string_view generator, std::string* error) {
  ReportRequest request;
  request.period = period;
  request.k = settings.k;
  request.top_domains = settings.top_domains;
  request.school_id = settings.school_id;
  request.school_name = settings.school_name;
  request.node_id = settings.node_id;
  request.generator = std::string(generator);
  if (!settings.review_file.empty()) {
    // A review file that does not load (edited by hand) confirms nothing: the report still
    // lists what 2 devices reported; the rules loader says what is wrong with the file.
    rules::Diagnostics diags;
    if (const auto review = rules::read_review_file(settings.review_file, diags)) {
      request.confirmed_domains = confirmed_domains(*review);
      request.dismissed_domains = dismissed_domains(*review);
    }
  }
  StoreError store_error;
  auto store = Store::open({settings.store, 0, true}, &store_error);
  if (!store) {
    *error = store_error.message;
    return std::nullopt;
  }
  StoreExtract data;
  if (const auto e = store->read(period.from, period.to, data)) {
    *error = e->message;
    return std::nullopt;
  }
  RenderedReport out;
  auto report = build_report(data, request, &out.suppression);
  out.cells = report.entries.size();
  if (settings.epsilon && !add_laplace_noise(report, *settings.epsilon, openssl_random_bytes)) {
    *error = "the random number generator failed; no report made";
    return std::nullopt;
  }
  if (format == "csv") {
    out.body = render_csv(report);
    out.content_type = "text/csv; charset=utf-8";
    return out;
  }
  if (format == "html") {
    out.body = render_html(report);
    out.content_type = "text/html; charset=utf-8";
    return out;
  }
  auto json = report_to_json(report);
  if (!settings.signing_key.empty()) {
    auto key = load_private_key(settings.signing_key, error);
    if (!key || !sign_report(json, key.get(), error)) return std::nullopt;
    out.signed_json = true;
  }
  out.body = json.dump(2) + "\n";
  out.content_type = "application/json";
  return out;
}

}  // namespace edugate::reporting
