#include "rules/normalize/text_fold.hpp"

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include <cstdlib>
#include <memory>

namespace edugate::rules {
namespace {

struct FreeDeleter {
  void operator()(std::uint8_t* p) const { std::free(p); }
};
using UniBuffer = std::unique_ptr<std::uint8_t, FreeDeleter>;

const std::uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

/// Appends one space unless the output is empty or already ends in one (collapse + trim left).
void append_separator(std::string& out) {
  if (!out.empty() && out.back() != ' ') out.push_back(' ');
}

void trim_right(std::string& out) {
  if (!out.empty() && out.back() == ' ') out.pop_back();
}

std::string fold_ascii(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else {
      append_separator(out);
    }
  }
  trim_right(out);
  return out;
}

/// Copies valid UTF-8 and turns each invalid sequence into a space, so libunistring never fails.
std::string sanitize_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    ucs4_t uc = 0;
    const int len = u8_mbtoucr(&uc, bytes(in) + i, in.size() - i);
    if (len <= 0 || uc == 0) {
      out.push_back(' ');
      ++i;
    } else {
      out.append(in.substr(i, static_cast<std::size_t>(len)));
      i += static_cast<std::size_t>(len);
    }
  }
  return out;
}

bool is_separator(ucs4_t uc) {
  if (uc < 0x80) {
    return !((uc >= 'a' && uc <= 'z') || (uc >= 'A' && uc <= 'Z') || (uc >= '0' && uc <= '9'));
  }
  static const uc_general_category_t kSeparators =
      uc_general_category_or(uc_general_category_or(UC_CATEGORY_Z, UC_CATEGORY_P),
                             uc_general_category_or(UC_CATEGORY_S, UC_CATEGORY_C));
  return uc_is_general_category(uc, kSeparators);
}

bool is_combining_diacritic(ucs4_t uc) { return uc >= 0x0300 && uc <= 0x036f; }

/// Walks case-folded NFD text: drops the diacritics of Latin letters, maps đ/ð to d, collapses
/// separators. The output is still decomposed for other scripts.
std::string strip_marks(std::string_view nfd) {
  std::string out;
  out.reserve(nfd.size());
  bool after_latin = false;  // the last base character was an ASCII letter
  std::size_t i = 0;
  while (i < nfd.size()) {
    ucs4_t uc = 0;
    const int len = u8_mbtoucr(&uc, bytes(nfd) + i, nfd.size() - i);
    const std::size_t n = len > 0 ? static_cast<std::size_t>(len) : 1;
    if (len <= 0) {
      append_separator(out);
      after_latin = false;
    } else if (is_combining_diacritic(uc)) {
      if (!after_latin && !out.empty() && out.back() != ' ') out.append(nfd.substr(i, n));
    } else if (uc == 0x0111 || uc == 0x00f0) {  // đ, and ð which is often typed for it
      out.push_back('d');
      after_latin = true;
    } else if (is_separator(uc)) {
      append_separator(out);
      after_latin = false;
    } else {
      out.append(nfd.substr(i, n));
      after_latin = uc < 0x80;
    }
    i += n;
  }
  trim_right(out);
  return out;
}

bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

}  // namespace

std::string fold_for_matching(std::string_view utf8) {
  if (is_ascii(utf8)) return fold_ascii(utf8);
  const std::string clean = sanitize_utf8(utf8);
  std::size_t folded_len = 0;
  const UniBuffer folded(
      u8_casefold(bytes(clean), clean.size(), nullptr, UNINORM_NFD, nullptr, &folded_len));
  if (!folded) return fold_ascii(clean);  // out of memory: still never throw or fail open
  const std::string stripped =
      strip_marks(std::string_view(reinterpret_cast<const char*>(folded.get()), folded_len));
  if (is_ascii(stripped)) return stripped;
  std::size_t nfc_len = 0;
  const UniBuffer nfc(
      u8_normalize(UNINORM_NFC, bytes(stripped), stripped.size(), nullptr, &nfc_len));
  if (!nfc) return stripped;
  return std::string(reinterpret_cast<const char*>(nfc.get()), nfc_len);
}

}  // namespace edugate::rules
