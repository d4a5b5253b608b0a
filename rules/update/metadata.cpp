#include "rules/update/metadata.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>

#include "rules/diagnostic.hpp"
#include "rules/signing/ed25519.hpp"
#include "rules/signing/sha256.hpp"

namespace edugate::rules::update {

namespace {

using nlohmann::json;

constexpr std::string_view kSignedPrefix = "edugate-rules-metadata v1\n";
constexpr std::string_view kType = "edugate-rules";
constexpr int kSpec = 1;
constexpr std::string_view kArchiveSuffix = ".tar.gz";

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

/// The canonical form of the signed part: nlohmann's object keeps its keys sorted and dump()
/// writes no spaces; only integers, booleans and ASCII strings ever go in.
json signed_json(const Metadata& m) {
  json s = {{"type", kType},
            {"spec", kSpec},
            {"version", m.version},
            {"created", format_utc(m.created)},
            {"expires", format_utc(m.expires)},
            {"archive",
             {{"name", m.archive_name}, {"sha256", m.archive_sha256}, {"size", m.archive_size}}},
            {"entries", m.entries},
            {"key_id", m.key_id}};
  if (m.next_key) s["next_key"] = signing::base64_encode(*m.next_key);
  if (m.allow_shrink) s["allow_shrink"] = true;
  return s;
}

/// Reads the fields of `signed`, refusing anything unexpected.
class Fields {
 public:
  Fields(const json& object, std::string where, std::string& error)
      : o_(object), where_(std::move(where)), error_(error) {}

  bool only(std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : o_.items()) {
      bool known = false;
      for (const auto a : allowed) known = known || key == a;
      if (!known) return fail(fmt::format("{}: unknown field {}", where_, quote_token(key)));
    }
    return true;
  }
  const json* get(std::string_view key, bool required = true) {
    const auto it = o_.find(key);
    if (it == o_.end()) {
      if (required) fail(fmt::format("{}: \"{}\" is missing", where_, key));
      return nullptr;
    }
    return &*it;
  }
  std::optional<std::string> string(std::string_view key, bool required = true) {
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) return fail_none(key, "a string");
    auto s = v->get<std::string>();
    for (const unsigned char c : s)
      if (c < 0x20 || c > 0x7e) return fail_none(key, "printable ASCII");
    return s;
  }
  std::optional<std::uint64_t> number(std::string_view key, std::uint64_t max) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    // is_number_unsigned() is false for a negative, a float or 1e30: only plain integers.
    if (!v->is_number_unsigned() || v->get<std::uint64_t>() > max)
      return fail_none(key, fmt::format("an integer from 0 to {}", max));
    return v->get<std::uint64_t>();
  }
  std::optional<std::int64_t> time(std::string_view key) {
    auto s = string(key);
    if (!s) return std::nullopt;
    auto t = parse_utc(*s);
    if (!t) return fail_none(key, "a UTC time as YYYY-MM-DDTHH:MM:SSZ");
    return t;
  }
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }

 private:
  std::nullopt_t fail_none(std::string_view key, std::string_view what) {
    fail(fmt::format("{}: \"{}\" must be {}", where_, key, what));
    return std::nullopt;
  }
  const json& o_;
  std::string where_;
  std::string& error_;
};

constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;

}  // namespace

std::string format_utc(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "1970-01-01T00:00:00Z";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<std::int64_t> parse_utc(std::string_view s) {
  // Exactly "YYYY-MM-DDTHH:MM:SSZ".
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  auto num = [&](std::size_t at, std::size_t len, int& out) {
    const auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + len, out);
    return ec == std::errc{} && end == s.data() + at + len && s[at] != '-' && s[at] != '+';
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se))
    return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  // timegm normalises 31 February into March: refuse dates that moved.
  if (format_utc(t) != s) return std::nullopt;
  return static_cast<std::int64_t>(t);
}

std::string key_id(std::string_view raw_public_key) { return signing::sha256_hex(raw_public_key); }

std::string signed_bytes(const Metadata& m) {
  std::string out(kSignedPrefix);
  out += signed_json(m).dump();
  return out;
}

