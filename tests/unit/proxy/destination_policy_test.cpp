#include "proxy/net/destination_policy.hpp"

#include <gtest/gtest.h>

#include "proxy/net/local_addresses.hpp"
#include "proxy/net/local_route.hpp"

namespace edugate::proxy::net {
namespace {

using V = DestinationVerdict;

rules::IpBytes ip(const char* text) {
  auto a = rules::parse_ip(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(rules::IpBytes{});
}

rules::Cidr net(const char* text) { return *rules::Cidr::parse(text); }

DestinationPolicy defaults(std::vector<rules::IpBytes> local = {},
                           std::vector<OwnListener> own = {}) {
  return DestinationPolicy({}, std::move(local), std::move(own));
}

struct Case {
  const char* address;
  V verdict;
};

class BuiltinDenials : public ::testing::TestWithParam<Case> {};

TEST_P(BuiltinDenials, EveryFormOfAnAddressMeetsTheRulesOfWhereItLeads) {
  const auto p = defaults();
  EXPECT_EQ(p.check(ip(GetParam().address), 80), GetParam().verdict) << GetParam().address;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BuiltinDenials,
    ::testing::Values(Case{"127.0.0.1", V::builtin}, Case{"127.255.255.254", V::builtin},
                      Case{"0.0.0.0", V::builtin}, Case{"0.1.2.3", V::builtin},
                      Case{"::", V::builtin}, Case{"::1", V::builtin},
                      Case{"169.254.169.254", V::builtin}, Case{"fe80::1", V::builtin},
                      Case{"febf::1", V::builtin}, Case{"224.0.0.1", V::builtin},
                      Case{"239.255.255.250", V::builtin}, Case{"ff02::1", V::builtin},
                      Case{"255.255.255.255", V::builtin}, Case{"fec0::1", V::builtin},
                      // IPv4 written as IPv6: mapped, compatible, NAT64 (well-known and local-use),
                      // 6to4, Teredo (client address inverted).
                      Case{"::ffff:127.0.0.1", V::builtin}, Case{"::ffff:7f00:1", V::builtin},
                      Case{"::127.0.0.1", V::builtin}, Case{"::a9fe:a9fe", V::builtin},
                      Case{"64:ff9b::127.0.0.1", V::builtin},
                      Case{"64:ff9b::a9fe:a9fe", V::builtin},
                      Case{"64:ff9b:1:7f00:0:100::", V::builtin}, Case{"2002:7f00:1::", V::builtin},
                      Case{"2002:a9fe:a9fe::1", V::builtin},
                      Case{"2001:0:4136:e378:8000:63bf:80ff:fffe", V::builtin},  // client 127.0.0.1
                      // Ordinary destinations, including their IPv6-embedded forms.
                      Case{"93.184.216.34", V::allowed}, Case{"10.1.2.3", V::allowed},
                      Case{"192.168.1.10", V::allowed}, Case{"2606:2800:220:1::1", V::allowed},
                      Case{"64:ff9b::93.184.216.34", V::allowed},
                      Case{"2002:5db8:d822::1", V::allowed}, Case{"::ffff:8.8.8.8", V::allowed}));

TEST(DestinationPolicy, EmbeddedIpv4IsExtractedFromEachForm) {
  EXPECT_EQ(rules::embedded_ipv4(ip("64:ff9b::1.2.3.4")), ip("1.2.3.4"));
  EXPECT_EQ(rules::embedded_ipv4(ip("64:ff9b:1:102:3:400::")), ip("1.2.3.4"));
  EXPECT_EQ(rules::embedded_ipv4(ip("2002:102:304::")), ip("1.2.3.4"));
  EXPECT_EQ(rules::embedded_ipv4(ip("::1.2.3.4")), ip("1.2.3.4"));
  EXPECT_EQ(rules::embedded_ipv4(ip("2001:0:1:1:0:0:fefd:fcfb")), ip("1.2.3.4"));
  EXPECT_FALSE(rules::embedded_ipv4(ip("::1")));
  EXPECT_FALSE(rules::embedded_ipv4(ip("::")));
  EXPECT_FALSE(rules::embedded_ipv4(ip("1.2.3.4")));  // already IPv4 (mapped form)
  EXPECT_FALSE(rules::embedded_ipv4(ip("2606:2800:220:1::1")));
}

TEST(DestinationPolicy, TheAppliancesOwnAddressesAreDenied) {
  const auto p = defaults({ip("192.168.10.1"), ip("192.168.10.255"), ip("2001:db8::1")});
  EXPECT_EQ(p.check(ip("192.168.10.1"), 80), V::builtin);
  EXPECT_EQ(p.check(ip("192.168.10.255"), 80), V::builtin);  // its subnet broadcast
  EXPECT_EQ(p.check(ip("2001:db8::1"), 443), V::builtin);
  EXPECT_EQ(p.check(ip("64:ff9b::192.168.10.1"), 80), V::builtin);
  EXPECT_EQ(p.check(ip("192.168.10.2"), 80), V::allowed);  // a neighbour is not the appliance
}

TEST(DestinationPolicy, AllowLiftsBuiltinDenialsAndDenyWinsOverAllow) {
  DestinationConfig c;
  c.allow = {net("127.0.0.2/32"), net("192.168.10.1/32")};
  c.deny = {net("10.99.0.0/16"), net("127.0.0.2/32")};
  const DestinationPolicy p(c, {ip("192.168.10.1")}, {});
  EXPECT_EQ(p.check(ip("127.0.0.2"), 80), V::configured);
  EXPECT_EQ(p.check(ip("192.168.10.1"), 80), V::allowed);  // an intranet on the box
  EXPECT_EQ(p.check(ip("10.99.3.4"), 80), V::configured);
  EXPECT_EQ(p.check(ip("::ffff:10.99.3.4"), 80), V::configured);
  EXPECT_EQ(p.check(ip("64:ff9b::10.99.3.4"), 80), V::configured);
  EXPECT_EQ(p.check(ip("127.0.0.3"), 80), V::builtin);
  EXPECT_EQ(p.check(ip("10.98.0.1"), 80), V::allowed);
}

// A broad allow (an intranet network) must not re-open the box's own addresses: only an entry
// naming exactly that address does.
TEST(DestinationPolicy, OnlyAnExactAllowLiftsAnOwnAddress) {
  DestinationConfig c;
  c.allow = {net("192.168.10.0/24")};
  const DestinationPolicy broad(c, {ip("192.168.10.1")}, {});
  EXPECT_EQ(broad.check(ip("192.168.10.1"), 22), V::builtin);
  EXPECT_EQ(broad.check(ip("192.168.10.2"), 22), V::allowed);
  c.allow.push_back(net("192.168.10.1/32"));
  const DestinationPolicy exact(c, {ip("192.168.10.1")}, {});
  EXPECT_EQ(exact.check(ip("192.168.10.1"), 80), V::allowed);
}

TEST(DestinationPolicy, OwnListenersAreRefusedWhateverAllowSays) {
  DestinationConfig c;
  c.allow = {net("127.0.0.0/8"), net("::1/128"), net("0.0.0.0/8"), net("192.168.10.0/24")};
  const DestinationPolicy p(c, {ip("192.168.10.1")},
                            {{boost::asio::ip::make_address("127.0.0.1"), 3129},
                             {boost::asio::ip::make_address("0.0.0.0"), 3128}});
  EXPECT_EQ(p.check(ip("127.0.0.1"), 3129), V::own_service);
  EXPECT_EQ(p.check(ip("0.0.0.0"), 3129), V::own_service);  // 0.0.0.0 connects to loopback
  EXPECT_EQ(p.check(ip("::ffff:127.0.0.1"), 3129), V::own_service);
  EXPECT_EQ(p.check(ip("::1"), 3128), V::own_service);
  EXPECT_EQ(p.check(ip("192.168.10.1"), 3128), V::own_service);
  EXPECT_EQ(p.check(ip("127.0.0.1"), 8080), V::allowed);     // allowed, not ours
  EXPECT_EQ(p.check(ip("192.168.10.7"), 3128), V::allowed);  // another host's port 3128
}

// An address the routing table delivers to this box, though the box's address list did not
// know it: refused unless built-in (check() decided those) or named exactly by an allow entry,
// and never on one of edugate's own ports.
TEST(DestinationPolicy, AnAddressRoutedToThisBoxIsRefusedUnlessNamedExactly) {
  const auto a = [](const char* text) { return boost::asio::ip::make_address(text); };
  DestinationConfig c;
  c.allow = {net("127.0.0.1/32"), net("192.168.10.0/24"), net("192.168.20.5/32")};
  const DestinationPolicy p(c, {}, {{a("0.0.0.0"), 3128}});
  const auto routed_here = [&](const char* text, std::uint16_t port) {
    return p.check(a(text), port, /*routed_here=*/true);
  };
  EXPECT_EQ(routed_here("192.0.2.9", 80), V::builtin);
  EXPECT_EQ(routed_here("2001:db8::9", 22), V::builtin);
  EXPECT_EQ(routed_here("192.168.10.1", 80), V::builtin);  // a broad allow
  EXPECT_EQ(routed_here("192.168.20.5", 80), V::allowed);  // an exact allow
  EXPECT_EQ(routed_here("192.168.20.5", 3128), V::own_service);
  EXPECT_EQ(routed_here("127.0.0.1", 80), V::allowed);  // loopback, allowed explicitly
  EXPECT_EQ(p.check(a("192.0.2.9"), 80), V::allowed);   // elsewhere: not the box
}

TEST(LocalRoute, TheKernelSaysWhatIsThisBox) {
  const auto a = [](const char* text) { return boost::asio::ip::make_address(text); };
  EXPECT_EQ(routes_to_this_box(a("127.0.0.1")), true);
  EXPECT_EQ(routes_to_this_box(a("127.3.4.5")), true);  // all of 127/8 is local
  EXPECT_NE(routes_to_this_box(a("192.0.2.1")), true);  // TEST-NET-1: nobody's, not this box
}

TEST(DestinationPolicy, LocalAddressesIncludeLoopback) {
  const auto local = local_addresses();
  EXPECT_NE(std::find(local.begin(), local.end(), ip("127.0.0.1")), local.end());
}

}  // namespace
}  // namespace edugate::proxy::net
