#include "rules/normalize/host.hpp"

#include <idn2.h>

#include <memory>

#include "rules/cidr.hpp"
#include "rules/normalize/ip_literal.hpp"

namespace edugate::rules {
namespace {

/// Lookup table for the octets a normalised name may hold; uppercase maps to lowercase.
struct NameTable {
  char map[256] = {};
  constexpr NameTable() {
    for (int c = 'a'; c <= 'z'; ++c) map[c] = static_cast<char>(c);
    for (int c = 'A'; c <= 'Z'; ++c) map[c] = static_cast<char>(c - 'A' + 'a');
    for (int c = '0'; c <= '9'; ++c) map[c] = static_cast<char>(c);
    map[static_cast<int>('-')] = '-';
    map[static_cast<int>('_')] = '_';
    map[static_cast<int>('.')] = '.';
  }
};
constexpr NameTable kNameTable;

struct IdnFree {
  void operator()(char* p) const { idn2_free(p); }
};

/// Lowercases and validates an ASCII name into `out`; then turns numeric names into IPv4.
bool ascii_name_into(std::string_view in, std::string& out) {
  if (!in.empty() && in.back() == '.') in.remove_suffix(1);  // one trailing dot: the DNS root
  if (in.empty() || in.size() > kMaxHostLength) return false;
  out.resize(in.size());
  std::size_t label_start = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char mapped = kNameTable.map[static_cast<unsigned char>(in[i])];
    if (mapped == 0) return false;
    out[i] = mapped;
    if (mapped == '.') {
      if (i == label_start || i - label_start > kMaxLabelLength) return false;
      label_start = i + 1;
    }
  }
  if (label_start == in.size() || in.size() - label_start > kMaxLabelLength) return false;
  const char last = out.back();
  if ((last < '0' || last > '9') && (last < 'a' || last > 'f') && last != 'x') return true;
  const std::string_view last_label = std::string_view(out).substr(label_start);
  if (!is_numeric_label(last_label)) return true;
  const auto address = parse_ipv4_loose(out);
  if (!address) return false;
  out.clear();
  append_ipv4(*address, out);
  return true;
}

/// Converts a name holding non-ASCII octets to its A-label form with libidn2.
bool idn_name_into(std::string_view in, std::string& out) {
  const std::string input(in);  // libidn2 wants a NUL-terminated string
  if (input.find('\0') != std::string::npos) return false;
  char* raw = nullptr;
  int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK) {
    raw = nullptr;
    rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
  }
  const std::unique_ptr<char, IdnFree> converted(raw);
  if (rc != IDN2_OK || converted == nullptr) return false;
  return ascii_name_into(converted.get(), out);
}

bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

/// An IPv6 literal in RFC 5952 form, or — when it carries an IPv4 address it leads to (mapped,
/// compatible, NAT64, 6to4; see embedded_ipv4) — that IPv4 address, so that rules written for
/// the IPv4 address match every way of writing it. Teredo (2001::/32) is left as IPv6 here: its
/// IPv4 address is reached only through a Teredo relay, and the prefix holds ordinary addresses
/// too. (The destination policy, which only refuses, does count Teredo.)
bool ipv6_into(std::string_view text, std::string& out) {
  if (!append_ipv6_canonical(text, out)) return false;
  const auto ip = parse_ip(out);
  if (!ip) return true;
  const auto& raw = ip->bytes;
  const bool teredo = raw[0] == 0x20 && raw[1] == 0x01 && raw[2] == 0 && raw[3] == 0;
  const auto v4 = ip->is_v4() ? ip : teredo ? std::nullopt : embedded_ipv4(*ip);
  if (!v4) return true;
  const auto& b = v4->bytes;
  out.clear();
  append_ipv4(std::uint32_t{b[12]} << 24 | std::uint32_t{b[13]} << 16 | std::uint32_t{b[14]} << 8 |
                  std::uint32_t{b[15]},
              out);
  return true;
}

}  // namespace

bool normalize_host_into(std::string_view host, std::string& out) {
  out.clear();
  if (host.empty() || host.size() > kMaxHostInput) return false;
  if (host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return false;
    return ipv6_into(host.substr(1, host.size() - 2), out);
  }
  if (host.find(':') != std::string_view::npos) return ipv6_into(host, out);
  if (is_ascii(host)) return ascii_name_into(host, out);
  return idn_name_into(host, out);
}

std::optional<std::string> normalize_host(std::string_view host) {
  std::string out;
  if (!normalize_host_into(host, out)) return std::nullopt;
  return out;
}

HostKind host_kind(std::string_view normalized_host) {
  if (normalized_host.find(':') != std::string_view::npos) return HostKind::ipv6;
  if (!normalized_host.empty() && normalized_host.back() >= '0' && normalized_host.back() <= '9') {
    const std::size_t dot = normalized_host.rfind('.');
    const std::string_view last =
        dot == std::string_view::npos ? normalized_host : normalized_host.substr(dot + 1);
    if (is_numeric_label(last)) return HostKind::ipv4;
  }
  return HostKind::name;
}

}  // namespace edugate::rules
