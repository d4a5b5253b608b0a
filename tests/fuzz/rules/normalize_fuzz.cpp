// libFuzzer target for everything in rules/normalize and rules/lists that reads untrusted bytes:
// hosts, URLs (absolute, origin-form, CONNECT), paths, search text and every list format.
// Besides "no crash, no sanitizer report" it checks that each normal form is a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rules/lists/list_reader.hpp"
#include "rules/normalize/host.hpp"
#include "rules/normalize/search_terms.hpp"
#include "rules/normalize/url.hpp"

namespace {

using namespace edugate::rules;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

void fuzz_host(std::string_view text) {
  std::string out;
  if (normalize_host_into(text, out)) {
    check(normalize_host(out) == out, "normalize_host is idempotent");
    (void)host_kind(out);
  }
  (void)parse_connect_target(text);
}

void fuzz_url(std::string_view text) {
  for (bool schemeless : {false, true}) {
    const UrlResult r = parse_and_normalize_url(text, 4096, schemeless);
    if (!r) continue;
    const UrlResult again = parse_and_normalize_url(r.url->to_string());
    check(again && *again.url == *r.url, "URL normal form is a fixed point");
    (void)extract_search_terms(r.url->host, r.url->path, r.url->query);
  }
  const std::string path = normalize_path(text);
  check(!path.empty() && path.front() == '/', "normalize_path starts with '/'");
  check(normalize_path(path) == path, "normalize_path is idempotent");
  // Origin form: the text up to the first newline is the Host header, the rest the target.
  const std::size_t nl = text.find('\n');
  if (nl != std::string_view::npos) {
    (void)normalize_origin_form(text.substr(nl + 1), text.substr(0, nl), "http", 4096);
  }
}

void fuzz_fold(std::string_view text) {
  const std::string folded = fold_for_matching(text);
  check(fold_for_matching(folded) == folded, "fold_for_matching is idempotent");
  check(folded.empty() || (folded.front() != ' ' && folded.back() != ' '), "folded is trimmed");
}

void fuzz_lists(std::string_view text) {
  for (auto format :
       {ListFormat::domains, ListFormat::hosts, ListFormat::adguard, ListFormat::dnsmasq,
        ListFormat::squidguard_urls, ListFormat::squidguard_expressions}) {
    const ListReadResult r = read_list(format, text);
    for (const auto& p : r.problems) check(p.line >= 1 && p.column >= 1, "problem position");
    if (format == ListFormat::squidguard_urls || format == ListFormat::squidguard_expressions) {
      continue;
    }
    for (const auto& e : r.entries) {
      check(normalize_host(e.value) == e.value, "list entries are normalised hosts");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_host(text);
  fuzz_url(text);
  fuzz_fold(text);
  fuzz_lists(text);
  return 0;
}
