#include "rules/lists/squidguard_directory.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace edugate::rules {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("edugate-sg-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  std::string str() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(SquidGuardDirectory, ReadsThePresentFiles) {
  TempDir dir;
  dir.write("domains", "casino.example\nwww.bet.example\nbad..example\n");
  dir.write("urls", "www.news.example/games/\nnews.example/games/\n");
  dir.write("usage", "black\n");  // ignored
  std::string error;
  const auto cat = read_squidguard_directory(dir.str(), &error);
  ASSERT_TRUE(cat) << error;
  ASSERT_TRUE(cat->domains);
  ASSERT_TRUE(cat->urls);
  EXPECT_FALSE(cat->expressions);
  ASSERT_EQ(cat->domains->entries.size(), 2u);
  EXPECT_EQ(cat->domains->entries[1].value, "www.bet.example");  // domains keep their www.
  ASSERT_EQ(cat->domains->problems.size(), 1u);
  EXPECT_EQ(cat->domains->problems[0].line, 3u);
  ASSERT_EQ(cat->urls->entries.size(), 1u);
  EXPECT_EQ(cat->urls->entries[0].value, "news.example/games/");
  EXPECT_EQ(cat->urls->duplicates, 1u);
}

TEST(SquidGuardDirectory, ExpressionsOnly) {
  TempDir dir;
  dir.write("expressions", "(poker|casino)\n");
  std::string error;
  const auto cat = read_squidguard_directory(dir.str(), &error);
  ASSERT_TRUE(cat) << error;
  ASSERT_TRUE(cat->expressions);
  EXPECT_EQ(cat->expressions->entries.at(0).value, "(poker|casino)");
}

TEST(SquidGuardDirectory, Errors) {
  std::string error;
  EXPECT_FALSE(read_squidguard_directory("/nonexistent/edugate", &error));
  EXPECT_NE(error.find("not a directory"), std::string::npos);
  TempDir empty;
  EXPECT_FALSE(read_squidguard_directory(empty.str(), &error));
  EXPECT_NE(error.find("no domains, urls or expressions"), std::string::npos);
  TempDir odd;
  fs::create_directories(fs::path(odd.str()) / "domains");  // a directory, not a file
  EXPECT_FALSE(read_squidguard_directory(odd.str(), &error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace edugate::rules
