#include "reporting/signing.hpp"

#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"

namespace edugate::reporting {
namespace {

nlohmann::json signed_report(EVP_PKEY* key) {
  auto j = report_to_json(build_report(testing::sample_week(), testing::sample_request()));
  std::string error;
  EXPECT_TRUE(sign_report(j, key, &error)) << error;
  return j;
}

TEST(Signing, SignVerifyAndKeyFormats) {
  std::string error;
  auto key = generate_ed25519(&error);
  ASSERT_TRUE(key) << error;
  const auto j = signed_report(key.get());
  EXPECT_EQ(j["signature"]["algorithm"], "Ed25519");
  EXPECT_EQ(j["schools"][0]["public_key"], public_key_base64(key.get()));
  EXPECT_TRUE(verify_report(j, key.get()).ok());
  // The same key loaded back from its PEM and from base64 verifies too.
  auto pub_b64 = load_public_key(public_key_base64(key.get()), &error);
  ASSERT_TRUE(pub_b64) << error;
  EXPECT_TRUE(verify_report(j, pub_b64.get()).ok());
  const auto pem = public_key_pem(key.get(), &error);
  ASSERT_TRUE(pem);
  EXPECT_NE(pem->find("BEGIN PUBLIC KEY"), std::string::npos);
  // Survives a trip through text with different whitespace.
  EXPECT_TRUE(verify_report(*parse_json_text(j.dump(4), nullptr), key.get()).ok());
}

TEST(Signing, TamperingIsDetected) {
  auto key = generate_ed25519(nullptr);
  auto j = signed_report(key.get());
  for (auto& c : j["cells"])
    if (c.contains("requests")) {
      c["requests"] = c["requests"].get<std::uint64_t>() + 1;
      break;
    }
  const auto v = verify_report(j, key.get());
  EXPECT_EQ(v.status, VerifyStatus::bad_signature);
  EXPECT_NE(v.message.find("changed"), std::string::npos);
}

TEST(Signing, RevealingASuppressedCellIsTampering) {
  auto key = generate_ed25519(nullptr);
  auto j = signed_report(key.get());
  for (auto& c : j["cells"])
    if (c.value("suppressed", false)) {
      c.erase("suppressed");
      c["requests"] = 1;
      break;
    }
  EXPECT_FALSE(verify_report(j, key.get()).ok());
}

TEST(Signing, WrongKeyAndUnsignedAreRefused) {
  auto key = generate_ed25519(nullptr), other = generate_ed25519(nullptr);
  auto j = signed_report(key.get());
  EXPECT_EQ(verify_report(j, other.get()).status, VerifyStatus::wrong_key);
  // An attacker re-signing with their own key and naming it still fails the trusted key check.
  auto forged = j;
  ASSERT_TRUE(sign_report(forged, other.get(), nullptr));
  EXPECT_EQ(verify_report(forged, key.get()).status, VerifyStatus::wrong_key);
  j.erase("signature");
  EXPECT_EQ(verify_report(j, key.get()).status, VerifyStatus::unsigned_report);
}

}  // namespace
}  // namespace edugate::reporting
