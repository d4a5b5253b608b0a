#include "rules/update/metadata.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rules/signing/ed25519.hpp"
#include "rules/update/trusted_state.hpp"

namespace edugate::rules::update {
namespace {

struct Key {
  signing::PkeyPtr key;
  std::string raw;
};

Key make_key() {
  std::string error;
  Key k{signing::generate_key(error), {}};
  k.raw = signing::raw_public_key(k.key.get()).value();
  return k;
}

Metadata sample(const Key& k, std::uint64_t version = 7) {
  Metadata m;
  m.version = version;
  m.created = 1796000000;
  m.expires = 1796000000 + 30 * 86400;
  m.archive_sha256 = std::string(64, 'a');
  m.archive_name = m.archive_sha256 + ".tar.gz";
  m.archive_size = 123456;
  m.entries = 1500000;
  m.key_id = key_id(k.raw);
  return m;
}

std::string publish(const Metadata& m, const Key& k) {
  std::string error;
  auto text = write_metadata(m, k.key.get(), error);
  EXPECT_TRUE(text) << error;
  return text.value_or("");
}

TEST(Metadata, RoundTripsAndVerifies) {
  const auto k = make_key();
  const auto m = sample(k);
  std::string error;
  const auto parsed = parse_metadata(publish(m, k), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->metadata.version, 7u);
  EXPECT_EQ(parsed->metadata.expires, m.expires);
  EXPECT_EQ(parsed->metadata.archive_size, 123456u);
  auto pub = signing::public_key_from_raw(k.raw);
  EXPECT_TRUE(verify(*parsed, pub.get()));
  // Another key does not verify it, even with the right key id pasted in.
  const auto other = make_key();
  auto other_pub = signing::public_key_from_raw(other.raw);
  EXPECT_FALSE(verify(*parsed, other_pub.get()));
}

TEST(Metadata, AnyChangeToTheSignedFieldsBreaksTheSignature) {
  const auto k = make_key();
  const auto text = publish(sample(k), k);
  auto pub = signing::public_key_from_raw(k.raw);
  const std::vector<std::pair<std::string, nlohmann::json>> edits = {
      {"/signed/version", 8},
      {"/signed/expires", "2099-01-01T00:00:00Z"},
      {"/signed/archive/size", 1},
      {"/signed/archive/sha256", std::string(64, 'b')},
      {"/signed/entries", 1},
      {"/signed/allow_shrink", true},
      {"/signed/next_key", signing::base64_encode(make_key().raw)},
  };
  for (const auto& [path, value] : edits) {
    auto doc = nlohmann::json::parse(text);
    doc[nlohmann::json::json_pointer(path)] = value;
    if (path == "/signed/archive/sha256")
      doc["signed"]["archive"]["name"] = value.get<std::string>() + ".tar.gz";
    std::string error;
    const auto parsed = parse_metadata(doc.dump(), error);
    ASSERT_TRUE(parsed) << path << ": " << error;
    EXPECT_FALSE(verify(*parsed, pub.get())) << path;
  }
  // Spacing and key order are not part of what is signed.
  std::string error;
  const auto compact = parse_metadata(nlohmann::json::parse(text).dump(), error);
  ASSERT_TRUE(compact) << error;
  EXPECT_TRUE(verify(*compact, pub.get()));
}

TEST(Metadata, RefusesMalformedDocuments) {
  const auto k = make_key();
  const auto good = nlohmann::json::parse(publish(sample(k), k));
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> cases = {
      {"unknown field", [](auto& d) { d["signed"]["extra"] = 1; }},
      {"unknown top field", [](auto& d) { d["x"] = 1; }},
      {"negative version", [](auto& d) { d["signed"]["version"] = -1; }},
      {"float version", [](auto& d) { d["signed"]["version"] = 7.5; }},
      {"huge version", [](auto& d) { d["signed"]["version"] = 1e30; }},
      {"zero version", [](auto& d) { d["signed"]["version"] = 0; }},
      {"string size", [](auto& d) { d["signed"]["archive"]["size"] = "12"; }},
      {"bad time", [](auto& d) { d["signed"]["expires"] = "2027-02-31T00:00:00Z"; }},
      {"local time", [](auto& d) { d["signed"]["expires"] = "2027-01-01T00:00:00+07:00"; }},
      {"name not the hash", [](auto& d) { d["signed"]["archive"]["name"] = "../x.tar.gz"; }},
      {"upper-case hash",
       [](auto& d) {
         d["signed"]["archive"]["sha256"] = std::string(64, 'A');
         d["signed"]["archive"]["name"] = std::string(64, 'A') + ".tar.gz";
       }},
      {"wrong type", [](auto& d) { d["signed"]["type"] = "other"; }},
      {"future spec", [](auto& d) { d["signed"]["spec"] = 2; }},
      {"short signature", [](auto& d) { d["signature"] = "AAAA"; }},
      {"missing archive", [](auto& d) { d["signed"].erase("archive"); }},
      {"non-ASCII", [](auto& d) { d["signed"]["key_id"] = "é"; }},
      {"next key not 32 bytes", [](auto& d) { d["signed"]["next_key"] = "AAAA"; }},
  };
  for (const auto& [what, edit] : cases) {
    auto doc = good;
    edit(doc);
    std::string error;
    EXPECT_FALSE(parse_metadata(doc.dump(), error)) << what;
    EXPECT_FALSE(error.empty()) << what;
  }
  std::string error;
  EXPECT_FALSE(parse_metadata("[1,2]", error));
  EXPECT_FALSE(parse_metadata("{", error));
  EXPECT_FALSE(parse_metadata(std::string(kMaxMetadataBytes + 1, ' '), error));
}

TEST(Metadata, UtcTimesAreExact) {
  EXPECT_EQ(parse_utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_utc("2026-12-07T10:00:00Z"), 1796637600);
  EXPECT_EQ(format_utc(1796637600), "2026-12-07T10:00:00Z");
  for (const char* bad : {"2026-12-07 10:00:00Z", "2026-12-07T10:00:00", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "+026-12-07T10:00:00Z", ""})
    EXPECT_FALSE(parse_utc(bad)) << bad;
}

// The trust rules: what an appliance accepts, given what it has accepted before.
class Judge : public ::testing::Test {
 protected:
  Key k1 = make_key(), k2 = make_key(), evil = make_key();
  static constexpr std::int64_t kNow = 1796000000 + 86400;

