#include "core/status.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

TEST(Status, DefaultIsOkWithEmptyMessage) {
  Status s;
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, ErrorHelpersSetTheirCode) {
  EXPECT_EQ(InvalidArgumentError("m").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NotFoundError("m").code(), StatusCode::kNotFound);
  EXPECT_EQ(AlreadyExistsError("m").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(PermissionDeniedError("m").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(DataLossError("m").code(), StatusCode::kDataLoss);
  EXPECT_EQ(FailedPreconditionError("m").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ResourceExhaustedError("m").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(UnimplementedError("m").code(), StatusCode::kUnimplemented);
  EXPECT_EQ(InternalError("m").code(), StatusCode::kInternal);
  EXPECT_FALSE(InternalError("m").ok());
  EXPECT_EQ(InternalError("boom").message(), "boom");
}

TEST(Status, CodeNamesAreLowercaseWords) {
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "ok");
  EXPECT_EQ(StatusCodeName(StatusCode::kInvalidArgument), "invalid argument");
  EXPECT_EQ(StatusCodeName(StatusCode::kNotFound), "not found");
  EXPECT_EQ(StatusCodeName(StatusCode::kAlreadyExists), "already exists");
  EXPECT_EQ(StatusCodeName(StatusCode::kPermissionDenied), "permission denied");
  EXPECT_EQ(StatusCodeName(StatusCode::kDataLoss), "data loss");
  EXPECT_EQ(StatusCodeName(StatusCode::kFailedPrecondition), "failed precondition");
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "resource exhausted");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnimplemented), "unimplemented");
  EXPECT_EQ(StatusCodeName(StatusCode::kInternal), "internal");
}

TEST(Status, ToStringPrefixesTheCodeName) {
  EXPECT_EQ(DataLossError("tar header checksum mismatch").ToString(), "data loss: tar header checksum mismatch");
}

TEST(Status, AnnotatePrependsContextAndKeepsCode) {
  Status s = NotFoundError("no such file").Annotate("reading manifest");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "reading manifest: no such file");
}

TEST(Status, AnnotateNestsOutermostContextFirst) {
  Status s = DataLossError("bad").Annotate("inner").Annotate("outer");
  EXPECT_EQ(s.message(), "outer: inner: bad");
}

TEST(Status, AnnotateLeavesOkStatusOkAndEmpty) {
  Status s = OkStatus().Annotate("context");
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(s.message(), "");
}

TEST(Status, AnnotateDoesNotModifyTheOriginal) {
  Status original = InternalError("why");
  Status annotated = original.Annotate("where");
  EXPECT_EQ(original.message(), "why");
  EXPECT_EQ(annotated.message(), "where: why");
}

TEST(Result, HoldsAValue) {
  Result<int> r = 42;
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r.status(), IsOk());
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(*r, 42);
}

TEST(Result, HoldsAnError) {
  Result<int> r = PermissionDeniedError("signature does not verify");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(), "signature does not verify");
}

TEST(Result, ArrowReachesTheValue) {
  Result<std::string> r = std::string("abc");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->size(), 3u);
}

TEST(Result, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_THAT(r, IsOk());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

TEST(Result, AnnotatePrependsContextToAnError) {
  Result<int> r = Result<int>(DataLossError("truncated")).Annotate("bundle.tar");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "bundle.tar: truncated");
}

TEST(Result, AnnotatePassesValuesThrough) {
  Result<int> r = Result<int>(5).Annotate("context");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, 5);
  EXPECT_THAT(r.status(), IsOk());
}

// value() of an error Result stops the process with the status on stderr in every build:
// status_ndebug_test compiles this file with NDEBUG, where assert() is gone.
TEST(ResultDeathTest, ValueOfAnErrorAbortsWithTheStatus) {
  Result<int> r = NotFoundError("missing key");
  EXPECT_DEATH((void)r.value(), "value\\(\\) of an error Result: not found: missing key");
}

