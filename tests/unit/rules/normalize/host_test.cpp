#include "rules/normalize/host.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace edugate::rules {
namespace {

struct HostCase {
  const char* name;
  std::string input;
  std::optional<std::string> expected;  // nullopt: must be rejected
};

std::ostream& operator<<(std::ostream& os, const HostCase& c) { return os << c.name; }

class NormalizeHostTable : public ::testing::TestWithParam<HostCase> {};

TEST_P(NormalizeHostTable, MatchesExpectedForm) {
  const HostCase& c = GetParam();
  EXPECT_EQ(normalize_host(c.input), c.expected) << "input: " << c.input;
  // The buffer variant agrees, also when the buffer holds an earlier result.
  std::string out = "previous-content.example";
  const bool ok = normalize_host_into(c.input, out);
  EXPECT_EQ(ok, c.expected.has_value());
  if (ok && c.expected) {
    EXPECT_EQ(out, *c.expected);
  }
  // Normalisation is idempotent.
  if (c.expected) {
    EXPECT_EQ(normalize_host(*c.expected), c.expected);
  }
}

const HostCase kHostCases[] = {
    {"lowercase_kept", "example.com", "example.com"},
    {"uppercase", "ExAmPlE.COM", "example.com"},
    {"trailing_dot", "example.com.", "example.com"},
    {"two_trailing_dots", "example.com..", std::nullopt},
    {"single_label", "localhost", "localhost"},
    {"underscore_allowed", "_dmarc.Example.com", "_dmarc.example.com"},
    {"hyphens", "a-b--c.example", "a-b--c.example"},
    {"idn_vietnamese", "Bộgiáodục.vn", "xn--bgiodc-rta7842dida.vn"},
    {"idn_uppercase_vietnamese", "ĐẠI-HỌC.vn", "xn--i-hc-zua2256b5ia.vn"},
    {"idn_lowercase_same", "đại-học.vn", "xn--i-hc-zua2256b5ia.vn"},
    {"idn_decomposed_input",
     "đa\xCC\xA3i-ho\xCC\xA3"
     "c.vn",
     "xn--i-hc-zua2256b5ia.vn"},
    {"idn_mixed_script_cyrillic_a", "p\xD0\xB0ypal.com", "xn--pypal-4ve.com"},
    {"idn_japanese", "例え.テスト", "xn--r8jz45g.xn--zckzah"},
    {"idn_nontransitional_sharp_s", "faß.de", "xn--fa-hia.de"},
    {"idn_fullwidth_dot", "bücher。de", "xn--bcher-kva.de"},
    {"punycode_kept", "XN--BCHER-KVA.de", "xn--bcher-kva.de"},
    {"ipv4_plain", "192.168.0.1", "192.168.0.1"},
    {"ipv4_decimal", "3232235777", "192.168.1.1"},
    {"ipv4_octal", "0300.0250.0.1", "192.168.0.1"},
    {"ipv4_hex_whole", "0xc0a80001", "192.168.0.1"},
    {"ipv4_hex_parts_uppercase", "0xC0.0xA8.0.1", "192.168.0.1"},
    {"ipv4_short_three_parts", "192.168.1", "192.168.0.1"},
    {"ipv4_short_two_parts", "127.1", "127.0.0.1"},
    {"ipv4_hex_short", "0x7f.1", "127.0.0.1"},
    {"ipv4_trailing_dot", "10.0.0.1.", "10.0.0.1"},
    {"ipv4_zero", "0", "0.0.0.0"},
    {"ipv4_octet_out_of_range", "1.2.3.256", std::nullopt},
    {"ipv4_first_octet_out_of_range", "256.1.2.3", std::nullopt},
    {"ipv4_short_out_of_range", "1.2.65536", std::nullopt},
    {"ipv4_whole_out_of_range", "4294967296", std::nullopt},
    {"ipv4_five_parts", "1.2.3.4.5", std::nullopt},
    {"ipv4_bad_octal", "08.1.1.1", std::nullopt},
    {"name_ending_in_number", "example.123", std::nullopt},
    {"name_with_digit_label_not_last", "1.example.com", "1.example.com"},
    {"name_last_label_alnum", "example.3com", "example.3com"},
    {"ipv6_compress", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
    {"ipv6_brackets", "[2001:db8::1]", "2001:db8::1"},
    // IPv6 literals that carry an IPv4 address are that address (rules for it must match).
    {"ipv6_v4_mapped", "[::FFFF:192.168.0.1]", "192.168.0.1"},
    {"ipv6_v4_mapped_hex", "::ffff:c0a8:1", "192.168.0.1"},
    {"ipv6_v4_compatible", "[::192.168.0.1]", "192.168.0.1"},
    {"ipv6_nat64", "[64:ff9b::c0a8:1]", "192.168.0.1"},
    {"ipv6_nat64_local_use", "[64:ff9b:1:c0a8:0:100::]", "192.168.0.1"},
    {"ipv6_6to4", "[2002:c0a8:1::1]", "192.168.0.1"},
    {"ipv6_teredo_stays", "[2001:0:4136:e378:8000:63bf:3f57:fffe]",
     "2001:0:4136:e378:8000:63bf:3f57:fffe"},
    {"ipv6_loopback_stays", "[::1]", "::1"},
    {"ipv6_leading_zeros", "2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},
    {"ipv6_single_zero_not_compressed", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
    {"ipv6_first_longest_run", "2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
    {"ipv6_loopback", "::1", "::1"},
    {"ipv6_unspecified", "[::]", "::"},
    {"ipv6_zone_rejected", "fe80::1%eth0", std::nullopt},
    {"ipv6_zone_in_brackets_rejected", "[fe80::1%25eth0]", std::nullopt},
    {"ipv6_unclosed_bracket", "[::1", std::nullopt},
    {"ipv6_garbage", "2001:db8:::1", std::nullopt},
    {"host_with_port_rejected", "example.com:80", std::nullopt},
    {"empty", "", std::nullopt},
    {"only_dot", ".", std::nullopt},
    {"empty_label", "a..b", std::nullopt},
    {"leading_dot", ".example.com", std::nullopt},
    {"label_63_ok", std::string(63, 'a') + ".com", std::string(63, 'a') + ".com"},
    {"label_64_rejected", std::string(64, 'a') + ".com", std::nullopt},
    {"name_253_ok",
     std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
         std::string(61, 'd'),
     std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
         std::string(61, 'd')},
    {"name_254_rejected",
     std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
         std::string(62, 'd'),
     std::nullopt},
    {"input_over_1024", std::string(1025, 'a'), std::nullopt},
    {"space", "exa mple.com", std::nullopt},
    {"slash", "example.com/path", std::nullopt},
    {"at_sign", "user@example.com", std::nullopt},
    {"percent", "ex%61mple.com", std::nullopt},
    {"backslash", "example.com\\", std::nullopt},
    {"nul_byte", std::string("exa\0mple.com", 12), std::nullopt},
    {"nul_in_idn", std::string("b\xC3\xBC\0cher.de", 10), std::nullopt},
    {"star", "*.example.com", std::nullopt},
    {"invalid_utf8", "\xFF\xFE.com", std::nullopt},
};

INSTANTIATE_TEST_SUITE_P(Cases, NormalizeHostTable, ::testing::ValuesIn(kHostCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HostKind, ClassifiesNormalisedHosts) {
  EXPECT_EQ(host_kind("example.com"), HostKind::name);
  EXPECT_EQ(host_kind("1.example.com"), HostKind::name);
  EXPECT_EQ(host_kind("example.3com"), HostKind::name);
  EXPECT_EQ(host_kind("192.168.0.1"), HostKind::ipv4);
  EXPECT_EQ(host_kind("0.0.0.0"), HostKind::ipv4);
  EXPECT_EQ(host_kind("2001:db8::1"), HostKind::ipv6);
  EXPECT_EQ(host_kind("::ffff:192.168.0.1"), HostKind::ipv6);
}

TEST(NormalizeHostInto, ReusesTheBufferCapacity) {
  std::string out;
  out.reserve(256);
  const char* before = out.data();
  ASSERT_TRUE(normalize_host_into("WWW.Example.COM", out));
  EXPECT_EQ(out, "www.example.com");
  ASSERT_TRUE(normalize_host_into("0x7f.1", out));
  EXPECT_EQ(out, "127.0.0.1");
  EXPECT_EQ(out.data(), before);
}

}  // namespace
}  // namespace edugate::rules
