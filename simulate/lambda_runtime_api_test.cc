#include "simulate/lambda_runtime_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "simulate/http_client.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::simulate {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::chrono::milliseconds kTimeout{5000};

std::unique_ptr<LambdaRuntimeApi> StartApi() {
  LambdaFunctionInfo info;
  info.name = "hello";
  Result<std::unique_ptr<LambdaRuntimeApi>> api = LambdaRuntimeApi::Start(info);
  EXPECT_THAT(api, IsOk());
  return std::move(api).value();
}

std::string HeaderOf(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

Result<HttpResponse> Call(const LambdaRuntimeApi& api, const std::string& method, const std::string& path,
                          const std::string& body = "", std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest request;
  request.method = method;
  request.target = "/2018-06-01/runtime/" + path;
  request.body = body;
  request.headers = std::move(headers);
  return SendHttpRequest(api.port(), request, kTimeout);
}

Clock::time_point Soon() { return Clock::now() + kTimeout; }

TEST(LambdaRuntimeApi, NextDeliversTheEventWithLambdasHeaders) {
  auto api = StartApi();
  std::string id = api->Invoke(R"({"key":"value"})");
  Result<HttpResponse> next = Call(*api, "GET", "invocation/next");
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"key":"value"})");
  EXPECT_EQ(HeaderOf(*next, "Lambda-Runtime-Aws-Request-Id"), id);
  EXPECT_EQ(HeaderOf(*next, "Lambda-Runtime-Invoked-Function-Arn"),
            "arn:aws:lambda:us-east-1:000000000000:function:hello");
  EXPECT_THAT(HeaderOf(*next, "Lambda-Runtime-Trace-Id"), StartsWith("Root=1-"));
  int64_t deadline = std::stoll(HeaderOf(*next, "Lambda-Runtime-Deadline-Ms"));
  int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  EXPECT_GT(deadline, now);
  EXPECT_LT(deadline, now + 60000);
  EXPECT_THAT(api->WaitForNext(Soon(), nullptr), IsOk());
  EXPECT_TRUE(api->first_next().has_value());

  Result<HttpResponse> posted = Call(*api, "POST", "invocation/" + id + "/response", "the answer");
  ASSERT_THAT(posted, IsOk());
  EXPECT_EQ(posted->status, 202);
  Result<LambdaInvocationResult> result = api->WaitForResult(id, Soon(), nullptr);
  ASSERT_THAT(result, IsOk());
  EXPECT_FALSE(result->is_error);
  EXPECT_EQ(result->body, "the answer");
}

TEST(LambdaRuntimeApi, NextLongPollsUntilAnEventArrives) {
  auto api = StartApi();
  auto next = std::async(std::launch::async, [&] { return Call(*api, "GET", "invocation/next"); });
  ASSERT_THAT(api->WaitForNext(Soon(), nullptr), IsOk());
  EXPECT_EQ(next.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout) << "next did not wait";
  std::string id = api->Invoke("late event");
  Result<HttpResponse> response = next.get();
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body, "late event");
  EXPECT_EQ(HeaderOf(*response, "Lambda-Runtime-Aws-Request-Id"), id);
}

TEST(LambdaRuntimeApi, KeepAliveConnectionServesSeveralEventsInOrder) {
  auto api = StartApi();
  std::string first = api->Invoke("one");
  std::string second = api->Invoke("two");
  EXPECT_NE(first, second);
  Result<HttpResponse> a = Call(*api, "GET", "invocation/next");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->body, "one");
  ASSERT_THAT(Call(*api, "POST", "invocation/" + first + "/response", "1"), IsOk());
  Result<HttpResponse> b = Call(*api, "GET", "invocation/next");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->body, "two");
}

TEST(LambdaRuntimeApi, AnErrorPostIsAnErrorResult) {
  auto api = StartApi();
  std::string id = api->Invoke("{}");
  ASSERT_THAT(Call(*api, "GET", "invocation/next"), IsOk());
  Result<HttpResponse> posted =
      Call(*api, "POST", "invocation/" + id + "/error", R"({"errorMessage":"boom","errorType":"Runtime.Oops"})",
           {{"Lambda-Runtime-Function-Error-Type", "Runtime.Oops"}});
  ASSERT_THAT(posted, IsOk());
  EXPECT_EQ(posted->status, 202);
  Result<LambdaInvocationResult> result = api->WaitForResult(id, Soon(), nullptr);
  ASSERT_THAT(result, IsOk());
  EXPECT_TRUE(result->is_error);
  EXPECT_EQ(result->error_type, "Runtime.Oops");
  EXPECT_THAT(result->body, HasSubstr("boom"));
}

