#include "rules/update/trusted_state.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules::update {
namespace {

TEST(TrustedState, AbsentIsEmptyAndWritesReadBack) {
  testing::TempTree tree;
  std::string error;
  const auto empty = read_trusted_state(tree.root(), error);
  ASSERT_TRUE(empty) << error;
  EXPECT_EQ(empty->highest_version, 0u);
  EXPECT_FALSE(empty->active);

  TrustedState s;
  s.pinned_key_id = std::string(64, 'c');
  s.keys = {std::string(32, '\x01'), std::string(32, '\x02')};
  s.highest_version = 9;
  AcceptedBundle b;
  b.version = 9;
  b.dir = "bundles/9-abc";
  b.metadata = "{\"signed\": {}}\n";
  b.expires = 1800000000;
  s.active = b;
  b.version = 8;
  b.dir = "bundles/8-abc";
  s.previous = b;
  ASSERT_TRUE(write_trusted_state(tree.root(), s, error)) << error;
  EXPECT_FALSE(std::filesystem::exists(tree.path("state.json.tmp")));
  const auto back = read_trusted_state(tree.root(), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->keys, s.keys);
  EXPECT_EQ(back->highest_version, 9u);
  EXPECT_EQ(back->active->dir, "bundles/9-abc");
  EXPECT_EQ(back->active->metadata, s.active->metadata);
  EXPECT_EQ(back->previous->version, 8u);
}

TEST(TrustedState, ACorruptFileIsAnErrorNeverAFreshStart) {
  testing::TempTree tree;
  std::string error;
  // Reading a damaged file as "nothing accepted yet" would let any old version back in.
  tree.write("state.json", "{\"pinned_key_id\": \"x\", \"keys\": [], \"highest_vers");
  EXPECT_FALSE(read_trusted_state(tree.root(), error));
  EXPECT_NE(error.find("corrupt"), std::string::npos) << error;
  // A state file may not point the loader outside the state directory.
  tree.write("state.json",
             R"({"pinned_key_id": "x", "keys": [], "highest_version": 1, "active": {"version": 1,
"dir": "bundles/../../etc", "archive_sha256": "", "entries": 0, "key_id": "", "created": 0,
"expires": 0, "accepted_at": 0, "source": "", "metadata": ""}})");
  EXPECT_FALSE(read_trusted_state(tree.root(), error));
}

}  // namespace
}  // namespace edugate::rules::update
