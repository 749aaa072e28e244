#include "tests/support/status_matchers.h"

#include <gtest/gtest.h>

#include <string>

namespace fnseal::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The text a matcher gives for `value` when it does not match.
template <typename M, typename T>
std::string Explain(const M& matcher, const T& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::Matcher<const T&> m = matcher;
  EXPECT_FALSE(m.MatchAndExplain(value, &listener));
  return listener.str();
}

TEST(StatusMatchers, IsOkMatchesOkStatusesAndValuesAndPrintsTheErrorOtherwise) {
  EXPECT_THAT(OkStatus(), IsOk());
  EXPECT_THAT(Result<int>(7), IsOk());
  EXPECT_THAT(NotFoundError("no such key"), Not(IsOk()));
  EXPECT_THAT(Result<int>(NotFoundError("no such key")), Not(IsOk()));
  EXPECT_EQ(Explain(IsOk(), Result<int>(NotFoundError("no such key"))), "which is not found: no such key");
}

TEST(StatusMatchers, StatusIsChecksTheCodeAndTheMessage) {
  const Status error = InvalidArgumentError("line 3: unexpected ','");
  EXPECT_THAT(error, StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 3")));
  EXPECT_THAT(error, StatusIs(StatusCode::kInvalidArgument, "line 3: unexpected ','"));
  EXPECT_THAT(error, Not(StatusIs(StatusCode::kNotFound, HasSubstr("line 3"))));
  EXPECT_THAT(error, Not(StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 4"))));
  EXPECT_THAT(Result<std::string>(error), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unexpected")));
  EXPECT_THAT(Result<std::string>("x"), Not(StatusIs(StatusCode::kInvalidArgument, HasSubstr(""))));
  EXPECT_EQ(Explain(StatusIs(StatusCode::kNotFound, HasSubstr("line")), error),
            "which is invalid argument: line 3: unexpected ','");
}

}  // namespace
}  // namespace fnseal::test
