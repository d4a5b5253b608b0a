#include "rules/update/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <functional>

namespace edugate::rules::update {
namespace {

/// A gzip tar written entry by entry, the way an attacker would make one: `add` gets each
/// entry to fill in.
std::string hostile_archive(const std::vector<std::function<void(archive_entry*)>>& entries,
                            const std::string& data = "x.test\n") {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  std::string out;
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* d, const void* buf, std::size_t n) -> la_ssize_t {
        static_cast<std::string*>(d)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& fill : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    fill(e);
    archive_write_header(a, e);
    if (archive_entry_filetype(e) == AE_IFREG && archive_entry_size(e) > 0)
      archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

auto named(const char* name) {
  return [name](archive_entry* e) { archive_entry_set_pathname(e, name); };
}

TEST(Archive, PackIsDeterministicAndRoundTrips) {
  signing::BundleFiles files{{"categories.yaml", "categories: []\n"},
                             {"lists/a.txt", "a.test\nb.test\n"},
                             {"lists/sub/b.txt", std::string(100000, 'z')}};
  std::string error;
  const auto one = pack(files, error);
  ASSERT_TRUE(one) << error;
  const auto two = pack(files, error);
  ASSERT_TRUE(two);
  EXPECT_EQ(*one, *two);  // same files, same bytes: a content address
  const auto back = unpack(*one, {}, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, files);
}

TEST(Archive, RefusesEscapesLinksAndSpecialFiles) {
  struct Case {
    const char* what;
    std::function<void(archive_entry*)> fill;
  };
  const Case cases[] = {
      {"dot-dot", named("../evil.yaml")},
      {"dot-dot inside", named("lists/../../evil.yaml")},
      {"absolute", named("/etc/edugate/edugate.yaml")},
      {"empty component", named("lists//a.txt")},
      {"control character", named("lists/a\n.txt")},
      {"symlink",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "lists/a.txt");
         archive_entry_set_filetype(e, AE_IFLNK);
         archive_entry_set_symlink(e, "/etc/shadow");
         archive_entry_set_size(e, 0);
       }},
      {"hard link",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "lists/b.txt");
         archive_entry_set_hardlink(e, "categories.yaml");
         archive_entry_set_size(e, 0);
       }},
      {"fifo",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "lists/fifo");
         archive_entry_set_filetype(e, AE_IFIFO);
         archive_entry_set_size(e, 0);
       }},
  };
  for (const auto& c : cases) {
    const auto bytes = hostile_archive({named("categories.yaml"), c.fill});
    std::string error;
    EXPECT_FALSE(unpack(bytes, {}, error)) << c.what;
    EXPECT_NE(error.find("refused"), std::string::npos) << c.what << ": " << error;
  }
}

TEST(Archive, RefusesTheSameNameTwiceAndAFileUnderAFile) {
  std::string error;
  EXPECT_FALSE(unpack(hostile_archive({named("a.yaml"), named("a.yaml")}), {}, error));
  EXPECT_NE(error.find("twice"), std::string::npos) << error;
  EXPECT_FALSE(unpack(hostile_archive({named("lists"), named("lists/a.txt")}), {}, error));
  EXPECT_NE(error.find("both a file and a directory"), std::string::npos) << error;
}

TEST(Archive, StopsADecompressionBombAtTheLimit) {
  // 64 MiB of zeros compress to ~64 KiB; the limit stops reading at 1 MiB, not after.
  const std::string zeros(64 << 20, '\0');
  std::string error;
  const auto bomb = pack({{"big.txt", zeros}}, error);
  ASSERT_TRUE(bomb) << error;
  EXPECT_LT(bomb->size(), std::size_t{1} << 20);
  UnpackLimits limits;
  limits.max_total_bytes = 1 << 20;
  EXPECT_FALSE(unpack(*bomb, limits, error));
  EXPECT_NE(error.find("larger than"), std::string::npos) << error;
  limits.max_total_bytes = std::uint64_t{1} << 30;
  limits.max_files = 2;
  EXPECT_FALSE(unpack(pack({{"a", "1"}, {"b", "2"}, {"c", "3"}}, error).value(), limits, error));
  EXPECT_NE(error.find("more than 2 files"), std::string::npos) << error;
}

TEST(Archive, RefusesTruncatedAndForeignBytes) {
  std::string error;
  const auto good = pack({{"a.yaml", std::string(50000, 'a') + "\n"}, {"b.yaml", "b\n"}}, error);
  ASSERT_TRUE(good);
  for (std::size_t cut : {good->size() - 1, good->size() / 2, std::size_t{10}}) {
    EXPECT_FALSE(unpack(std::string_view(*good).substr(0, cut), {}, error)) << cut;
    EXPECT_FALSE(error.empty());
  }
  EXPECT_FALSE(unpack("not an archive at all", {}, error));
  EXPECT_FALSE(unpack("", {}, error));
}

}  // namespace
}  // namespace edugate::rules::update
