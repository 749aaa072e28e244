// gMock matchers for Status and Result<T> that print the error when they fail, so a failing
// test says why instead of "Value of: x.ok() Actual: false":
//
//   ASSERT_THAT(ReadFile(path), IsOk());
//   EXPECT_THAT(Parse(text), StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 3")));
//
// Both accept a Status or any Result<T>.
#ifndef FNSEAL_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define FNSEAL_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include <string>

#include "core/status.h"

namespace fnseal::test {

// Matches an OK Status or a Result holding a value; on failure prints "<code name>: <message>".
MATCHER(IsOk, negation ? "is an error" : "is OK") {
  const Status& status = ::fnseal::internal::GetStatus(arg);
  if (!status.ok()) *result_listener << "which is " << status.ToString();
  return status.ok();
}

// Matches a Status or Result whose code is `code` and whose message matches `message_matcher`
// (a string, or a matcher such as HasSubstr("...")).
MATCHER_P2(StatusIs, code, message_matcher,
           std::string(negation ? "is not " : "is ") + std::string(::fnseal::StatusCodeName(code)) + " with a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher, negation)) {
  const Status& status = ::fnseal::internal::GetStatus(arg);
  *result_listener << "which is " << status.ToString();
  return status.code() == code &&
         ::testing::Matches(::testing::SafeMatcherCast<const std::string&>(message_matcher))(status.message());
}

}  // namespace fnseal::test

#endif  // FNSEAL_TESTS_SUPPORT_STATUS_MATCHERS_H_
