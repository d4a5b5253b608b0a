#include "rules/signing/bundle.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "rules/load_rules.hpp"
#include "rules/signing/ed25519.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules::signing {
namespace {

constexpr std::string_view kCategories = R"(categories:
  - id: gambling
    labels: {vi: "Cờ bạc", en: "Gambling"}
    mandatory: true
    lists: [{format: domains, file: lists/gambling.txt}]
)";

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto keys = generate_ed25519(error);
    ASSERT_TRUE(keys) << error;
    keys_ = std::move(*keys);
    tree_.write("bundle/categories.yaml", kCategories);
    tree_.write("bundle/lists/gambling.txt", "fb88.com\nw88.com\n");
    tree_.write("keys/department.key.pem", keys_.private_pem);
    tree_.write("keys/department.pub.pem", keys_.public_pem);
  }
  std::string dir() const { return tree_.path("bundle"); }
  void sign() {
    std::string error;
    ASSERT_TRUE(sign_bundle(dir(), keys_.private_pem, error)) << error;
  }
  LoadResult load() const {
    RulesSettings s;
    s.department = dir();
    s.department_pubkey = tree_.path("keys/department.pub.pem");
    return load_rules(s);
  }
  static std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + "\n";
    return out;
  }

  testing::TempTree tree_;
  KeyPairPem keys_;
};

TEST_F(BundleTest, ManifestIsSortedPathsWithHashes) {
  std::string error;
  const auto files = read_bundle(dir(), error);
  ASSERT_TRUE(files) << error;
  const std::string m = manifest_text(*files);
  EXPECT_TRUE(m.starts_with("edugate-rules-bundle v1\n")) << m;
  const auto a = m.find("  categories.yaml\n");
  const auto b = m.find("  lists/gambling.txt\n");
  ASSERT_NE(a, std::string::npos) << m;
  ASSERT_NE(b, std::string::npos) << m;
  EXPECT_LT(a, b);
}

TEST_F(BundleTest, SignedBundleVerifiesAndLoads) {
  sign();
  const auto v = verify_bundle(dir(), keys_.public_pem);
  ASSERT_TRUE(v.files) << joined(v.problems);
  EXPECT_EQ(v.files->size(), 2u);
  const auto loaded = load();
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  EXPECT_EQ(loaded.rules->category(0).domains, 2u);
}

TEST_F(BundleTest, TrailingSlashOnTheBundlePathLoadsToo) {
  sign();
  RulesSettings s;
  s.department = resolve_path("", dir() + "/");
  s.department_pubkey = tree_.path("keys/department.pub.pem");
  const auto loaded = load_rules(s);
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  EXPECT_EQ(loaded.rules->category(0).domains, 2u);
}

TEST_F(BundleTest, MissingSignatureIsRefused) {
  const auto v = verify_bundle(dir(), keys_.public_pem);
  EXPECT_FALSE(v.files);
  EXPECT_NE(joined(v.problems).find("the department bundle is not signed"), std::string::npos);
  const auto loaded = load();
  EXPECT_FALSE(loaded.rules);
  EXPECT_NE(testing::all(loaded.diagnostics).find("refused: "), std::string::npos);
}

TEST_F(BundleTest, TamperedFileIsRefused) {
  sign();
  tree_.write("bundle/lists/gambling.txt", "w88.com\n");  // fb88.com removed after signing
  const auto v = verify_bundle(dir(), keys_.public_pem);
  EXPECT_FALSE(v.files);
  EXPECT_NE(joined(v.problems).find("lists/gambling.txt: content differs from the signed manifest"),
            std::string::npos)
      << joined(v.problems);
  EXPECT_FALSE(load().rules);
}

TEST_F(BundleTest, ExtraFileIsRefused) {
  sign();
  tree_.write("bundle/zz-school-sneaks-in.yaml", "categories: []\n");
  const auto v = verify_bundle(dir(), keys_.public_pem);
  EXPECT_FALSE(v.files);
  EXPECT_NE(joined(v.problems).find("zz-school-sneaks-in.yaml: not in the signed manifest"),
            std::string::npos)
      << joined(v.problems);
}

TEST_F(BundleTest, RemovedFileIsRefused) {
  sign();
  std::filesystem::remove(tree_.path("bundle/lists/gambling.txt"));
  const auto v = verify_bundle(dir(), keys_.public_pem);
  EXPECT_FALSE(v.files);
  EXPECT_NE(
      joined(v.problems).find("lists/gambling.txt: listed in the signed manifest but missing"),
      std::string::npos)
      << joined(v.problems);
}

TEST_F(BundleTest, WrongKeyIsRefused) {
  sign();
  std::string error;
  const auto other = generate_ed25519(error);
  ASSERT_TRUE(other) << error;
  const auto v = verify_bundle(dir(), other->public_pem);
  EXPECT_FALSE(v.files);
  EXPECT_NE(joined(v.problems).find("does not verify with the department public key"),
            std::string::npos)
      << joined(v.problems);
}

TEST_F(BundleTest, EditedManifestIsRefused) {
  sign();
  std::string error;
  auto files = read_bundle(dir(), error);
  ASSERT_TRUE(files);
  // Rewrite the signature file with a manifest matching a changed file but the old signature.
  const std::string sig_path = tree_.path("bundle/bundle.sig");
  std::ifstream in(sig_path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  tree_.write("bundle/lists/gambling.txt", "w88.com\n");
  files = read_bundle(dir(), error);
  const std::string forged = manifest_text(*files) + text.substr(text.rfind("ed25519 "));
  tree_.write("bundle/bundle.sig", forged);
  const auto v = verify_bundle(dir(), keys_.public_pem);
  EXPECT_FALSE(v.files);
  EXPECT_NE(joined(v.problems).find("does not verify"), std::string::npos) << joined(v.problems);
}

TEST_F(BundleTest, ListOutsideTheBundleIsRefused) {
  tree_.write("outside.txt", "example.com\n");
  tree_.write("bundle/categories.yaml", R"(categories:
  - id: gambling
    labels: {vi: "Cờ bạc", en: "Gambling"}
    lists: [{format: domains, file: ../outside.txt}]
)");
  sign();
  const auto loaded = load();
  EXPECT_FALSE(loaded.rules);
  EXPECT_NE(testing::all(loaded.diagnostics).find("not part of the signed department bundle"),
            std::string::npos)
      << testing::all(loaded.diagnostics);
}

TEST_F(BundleTest, KeysMustBeEd25519) {
  std::string error;
  EXPECT_FALSE(load_private_key("not a key", error));
  EXPECT_NE(error.find("not a PEM private key"), std::string::npos);
  EXPECT_FALSE(load_public_key(keys_.private_pem, error));
  EXPECT_TRUE(load_private_key(keys_.private_pem, error));
  EXPECT_TRUE(load_public_key(keys_.public_pem, error));
}

TEST(Base64, RoundTripsAndRejectsJunk) {
  for (std::string_view s : {"", "a", "ab", "abc", "abcd", "\x01\xff\x80"}) {
    if (s.empty()) continue;
    EXPECT_EQ(base64_decode(base64_encode(s)), std::string(s));
  }
  for (std::size_t n = 1; n < 10; ++n) {  // every length, every padding
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(i * 37 + n));
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
  }
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_FALSE(base64_decode("ab!="));
  EXPECT_FALSE(base64_decode("!!!!"));
  EXPECT_FALSE(base64_decode("QQ=A"));                            // padding inside
  EXPECT_FALSE(base64_decode(std::string((1u << 20) + 4, 'A')));  // beyond what a key needs
}

}  // namespace
}  // namespace edugate::rules::signing