TEST(LambdaRuntimeApi, AnUnknownOrUndeliveredRequestIdIsRefused) {
  auto api = StartApi();
  std::string id = api->Invoke("{}");  // queued, not yet handed out by next
  for (const std::string& bad : {std::string("no-such-id"), id}) {
    Result<HttpResponse> posted = Call(*api, "POST", "invocation/" + bad + "/response", "x");
    ASSERT_THAT(posted, IsOk());
    EXPECT_EQ(posted->status, 400);
    EXPECT_THAT(posted->body, HasSubstr("InvalidRequestID"));
  }
}

TEST(LambdaRuntimeApi, AnswersTwiceOnlyOnce) {
  auto api = StartApi();
  std::string id = api->Invoke("{}");
  ASSERT_THAT(Call(*api, "GET", "invocation/next"), IsOk());
  ASSERT_EQ(Call(*api, "POST", "invocation/" + id + "/response", "a")->status, 202);
  EXPECT_EQ(Call(*api, "POST", "invocation/" + id + "/response", "b")->status, 400);
}

TEST(LambdaRuntimeApi, UnknownPathsAndMethodsAreRefused) {
  auto api = StartApi();
  HttpRequest request;
  request.target = "/2015-03-31/functions/hello/invocations";
  Result<HttpResponse> other = SendHttpRequest(api->port(), request, kTimeout);
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(other->status, 404);
  EXPECT_EQ(Call(*api, "POST", "invocation/next")->status, 405);
  EXPECT_EQ(Call(*api, "GET", "init/error")->status, 405);
}

TEST(LambdaRuntimeApi, AnInitErrorEndsTheWaitForNext) {
  auto api = StartApi();
  Result<HttpResponse> posted = Call(*api, "POST", "init/error", R"({"errorMessage":"no config"})");
  ASSERT_THAT(posted, IsOk());
  EXPECT_EQ(posted->status, 202);
  Status wait = api->WaitForNext(Soon(), nullptr);
  EXPECT_EQ(wait.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(wait.message(), HasSubstr("init error"));
  EXPECT_THAT(wait.message(), HasSubstr("no config"));
  ASSERT_TRUE(api->init_error().has_value());
}

TEST(LambdaRuntimeApi, WaitsAreBounded) {
  auto api = StartApi();
  Clock::time_point start = Clock::now();
  Status next = api->WaitForNext(Clock::now() + std::chrono::milliseconds(50), nullptr);
  EXPECT_EQ(next.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(next.message(), HasSubstr("did not call the runtime api's invocation/next in time"));
  std::string id = api->Invoke("{}");
  Result<LambdaInvocationResult> result = api->WaitForResult(id, Clock::now() + std::chrono::milliseconds(50), nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("no answer to request " + id + " in time"));
  EXPECT_LT(MillisecondsSince(start), 2000);
}

TEST(LambdaRuntimeApi, AFailingCheckEndsTheWait) {
  auto api = StartApi();
  Status wait = api->WaitForNext(Soon(), [] { return FailedPreconditionError("the handler exited with status 1"); });
  EXPECT_EQ(wait.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(wait.message(), HasSubstr("exited with status 1"));
}

TEST(LambdaRuntimeApi, StopsWithAPendingLongPoll) {
  auto api = StartApi();
  uint16_t port = api->port();
  auto next = std::async(std::launch::async, [port] {
    HttpRequest request;
    request.target = "/2018-06-01/runtime/invocation/next";
    return SendHttpRequest(port, request, kTimeout);
  });
  ASSERT_THAT(api->WaitForNext(Soon(), nullptr), IsOk());
  api.reset();  // must not hang on the connection that waits
  Result<HttpResponse> response = next.get();
  EXPECT_FALSE(response.ok());
}

}  // namespace
}  // namespace fnseal::simulate
