// The Lambda Runtime API client against an in-test emulator of the API (the runtime's own HTTP
// server playing Lambda): next -> response, handler exceptions -> /error, init failure ->
// /init/error, and the invocation headers reaching the handler.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/protocols.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::runtime {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

struct Event {
  std::string id;
  std::string body;
  std::string deadline_ms = "1700000000123";
  std::string trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
};

struct Call {
  std::string method, path, body, error_type_header;
};

// Hands out `events` on /next (then 500), records every call.
class RuntimeApiEmulator {
 public:
  explicit RuntimeApiEmulator(std::vector<Event> events) : events_(events.begin(), events.end()) {
    RuntimeLimits limits;
    limits.threads = 1;
    auto server = HttpServer::Start(
        "127.0.0.1", 0, [this](const Request& r) { return Serve(r); }, limits);
    EXPECT_THAT(server, IsOk());
    server_ = std::move(*server);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  Response Serve(const Request& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back({request.method, request.path, request.body,
                      std::string(request.Header("Lambda-Runtime-Function-Error-Type"))});
    Response response;
    if (request.path != "/2018-06-01/runtime/invocation/next") {
      response.status = 202;
      response.body = "{\"status\":\"OK\"}";
      return response;
    }
    if (events_.empty()) {
      response.status = 500;
      return response;
    }
    Event event = events_.front();
    events_.pop_front();
    response.headers = {{"Lambda-Runtime-Aws-Request-Id", event.id},
                        {"Lambda-Runtime-Deadline-Ms", event.deadline_ms},
                        {"Lambda-Runtime-Trace-Id", event.trace},
                        {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:f"}};
    response.body = event.body;
    return response;
  }

  std::mutex mutex_;
  std::deque<Event> events_;
  std::vector<Call> calls_;
  std::unique_ptr<HttpServer> server_;
};

InitFn InitWith(Handler handler) {
  return [handler]() -> Result<Handler> { return handler; };
}

TEST(Lambda, PostsTheHandlersResponseAndPassesTheInvocationHeaders) {
  RuntimeApiEmulator api(std::vector<Event>{{"req-1", "{\"a\":1}"}});
  std::atomic<bool> stop{false};
  Request seen;
  std::string trace_env;
  auto handler = [&](const Request& request) {
    seen = request;
    const char* env = std::getenv("_X_AMZN_TRACE_ID");
    trace_env = env != nullptr ? env : "";
    stop = true;
    Response response;
    response.body = "got:" + request.body;
    return response;
  };
  EXPECT_EQ(RunLambda(api.address(), InitWith(handler), {}, {&stop}), 0);
  EXPECT_EQ(seen.invocation_id, "req-1");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/");
  EXPECT_EQ(seen.body, "{\"a\":1}");
  EXPECT_EQ(seen.trace_id, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  EXPECT_EQ(trace_env, seen.trace_id);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(seen.deadline.time_since_epoch()).count(),
            1700000000123);
  auto calls = api.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_EQ(calls[0].path, "/2018-06-01/runtime/invocation/next");
  EXPECT_EQ(calls[1].method, "POST");
  EXPECT_EQ(calls[1].path, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(calls[1].body, "got:{\"a\":1}");
}

TEST(Lambda, ReportsAHandlerExceptionAsAnErrorAndContinues) {
  RuntimeApiEmulator api(std::vector<Event>{{"req-1", "\"throw\""}, {"req-2", "\"int\""}, {"req-3", "\"fine\""}});
  std::atomic<bool> stop{false};
  auto handler = [&](const Request& request) -> Response {
    if (request.body == "\"throw\"") throw std::invalid_argument("bad input");
    if (request.body == "\"int\"") throw 7;
    stop = true;
    Response response;
    response.body = "ok";
    return response;
  };
  EXPECT_EQ(RunLambda(api.address(), InitWith(handler), {}, {&stop}), 0);
  auto calls = api.calls();
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[1].path, "/2018-06-01/runtime/invocation/req-1/error");
  Json error = Json::parse(calls[1].body);
  EXPECT_EQ(error["errorMessage"], "bad input");
  EXPECT_EQ(error["errorType"], "std::invalid_argument");
  EXPECT_EQ(calls[1].error_type_header, "std::invalid_argument");
  EXPECT_EQ(calls[3].path, "/2018-06-01/runtime/invocation/req-2/error");
  EXPECT_EQ(Json::parse(calls[3].body)["errorType"], "Runtime.UnknownException");
  EXPECT_EQ(calls[5].path, "/2018-06-01/runtime/invocation/req-3/response");
  EXPECT_EQ(calls[5].body, "ok");
}

TEST(Lambda, ReportsAFailedInitToInitErrorAndExitsNonZero) {
  RuntimeApiEmulator api(std::vector<Event>{{"req-1", "{}"}});
  InitFn init = []() -> Result<Handler> { return NotFoundError("model/tiny.json is missing"); };
  EXPECT_EQ(RunLambda(api.address(), init, {}), 1);
  auto calls = api.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].path, "/2018-06-01/runtime/init/error");
  Json error = Json::parse(calls[0].body);
  EXPECT_EQ(error["errorMessage"], "model/tiny.json is missing");
  EXPECT_EQ(error["errorType"], "Runtime.InitError");
}

TEST(Lambda, ReturnsOneWhenNextFails) {
  RuntimeApiEmulator api(std::vector<Event>{});
  EXPECT_EQ(RunLambda(api.address(), InitWith([](const Request&) { return Response{}; }), {}), 1);
}

TEST(Lambda, DecodesAnHttpApiV2EventAndAnswersInItsShape) {
  const std::string event = R"({"version":"2.0","routeKey":"$default","rawPath":"/items/7",
    "rawQueryString":"a=1&b=2","cookies":["c1=v1","c2=v2"],"headers":{"content-type":"text/plain","x-n":"5"},
    "requestContext":{"http":{"method":"PUT","path":"/items/7"}},"body":"aGVsbG8=","isBase64Encoded":true})";
  RuntimeApiEmulator api(std::vector<Event>{{"req-9", event}});
  std::atomic<bool> stop{false};
  Request seen;
  auto handler = [&](const Request& request) {
    seen = request;
    stop = true;
    Response response;
    response.status = 201;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = "{\"done\":true}";
    return response;
  };
  EXPECT_EQ(RunLambda(api.address(), InitWith(handler), {}, {&stop}), 0);
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.path, "/items/7");
  EXPECT_EQ(seen.query, "a=1&b=2");
  EXPECT_EQ(seen.body, "hello");
  EXPECT_EQ(seen.Header("X-N"), "5");
  EXPECT_EQ(seen.Header("cookie"), "c1=v1; c2=v2");
  auto calls = api.calls();
  ASSERT_EQ(calls.size(), 2u);
  Json payload = Json::parse(calls[1].body);
  EXPECT_EQ(payload["statusCode"], 201);
  EXPECT_EQ(payload["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(payload["body"], "{\"done\":true}");
  EXPECT_EQ(payload["isBase64Encoded"], false);
}

TEST(LambdaEventToRequest, KeepsANonHttpEventRaw) {
  bool http = true;
  Request request = LambdaEventToRequest(R"({"version":"2.0","detail":{}})", &http);
  EXPECT_FALSE(http);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.body, R"({"version":"2.0","detail":{}})");
}

