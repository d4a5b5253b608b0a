// warn_pass_key_file: the key two nodes of a school share, so a device moved from one to the
// other keeps its warn pass. The file forges passes, so it is read only from a file no one else
// may read, and only when it holds a whole key.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "proxy/policy/warn_pass.hpp"

namespace edugate::proxy::policy {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WarnPassKeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edugate-wpk-XXXXXX").string();
    ASSERT_TRUE(::mkdtemp(pattern.data()));
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, mode_t mode) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  fs::path dir_;
  const std::string hex_ = std::string(32, 'a') + std::string(32, '0');
};

TEST_F(WarnPassKeyFile, TwoNodesWithOneKeyFileHonourEachOthersPasses) {
  const auto path = write("warn-pass.key", hex_ + "\n", 0600);
  std::string error;
  const auto key = WarnPass::read_key_file(path, error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ((*key)[0], 0xaa);
  EXPECT_EQ((*key)[31], 0x00);
  const WarnPass node1(*key), node2(*key), stranger;
  const auto now = std::chrono::system_clock::now();
  const auto pass = node1.issue(WarnPass::Purpose::cookie, "social.test", now + 10min);
  EXPECT_TRUE(node2.valid(WarnPass::Purpose::cookie, pass, "social.test", now));
  EXPECT_FALSE(stranger.valid(WarnPass::Purpose::cookie, pass, "social.test", now));
}

TEST_F(WarnPassKeyFile, AKeyOthersCanReadOrChangeIsRefused) {
  for (const mode_t mode : {0644, 0604, 0660, 0620}) {
    const auto path = write("k" + std::to_string(mode), hex_, mode);
    std::string error;
    EXPECT_FALSE(WarnPass::read_key_file(path, error)) << std::oct << mode;
    EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
  }
  for (const mode_t mode : {0600, 0400, 0640, 0440}) {
    const auto path = write("ok" + std::to_string(mode), hex_, mode);
    std::string error;
    EXPECT_TRUE(WarnPass::read_key_file(path, error)) << std::oct << mode << ": " << error;
  }
}

TEST_F(WarnPassKeyFile, OnlyAWholeHexKeyIsAccepted) {
  for (const std::string& text :
       {hex_.substr(0, 62), hex_ + "00", "zz" + hex_.substr(2), std::string(), hex_ + "\n\n",
        "+a" + hex_.substr(2), " " + hex_.substr(1)}) {
    const auto path = write("bad", text, 0600);
    std::string error;
    EXPECT_FALSE(WarnPass::read_key_file(path, error)) << '"' << text << '"';
    EXPECT_NE(error.find("64 hex digits"), std::string::npos) << error;
    fs::remove(path);
  }
  std::string error;
  EXPECT_FALSE(WarnPass::read_key_file((dir_ / "missing").string(), error));
  EXPECT_FALSE(WarnPass::read_key_file(dir_.string(), error));  // a directory
}

// The expiry in a pass comes from the pupil. One too large for a time_point (nanoseconds)
// overflowed before the MAC was checked: undefined behaviour any pupil could trigger with a
// cookie (gate_fuzz found it; this aborts the UBSan build on the old code).
TEST(WarnPassToken, AnExpiryBeyondAnyClockIsRefusedWithoutOverflow) {
  const WarnPass passes;
  const auto now = std::chrono::system_clock::now();
  const std::string mac(32, '0');
  for (const char* expiry : {"8000124759417562692", "9223372036854775807", "-9223372036854775808",
                             "99999999999999999999"})
    EXPECT_FALSE(passes.valid(WarnPass::Purpose::cookie, std::string(expiry) + "." + mac,
                              "social.test", now))
        << expiry;
  // A genuine pass still works.
  const auto pass = passes.issue(WarnPass::Purpose::cookie, "social.test", now + 10min);
  EXPECT_TRUE(passes.valid(WarnPass::Purpose::cookie, pass, "social.test", now));
}

}  // namespace
}  // namespace edugate::proxy::policy