std::optional<SignedMetadata> parse_metadata(std::string_view text, std::string& error) {
  error.clear();
  if (text.size() > kMaxMetadataBytes) {
    error = fmt::format("current.json: {} bytes, more than the {} allowed", text.size(),
                        kMaxMetadataBytes);
    return std::nullopt;
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "current.json: not a JSON object";
    return std::nullopt;
  }
  Fields top(doc, "current.json", error);
  if (!top.only({"signed", "signature"})) return std::nullopt;
  const json* sig = top.get("signature");
  const json* sgn = top.get("signed");
  if (!sig || !sgn) return std::nullopt;
  SignedMetadata out;
  if (!sig->is_string()) {
    error = "current.json: \"signature\" must be a base64 string";
    return std::nullopt;
  }
  const auto raw_sig = signing::base64_decode(sig->get<std::string>());
  if (!raw_sig || raw_sig->size() != 64) {
    error = "current.json: \"signature\" is not a base64 Ed25519 signature";
    return std::nullopt;
  }
  out.signature = *raw_sig;
  if (!sgn->is_object()) {
    error = "current.json: \"signed\" must be an object";
    return std::nullopt;
  }
  Fields f(*sgn, "current.json signed", error);
  if (!f.only({"type", "spec", "version", "created", "expires", "archive", "entries", "key_id",
               "next_key", "allow_shrink"}))
    return std::nullopt;
  Metadata& m = out.metadata;
  const auto type = f.string("type");
  if (!type) return std::nullopt;
  if (*type != kType) {
    error = fmt::format("current.json: type is {}, not \"{}\"", quote_token(*type), kType);
    return std::nullopt;
  }
  const auto spec = f.number("spec", 1000);
  if (!spec) return std::nullopt;
  if (*spec != kSpec) {
    error = fmt::format("current.json: spec {} is not understood by this edugate (spec {})", *spec,
                        kSpec);
    return std::nullopt;
  }
  const auto version = f.number("version", kMaxSafeInteger);
  const auto created = f.time("created");
  const auto expires = f.time("expires");
  const auto entries = f.number("entries", kMaxSafeInteger);
  const auto kid = f.string("key_id");
  if (!version || !created || !expires || !entries || !kid) return std::nullopt;
  if (!is_hex64(*kid)) {
    error = "current.json: key_id must be 64 lowercase hex digits";
    return std::nullopt;
  }
  m.version = *version;
  m.created = *created;
  m.expires = *expires;
  m.entries = *entries;
  m.key_id = *kid;
  if (m.version == 0) {
    error = "current.json: version must be 1 or more";
    return std::nullopt;
  }
  const json* archive = f.get("archive");
  if (!archive) return std::nullopt;
  if (!archive->is_object()) {
    error = "current.json: \"archive\" must be an object";
    return std::nullopt;
  }
  Fields a(*archive, "current.json archive", error);
  if (!a.only({"name", "sha256", "size"})) return std::nullopt;
  const auto name = a.string("name");
  const auto sha = a.string("sha256");
  const auto size = a.number("size", kMaxSafeInteger);
  if (!name || !sha || !size) return std::nullopt;
  if (!is_hex64(*sha) || *name != *sha + std::string(kArchiveSuffix)) {
    error = "current.json: the archive must be named <sha256>.tar.gz after its 64-hex-digit hash";
    return std::nullopt;
  }
  m.archive_name = *name;
  m.archive_sha256 = *sha;
  m.archive_size = *size;
  if (f.get("next_key", false)) {
    const auto text_key = f.string("next_key");
    if (!text_key) return std::nullopt;
    const auto raw = signing::base64_decode(*text_key);
    if (!raw || raw->size() != 32) {
      error = "current.json: next_key must be a base64 raw Ed25519 public key (32 bytes)";
      return std::nullopt;
    }
    m.next_key = *raw;
  }
  if (const json* shrink = f.get("allow_shrink", false)) {
    if (!shrink->is_boolean()) {
      error = "current.json: \"allow_shrink\" must be true or false";
      return std::nullopt;
    }
    m.allow_shrink = shrink->get<bool>();
  }
  if (!error.empty()) return std::nullopt;
  out.signed_bytes = signed_bytes(m);
  return out;
}

std::optional<std::string> write_metadata(const Metadata& m, EVP_PKEY* private_key,
                                          std::string& error) {
  const auto sig = signing::sign(private_key, signed_bytes(m), error);
  if (!sig) return std::nullopt;
  json doc = {{"signed", signed_json(m)}, {"signature", signing::base64_encode(*sig)}};
  return doc.dump(2) + "\n";
}

bool verify(const SignedMetadata& s, EVP_PKEY* public_key) {
  const auto raw = signing::raw_public_key(public_key);
  if (!raw || key_id(*raw) != s.metadata.key_id) return false;
  return signing::verify(public_key, s.signed_bytes, s.signature);
}

}  // namespace edugate::rules::update
