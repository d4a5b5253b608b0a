#pragma once

#include <cstddef>
#include <string_view>

namespace edugate::rules::compiled {

/// Calls f(phrase) for every run of 1 .. max_words consecutive words of `folded` (words are
/// separated by single spaces, as fold_for_matching() produces), so that keyword phrases can be
/// looked up whole. Cost: words × max_words lookups; never allocates.
template <typename F>
void for_each_phrase(std::string_view folded, std::size_t max_words, F&& f) {
  for (std::size_t start = 0; start < folded.size();) {
    std::size_t end = start;
    for (std::size_t words = 0; words < max_words && end < folded.size(); ++words) {
      const std::size_t space = folded.find(' ', end);
      end = space == std::string_view::npos ? folded.size() : space;
      f(folded.substr(start, end - start));
      ++end;  // past the space
    }
    const std::size_t next = folded.find(' ', start);
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
}

}  // namespace edugate::rules::compiled
