#include "rules/compiled/regex_text.hpp"

#include <charconv>
#include <cstring>

namespace edugate::rules::compiled {

namespace {

std::uint16_t default_port_of(Scheme scheme) noexcept {
  return scheme == Scheme::http || scheme == Scheme::ws ? 80 : 443;
}

class Writer {
 public:
  Writer(char* out, std::size_t capacity) : out_(out), capacity_(capacity) {}
  void put(std::string_view s) noexcept {
    if (overflow_ || s.size() > capacity_ - size_) {
      overflow_ = true;
      return;
    }
    std::memcpy(out_ + size_, s.data(), s.size());
    size_ += s.size();
  }
  std::size_t result() const noexcept { return overflow_ ? capacity_ + 1 : size_; }

 private:
  char* out_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  bool overflow_ = false;
};

}  // namespace

std::size_t write_regex_text(const RequestFacts& facts, char* out, std::size_t capacity) noexcept {
  Writer w(out, capacity);
  const bool v6 = facts.host.find(':') != std::string_view::npos;
  if (v6) w.put("[");
  w.put(facts.host);
  if (v6) w.put("]");
  if (facts.port != 0 && facts.port != default_port_of(facts.scheme)) {
    char digits[8];
    const auto end = std::to_chars(digits, digits + sizeof digits, facts.port).ptr;
    w.put(":");
    w.put({digits, static_cast<std::size_t>(end - digits)});
  }
  w.put(facts.path.empty() ? std::string_view("/") : facts.path);
  if (!facts.query.empty()) {
    w.put("?");
    w.put(facts.query);
  }
  return w.result();
}

}  // namespace edugate::rules::compiled
