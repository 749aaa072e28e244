#include "runtime/resolve.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ResolveHost, AnswersLiteralsInTheirNumericForm) {
  auto v4 = ResolveHost("10.1.2.3");
  ASSERT_THAT(v4, IsOk());
  EXPECT_THAT(*v4, ElementsAre("10.1.2.3"));
  auto v6 = ResolveHost("0:0:0:0:0:0:0:1");
  ASSERT_THAT(v6, IsOk());
  EXPECT_THAT(*v6, ElementsAre("::1"));
}

TEST(ResolveHost, AnswersLocalhostNamesWithTheLoopbackAddresses) {
  for (const char* name : {"localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.Localhost."}) {
    auto found = ResolveHost(name);
    ASSERT_THAT(found, IsOk()) << name << ": " << found.status().message();
    EXPECT_THAT(*found, ElementsAre("127.0.0.1", "::1")) << name;
  }
}

TEST(ResolveHost, RefusesInvalidNamesAtOnce) {
  for (const char* name : {"invalid", "service.invalid", "x.INVALID."}) {
    auto found = ResolveHost(name);
    ASSERT_FALSE(found.ok()) << name;
    EXPECT_EQ(found.status().code(), StatusCode::kNotFound) << name;
    EXPECT_THAT(found.status().message(), HasSubstr("RFC 6761")) << name;
  }
}

TEST(ResolveHost, RefusesMalformedNames) {
  const std::vector<std::string> bad = {"",
                                        std::string("local\0host", 10),
                                        "local host",
                                        "localhost\n",
                                        "a\x7f" "b",
                                        std::string(254, 'a'),
                                        std::string(300, 'a') + "."};
  for (const std::string& name : bad) {
    auto found = ResolveHost(name);
    ASSERT_FALSE(found.ok()) << name.size();
    EXPECT_EQ(found.status().code(), StatusCode::kInvalidArgument) << name.size();
  }
  EXPECT_THAT(ResolveHost(std::string(254, 'a')).status().message(), HasSubstr("longer than 253 characters"));
  EXPECT_THAT(ResolveHost("a b").status().message(), HasSubstr("control character"));
}

TEST(ResolveHost, TakesNamesOfTheLongestLength) {
  // 253 characters (with or without the final dot) are a valid name: refused only as unknown.
  std::string name = std::string(249, 'a') + ".invalid";
  name = name.substr(name.size() - 253);
  ASSERT_EQ(name.size(), 253u);
  EXPECT_EQ(ResolveHost(name).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ResolveHost(name + ".").status().code(), StatusCode::kNotFound);
}

TEST(IsLocalhostName, MatchesOnlyTheLocalhostDomain) {
  EXPECT_TRUE(IsLocalhostName("localhost"));
  EXPECT_TRUE(IsLocalhostName("x.localhost."));
  EXPECT_FALSE(IsLocalhostName("notlocalhost"));
  EXPECT_FALSE(IsLocalhostName("localhost.example"));
  EXPECT_FALSE(IsLocalhostName(".localhost.."));
  EXPECT_FALSE(IsLocalhostName(""));
}

}  // namespace
}  // namespace fnseal::runtime