  SignedMetadata signed_by(const Key& k, std::uint64_t version,
                           std::optional<std::string> next = std::nullopt) {
    auto m = sample(k, version);
    m.next_key = std::move(next);
    std::string error;
    return parse_metadata(publish(m, k), error).value();
  }
};

TEST_F(Judge, RatchetsVersionsRefusesRollbackAndStaleness) {
  TrustedState state;
  auto trust = current_trust(state, k1.raw);
  EXPECT_EQ(judge(signed_by(k1, 3), trust, kNow).verdict, Verdict::accept);
  state.pinned_key_id = trust.pinned_key_id;
  state.keys = keys_after(signed_by(k1, 3), trust);
  state.highest_version = 3;
  trust = current_trust(state, k1.raw);
  EXPECT_EQ(judge(signed_by(k1, 3), trust, kNow).verdict, Verdict::unchanged);
  const auto older = judge(signed_by(k1, 2), trust, kNow);
  EXPECT_EQ(older.verdict, Verdict::refuse);
  EXPECT_NE(older.why.find("rollback"), std::string::npos) << older.why;
  const auto late = judge(signed_by(k1, 4), trust, 1796000000 + 31 * 86400);
  EXPECT_EQ(late.verdict, Verdict::refuse);
  EXPECT_TRUE(late.expired);
  const auto stranger = judge(signed_by(evil, 9), trust, kNow);
  EXPECT_EQ(stranger.verdict, Verdict::refuse);
  EXPECT_NE(stranger.why.find("does not trust"), std::string::npos) << stranger.why;
}

TEST_F(Judge, AKeyIsRotatedOnlyByTheKeyBeforeIt) {
  TrustedState state;
  auto trust = current_trust(state, k1.raw);
  // The attacker's metadata names the attacker's key as next: not signed by k1, refused.
  EXPECT_EQ(judge(signed_by(evil, 5, evil.raw), trust, kNow).verdict, Verdict::refuse);
  // k1 signs version 5 naming k2; once accepted, k2 may sign version 6, and then k1 is dropped.
  const auto v5 = signed_by(k1, 5, k2.raw);
  ASSERT_EQ(judge(v5, trust, kNow).verdict, Verdict::accept);
  state.pinned_key_id = trust.pinned_key_id;
  state.keys = keys_after(v5, trust);
  state.highest_version = 5;
  trust = current_trust(state, k1.raw);
  const auto v6 = signed_by(k2, 6);
  ASSERT_EQ(judge(v6, trust, kNow).verdict, Verdict::accept);
  state.keys = keys_after(v6, trust);
  state.highest_version = 6;
  trust = current_trust(state, k1.raw);
  EXPECT_EQ(judge(signed_by(k1, 7), trust, kNow).verdict, Verdict::refuse);  // the old key
  EXPECT_EQ(judge(signed_by(k2, 7), trust, kNow).verdict, Verdict::accept);
  // The admin now pins k2 itself: a new lineage, said so, trusting k2 alone (a stolen k1 could
  // have named k2 as next with a huge version; the new pin must not inherit that mark).
  const auto pinned_k2 = current_trust(state, k2.raw);
  EXPECT_FALSE(pinned_k2.note.empty());
  EXPECT_EQ(pinned_k2.highest_version, 0u);
  EXPECT_EQ(pinned_k2.keys, std::vector<std::string>{k2.raw});
}

TEST_F(Judge, PinningAnUnrelatedKeyStartsANewLineageAndSaysSo) {
  TrustedState state;
  state.pinned_key_id = key_id(k1.raw);
  state.keys = {k1.raw};
  state.highest_version = 1000000;  // say a stolen k1 pushed a huge version
  const auto trust = current_trust(state, k2.raw);
  EXPECT_EQ(trust.highest_version, 0u);
  EXPECT_FALSE(trust.note.empty());
  EXPECT_EQ(judge(signed_by(k2, 8), trust, kNow).verdict, Verdict::accept);
  EXPECT_EQ(judge(signed_by(k1, 2000000), trust, kNow).verdict, Verdict::refuse);
}

}  // namespace
}  // namespace edugate::rules::update
