#pragma once

#include <string>
#include <string_view>

namespace edugate::rules {

/// Folds text for keyword matching, so that "cờ bạc", "co bac", "CỜ  BẠC" and "Cờ+bạc" are all
/// "co bac":
/// - Unicode case folding and canonical normalisation (libunistring), result in NFC;
/// - diacritics removed from Latin letters, which covers every Vietnamese vowel with its tone
///   and vowel marks (precomposed or decomposed: U+0300 0301 0303 0309 0323 0302 0306 031B),
///   and đ/Đ (also the look-alike Ð/ð) become d; letters of other scripts keep their marks;
/// - every run of whitespace, punctuation, symbols, controls and invalid UTF-8 becomes one
///   space; leading and trailing spaces are trimmed.
/// Pure ASCII input takes a fast path without libunistring. Thread-safe.
std::string fold_for_matching(std::string_view utf8);

}  // namespace edugate::rules