TEST(LambdaResponsePayload, Base64EncodesABinaryBody) {
  Response response;
  response.body = std::string("\xff\x00\x01", 3);
  Json payload = Json::parse(LambdaResponsePayload(response, true));
  EXPECT_EQ(payload["body"], "/wAB");
  EXPECT_EQ(payload["isBase64Encoded"], true);
}

TEST(ParseRuntimeApiAddress, AcceptsNumericAddressesAndLocalhostOnly) {
  auto v4 = ParseRuntimeApiAddress("127.0.0.1:9001");
  ASSERT_THAT(v4, IsOk());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9001);
  auto v6 = ParseRuntimeApiAddress("[::1]:9001");
  ASSERT_THAT(v6, IsOk());
  EXPECT_EQ(v6->host, "::1");
  auto local = ParseRuntimeApiAddress("localhost:9001");
  ASSERT_THAT(local, IsOk());
  EXPECT_EQ(local->host, "127.0.0.1");
  auto name = ParseRuntimeApiAddress("runtime.example:9001");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(name.status().message(), HasSubstr("not a numeric ip address"));
  EXPECT_THAT(ParseRuntimeApiAddress("127.0.0.1").status().message(), HasSubstr("is not host:port"));
  EXPECT_THAT(ParseRuntimeApiAddress("127.0.0.1:70000").status().message(), HasSubstr("no valid port"));
}

}  // namespace
}  // namespace fnseal::runtime