TEST(ResultDeathTest, EveryAccessorOfAnErrorAborts) {
  const Result<std::string> c = DataLossError("truncated");
  EXPECT_DEATH((void)c.value(), "data loss: truncated");
  EXPECT_DEATH((void)*c, "data loss: truncated");
  EXPECT_DEATH((void)c->size(), "data loss: truncated");
  EXPECT_DEATH((void)Result<std::string>(DataLossError("moved")).value(), "data loss: moved");
  Result<std::unique_ptr<int>> m = InternalError("no pointer");
  EXPECT_DEATH((void)std::move(m).value(), "internal: no pointer");
}

// Helpers for the macro tests: `calls` counts how far a function got.
Status Fails(int* calls) {
  ++*calls;
  return NotFoundError("missing key");
}

Status Succeeds(int* calls) {
  ++*calls;
  return OkStatus();
}

Result<int> Value(int v, int* calls) {
  ++*calls;
  return v;
}

Result<int> NoValue(int* calls) {
  ++*calls;
  return ResourceExhaustedError("too big");
}

Status ReturnIfErrorOnFailure(int* calls) {
  RETURN_IF_ERROR(Fails(calls));
  ++*calls;  // must not be reached
  return OkStatus();
}

Status ReturnIfErrorOnSuccess(int* calls) {
  RETURN_IF_ERROR(Succeeds(calls));
  RETURN_IF_ERROR(Value(1, calls));
  ++*calls;
  return InternalError("reached the end");
}

Status ReturnIfErrorOnResult(int* calls) {
  RETURN_IF_ERROR(NoValue(calls));
  ++*calls;  // must not be reached
  return OkStatus();
}

Result<int> ReturnIfErrorIntoResult(int* calls) {
  RETURN_IF_ERROR(Fails(calls));
  return 1;
}

Result<int> AssignOrReturnSum(bool fail_second, int* calls) {
  ASSIGN_OR_RETURN(int a, Value(2, calls));
  ASSIGN_OR_RETURN(int b, fail_second ? NoValue(calls) : Value(3, calls));
  ++*calls;
  return a + b;
}

Status AssignOrReturnIntoExisting(std::string* out) {
  ASSIGN_OR_RETURN(*out, Result<std::string>(std::string("assigned")));
  ASSIGN_OR_RETURN(*out, Result<std::string>(DataLossError("second failed")));
  *out = "not reached";
  return OkStatus();
}

Status AnnotatedOnTheWayUp() {
  int calls = 0;
  RETURN_IF_ERROR(Fails(&calls).Annotate("loading config"));
  return OkStatus();
}

TEST(StatusMacros, ReturnIfErrorReturnsTheFirstError) {
  int calls = 0;
  Status s = ReturnIfErrorOnFailure(&calls);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "missing key");
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacros, ReturnIfErrorContinuesOnOk) {
  int calls = 0;
  Status s = ReturnIfErrorOnSuccess(&calls);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(), "reached the end");
  EXPECT_EQ(calls, 3);
}

TEST(StatusMacros, ReturnIfErrorAcceptsAResult) {
  int calls = 0;
  Status s = ReturnIfErrorOnResult(&calls);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "too big");
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacros, ReturnIfErrorConvertsToAResult) {
  int calls = 0;
  Result<int> r = ReturnIfErrorIntoResult(&calls);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "missing key");
}

TEST(StatusMacros, AssignOrReturnUnwrapsValues) {
  int calls = 0;
  Result<int> r = AssignOrReturnSum(/*fail_second=*/false, &calls);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, 5);
  EXPECT_EQ(calls, 3);
}

TEST(StatusMacros, AssignOrReturnPropagatesTheError) {
  int calls = 0;
  Result<int> r = AssignOrReturnSum(/*fail_second=*/true, &calls);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(), "too big");
  EXPECT_EQ(calls, 2);
}

TEST(StatusMacros, AssignOrReturnAssignsToAnExistingLvalue) {
  std::string out;
  Status s = AssignOrReturnIntoExisting(&out);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "second failed");
  EXPECT_EQ(out, "assigned");
}

TEST(StatusMacros, ContextAddedOnTheWayUpReachesTheCaller) {
  Status s = AnnotatedOnTheWayUp();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "loading config: missing key");
}

}  // namespace
}  // namespace fnseal
