#include "reporting/registrable_domain.hpp"

#include <gtest/gtest.h>

namespace edugate::reporting {
namespace {

std::string reg(std::string_view host) {
  DomainBuffer buffer;
  return std::string(registrable_domain(host, buffer));
}

TEST(RegistrableDomain, NamesBecomeTheirRegistrableDomain) {
  EXPECT_EQ(reg("sub.example.com.vn"), "example.com.vn");
  EXPECT_EQ(reg("www.google.com"), "google.com");
  EXPECT_EQ(reg("com.vn"), "com.vn");                // itself a public suffix
  EXPECT_EQ(reg("1password.com"), "1password.com");  // a digit-led name is still a name
  EXPECT_EQ(reg("x.123abc"), "x.123abc");
}

// The libpsl answer for an address is a fragment of it ("127.0.0.77" → "0.77"), and a full
// IPv6 address may embed a device's MAC: the store only ever sees the placeholder.
TEST(RegistrableDomain, IpLiteralsAreStoredAsThePlaceholder) {
  for (const char* host :
       {"127.0.0.77", "10.1.2.3", "93.184.216.34.", "2001:db8::1", "[2001:db8::211:22ff:fe33:4455]",
        "fe80::211:22ff:fe33:4455", "::ffff:10.0.0.1", "2130706433"})
    EXPECT_EQ(reg(host), kBareIp) << host;
}

}  // namespace
}  // namespace edugate::reporting
