// libFuzzer target: a department site's current.json from untrusted bytes (rules.update reads it
// from the network before anything is verified). Parsing, then verifying with a fixed key and
// judging against a trusted state, must never crash, leak or hit UB; refusals are fine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/signing/ed25519.hpp"
#include "rules/update/metadata.hpp"
#include "rules/update/trusted_state.hpp"

using namespace edugate::rules;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto parsed = update::parse_metadata(text, error);
  if (!parsed) return 0;
  // Whatever parsed re-serialises to the bytes that are signed, and round-trips.
  const auto again = update::signed_bytes(parsed->metadata);
  if (again != parsed->signed_bytes) __builtin_trap();
  static const std::string raw(32, '\x42');
  update::TrustedState state;
  state.pinned_key_id = update::key_id(raw);
  state.keys = {raw};
  state.highest_version = 5;
  const auto trust = update::current_trust(state, raw);
  (void)update::judge(*parsed, trust, 1796000000);
  (void)update::keys_after(*parsed, trust);
  (void)update::format_utc(parsed->metadata.expires);
  return 0;
}
