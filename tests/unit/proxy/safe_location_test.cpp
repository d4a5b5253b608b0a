#include <gtest/gtest.h>

#include "proxy/policy/gate.hpp"

namespace edugate::proxy::policy {
namespace {

TEST(SafeLocation, KeepsAnOriginFormPathOnTheSameSite) {
  for (const char* to : {"/", "/bytes/5", "/search?q=bong+da&safe=active", "/a%20b/c?x=%2F",
                         "/~user/p@th:1;v=2!$&'()*+,="})
    EXPECT_EQ(safe_location(to), to);
}

TEST(SafeLocation, AnythingElseGoesToTheSitesRoot) {
  for (const char* to : {"", "x", "\r\nSet-Cookie: a=1", "/x\r\nSet-Cookie: a=1", "/x\nSet",
                         "/\t/evil.example", "//evil.example", "/\\evil.example", "/ x",
                         "http://evil.example/", "/%zz", "/%0", "/\x7f", "/caf\xc3\xa9", "/#frag"})
    EXPECT_EQ(safe_location(to), "/") << to;
  EXPECT_EQ(safe_location(std::string_view("/\0x", 3)), "/");
  EXPECT_EQ(safe_location("/" + std::string(5000, 'a')), "/");
}

}  // namespace
}  // namespace edugate::proxy::policy
