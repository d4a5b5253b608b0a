#include "proxy/policy/clock.hpp"

#include <charconv>
#include <fstream>

namespace edugate::proxy::policy {

std::chrono::system_clock::time_point FileClock::now() const {
  std::ifstream in(path_);
  std::string text;
  if (in && std::getline(in, text)) {
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc{} && end != text.data())
      return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
  }
  return std::chrono::system_clock::now();
}

}  // namespace edugate::proxy::policy
