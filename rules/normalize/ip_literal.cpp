#include "rules/normalize/ip_literal.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace edugate::rules {
namespace {

constexpr std::size_t kMaxIpv6Text = 45;  // "0000:0000:0000:0000:0000:ffff:255.255.255.255"
constexpr std::uint64_t kMaxU32 = 0xffffffffULL;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// One inet_aton part: decimal, octal with a leading 0, hex with 0x. Values above 2^32-1 fail.
std::optional<std::uint64_t> parse_part(std::string_view part) {
  if (part.empty()) return std::nullopt;
  unsigned base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);  // "0x" alone is 0, as in browsers
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (char c : part) {
    const int digit = hex_value(c);
    if (digit < 0 || static_cast<unsigned>(digit) >= base) return std::nullopt;
    value = value * base + static_cast<unsigned>(digit);
    if (value > kMaxU32) return std::nullopt;
  }
  return value;
}

void append_hex16(std::uint16_t group, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = (group >> shift) & 0xfu;
    if (nibble != 0 || started || shift == 0) {
      out.push_back(kDigits[nibble]);
      started = true;
    }
  }
}

}  // namespace

bool is_numeric_label(std::string_view label) {
  if (label.empty()) return false;
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
    for (char c : label.substr(2)) {
      if (hex_value(c) < 0) return false;
    }
    return true;
  }
  for (char c : label) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::uint32_t> parse_ipv4_loose(std::string_view text) {
  std::array<std::uint64_t, 4> parts{};
  std::size_t count = 0;
  while (true) {
    if (count == parts.size()) return std::nullopt;
    const std::size_t dot = text.find('.');
    const auto value = parse_part(text.substr(0, dot));
    if (!value) return std::nullopt;
    parts[count++] = *value;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  std::uint64_t address = 0;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (parts[i] > 255) return std::nullopt;
    address |= parts[i] << (8 * (3 - i));
  }
  // The last part fills all the bytes that the earlier parts left.
  const unsigned last_bits = 8 * static_cast<unsigned>(5 - count);
  if (last_bits < 32 && parts[count - 1] >= (std::uint64_t{1} << last_bits)) return std::nullopt;
  address |= parts[count - 1];
  return static_cast<std::uint32_t>(address);
}

void append_ipv4(std::uint32_t address, std::string& out) {
  char buf[16];
  for (int i = 3; i >= 0; --i) {
    unsigned octet = (address >> (8 * i)) & 0xffu;
    char* end = buf + sizeof buf;
    char* p = end;
    do {
      *--p = static_cast<char>('0' + octet % 10);
      octet /= 10;
    } while (octet != 0);
    out.append(p, end);
    if (i != 0) out.push_back('.');
  }
}

bool append_ipv6_canonical(std::string_view text, std::string& out) {
  if (text.empty() || text.size() > kMaxIpv6Text) return false;
  char buf[kMaxIpv6Text + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char raw[16];
  if (inet_pton(AF_INET6, buf, raw) != 1) return false;

  std::array<std::uint16_t, 8> groups{};
  for (std::size_t i = 0; i < groups.size(); ++i) {
    groups[i] = static_cast<std::uint16_t>((raw[2 * i] << 8) | raw[2 * i + 1]);
  }
  // RFC 5952 4.2: compress the longest run of two or more zero groups (the first one on a tie).
  int best_start = -1;
  int best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  const bool v4_mapped = best_start == 0 && best_len == 5 && groups[5] == 0xffff;
  if (v4_mapped) {
    out += "::ffff:";
    append_ipv4((std::uint32_t{raw[12]} << 24) | (std::uint32_t{raw[13]} << 16) |
                    (std::uint32_t{raw[14]} << 8) | raw[15],
                out);
    return true;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i != 0 && i != best_start + best_len) out.push_back(':');
    append_hex16(groups[i], out);
  }
  return true;
}

}  // namespace edugate::rules
