// libFuzzer target: a report file handed to `edugate report verify` or `merge` is untrusted
// bytes. Parse it, read it against the schema, check its signature, merge it and render the
// result in every format: nothing may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reporting/merge.hpp"
#include "reporting/report_csv.hpp"
#include "reporting/report_html.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"

namespace rep = edugate::reporting;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const rep::EvpPkey key = rep::generate_ed25519(nullptr);  // harness state, not library
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = rep::parse_json_text(text, nullptr);
  if (!json) return 0;
  (void)rep::canonical_bytes(*json);
  (void)rep::verify_report(*json, key.get());
  if (const auto report = rep::report_from_json(*json, nullptr)) {
    (void)rep::render_csv(*report);
    (void)rep::render_html(*report);
    (void)rep::report_to_json(*report).dump();
  }
  rep::KeyDirectory keys;
  if (json->is_object() && json->contains("schools") && (*json)["schools"].is_array() &&
      !(*json)["schools"].empty() && (*json)["schools"][0].is_object() &&
      (*json)["schools"][0].contains("id") && (*json)["schools"][0]["id"].is_string())
    keys.add((*json)["schools"][0]["id"].get<std::string>(),
             rep::load_public_key(rep::public_key_base64(key.get()), nullptr));
  const auto merged = rep::merge_reports({{"input.json", *json}}, keys, {true, 50, "fuzz"});
  if (merged.report) (void)rep::render_html(*merged.report);
  return 0;
}
