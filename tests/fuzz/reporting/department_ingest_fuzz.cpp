// libFuzzer target: the body of POST /api/v1/reports is untrusted bytes from the network.
// check_report() runs on it as received (every refusal path), and again on the input re-signed
// by a key the lookup trusts, so that the fuzzer reaches past the signature into the schema
// checks and the taking apart of cells: nothing may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reporting/department/ingest.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"

namespace rep = edugate::reporting;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const rep::EvpPkey key = rep::generate_ed25519(nullptr);  // harness state, not library
  static const rep::EvpPkey public_key =
      rep::load_public_key(rep::public_key_base64(key.get()), nullptr);
  const rep::department::KeyLookup trusted = [](const std::string&) { return public_key.get(); };
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rep::department::check_report(text, trusted);
  auto json = rep::parse_json_text(text, nullptr);
  if (!json || !json->is_object()) return 0;
  json->erase("signature");
  if (!rep::sign_report(*json, key.get(), nullptr)) return 0;
  const auto check = rep::department::check_report(json->dump(), trusted);
  if (check.report) (void)check.report->cells.size();
  return 0;
}
