#include "rules/normalize/text_fold.hpp"

#include <gtest/gtest.h>

#include <string>

namespace edugate::rules {
namespace {

struct FoldCase {
  const char* input;
  const char* expected;
};

TEST(FoldForMatching, VietnameseTable) {
  const FoldCase cases[] = {
      // The four spellings of one search.
      {"cờ bạc", "co bac"},
      {"co bac", "co bac"},
      {"CỜ  BẠC", "co bac"},
      {"Cờ+bạc", "co bac"},
      // Decomposed input: base letter + combining marks (NFD, and unusual mark orders).
      {"co\xCC\x9B\xCC\x80 ba\xCC\xA3"
       "c",
       "co bac"},
      {"c\x6F\xCC\x80\xCC\x9B", "co"},
      // Every vowel family, every tone.
      {"àáảãạ ăằắẳẵặ âầấẩẫậ", "aaaaa aaaaaa aaaaaa"},
      {"ÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ", "aaaaa aaaaaa aaaaaa"},
      {"èéẻẽẹ êềếểễệ", "eeeee eeeeee"},
      {"ÈÉẺẼẸ ÊỀẾỂỄỆ", "eeeee eeeeee"},
      {"ìíỉĩị ÌÍỈĨỊ", "iiiii iiiii"},
      {"òóỏõọ ôồốổỗộ ơờớởỡợ", "ooooo oooooo oooooo"},
      {"ÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ", "ooooo oooooo oooooo"},
      {"ùúủũụ ưừứửữự", "uuuuu uuuuuu"},
      {"ÙÚỦŨỤ ƯỪỨỬỮỰ", "uuuuu uuuuuu"},
      {"ỳýỷỹỵ ỲÝỶỸỴ", "yyyyy yyyyy"},
      {"đ Đ", "d d"},
      {"Ðồ chơi", "do choi"},  // U+00D0 typed for Đ
      {"Đánh bạc trực tuyến", "danh bac truc tuyen"},
      {"Bộ Giáo dục và Đào tạo", "bo giao duc va dao tao"},
      // Punctuation, symbols and whitespace collapse; trimmed.
      {"  game---online!!! ", "game online"},
      {"sex,\tphim\n18+", "sex phim 18"},
      {"“xổ số” – kết quả…", "xo so ket qua"},
      {"a\xC2\xA0"
       "b",
       "a b"},  // no-break space
      {"a\xE3\x80\x80"
       "b",
       "a b"},  // ideographic space
      {"", ""},
      {"   ", ""},
      {"!!!", ""},
      // ASCII fast path.
      {"Hello WORLD 2024", "hello world 2024"},
      // Other scripts keep their letters (and marks) and are lowercased.
      {"ПРИВЕТ мир", "привет мир"},
      {"й", "й"},
      {"ゲーム", "ゲーム"},
      {"Straße", "strasse"},
      // Invalid UTF-8 is a separator, never an error.
      {"co\xFF"
       "bac",
       "co bac"},
      {"\xC3", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fold_for_matching(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(FoldForMatching, IsIdempotent) {
  for (const char* s : {"Cờ bạc", "ПРИВЕТ мир", "ゲーム", "a  b", "Đánh-bạc"}) {
    const std::string once = fold_for_matching(s);
    EXPECT_EQ(fold_for_matching(once), once) << s;
  }
}

TEST(FoldForMatching, OutputIsNfc) {
  // "が" decomposes to か + U+3099 inside; the result must be recomposed.
  EXPECT_EQ(fold_for_matching("ガ"), "ガ");
  EXPECT_EQ(fold_for_matching("\xE3\x82\xAB\xE3\x82\x99"), "ガ");
}

}  // namespace
}  // namespace edugate::rules
