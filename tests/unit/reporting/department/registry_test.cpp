// The department's registry CSV: what Excel writes is read, and every problem is named at its
// line and column, with nothing imported.
#include "reporting/department/registry.hpp"

#include <gtest/gtest.h>

#include "reporting/signing.hpp"

namespace edugate::reporting::department {
namespace {

std::string key_b64() {
  auto key = generate_ed25519(nullptr);
  return public_key_base64(key.get());
}

std::string errors(const rules::Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags) out += rules::format(d) + "\n";
  return out;
}

TEST(DepartmentRegistry, ReadsQuotedFieldsABomCrlfAndBase64Keys) {
  const auto k1 = key_b64(), k2 = key_b64();
  rules::Diagnostics diags;
  const auto schools = parse_registry(
      "\xEF\xBB\xBFschool_id,name,district,levels,public_key\r\n"
      "thcs-a,\"Trường THCS \"\"Nguyễn Du\"\", Quận 1\",Quận 1,thcs;thpt;thcs," +
          k1 +
          "\r\n"
          "\r\n"
          "th-b,Trường Tiểu học B,Huyện Củ Chi, tieu-hoc ," +
          k2 + "\r\n",
      "schools.csv", "/etc/edugate", diags);
  ASSERT_TRUE(schools) << errors(diags);
  ASSERT_EQ(schools->size(), 2u);
  EXPECT_EQ((*schools)[0].name, "Trường THCS \"Nguyễn Du\", Quận 1");
  EXPECT_EQ((*schools)[0].levels, (std::vector<std::string>{"thcs", "thpt"}));
  EXPECT_EQ((*schools)[0].public_key, k1);
  EXPECT_EQ((*schools)[1].levels, (std::vector<std::string>{"tieu-hoc"}));
}

TEST(DepartmentRegistry, EveryProblemIsNamedAtItsLineAndNothingIsImported) {
  const auto k = key_b64();
  rules::Diagnostics diags;
  const auto schools = parse_registry(
      "school_id,name,district,levels,public_key\n"
      "ok-1,A,D,thcs," +
          k +
          "\n"
          "bad id!,A,D,thcs," +
          key_b64() +
          "\n"
          "ok-1,B,D,thcs," +
          key_b64() +
          "\n"
          "ok-2,C,D,dai-hoc," +
          key_b64() +
          "\n"
          "ok-3,D,D,thcs,keys/missing.pub\n"
          "ok-4,E,D,thcs," +
          k +
          "\n"
          "ok-5,F,D\n",
      "schools.csv", "/nonexistent", diags);
  EXPECT_FALSE(schools);
  const auto text = errors(diags);
  EXPECT_NE(text.find("schools.csv:3:1: school_id \"bad id!\""), std::string::npos) << text;
  EXPECT_NE(text.find("schools.csv:4:1: school ok-1 is listed twice"), std::string::npos) << text;
  EXPECT_NE(text.find("schools.csv:5:"), std::string::npos) << text;
  EXPECT_NE(text.find("schools.csv:5:10: level \"dai-hoc\" is not one of"), std::string::npos)
      << text;
  EXPECT_NE(text.find("schools.csv:6:"), std::string::npos) << text;
  EXPECT_NE(text.find("schools.csv:7:"), std::string::npos) << text;
  EXPECT_NE(text.find("the same public key as school ok-1"), std::string::npos) << text;
  EXPECT_NE(text.find("schools.csv:8:1: expected 5 fields, found 3"), std::string::npos) << text;
}

TEST(DepartmentRegistry, AWrongHeaderOrAnUnclosedQuoteIsRefused) {
  rules::Diagnostics diags;
  EXPECT_FALSE(parse_registry("id,name\n", "s.csv", "", diags));
  EXPECT_NE(errors(diags).find("s.csv:1:1: the header must be"), std::string::npos);
  diags.clear();
  EXPECT_FALSE(parse_registry("school_id,name,district,levels,public_key\na,\"open,D,thcs,x\n",
                              "s.csv", "", diags));
  EXPECT_NE(errors(diags).find("not closed"), std::string::npos) << errors(diags);
}

}  // namespace
}  // namespace edugate::reporting::department
