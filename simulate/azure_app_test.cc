#include "simulate/azure_app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "core/file.h"
#include "core/json.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::simulate {
namespace {

using ::testing::HasSubstr;

constexpr char kHost[] =
    R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"handler","arguments":["-v"]},)"
    R"("enableForwardingHttpRequest":true}})";
constexpr char kFunction[] =
    R"({"bindings":[{"type":"httpTrigger","direction":"in","name":"req","methods":["get","POST"]},)"
    R"({"type":"http","direction":"out","name":"res"}]})";

// Expects an InvalidArgument whose message holds `fragment`.
template <typename T>
void ExpectInvalid(const Result<T>& result, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "accepted; expected an error with '" << fragment << "'";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  EXPECT_THAT(result.status().message(), HasSubstr(fragment));
}

TEST(HostJson, ReadsTheCustomHandler) {
  Result<AzureApp> app = ParseHostJson(kHost);
  ASSERT_THAT(app, IsOk());
  EXPECT_EQ(app->executable, "handler");
  EXPECT_EQ(app->arguments, std::vector<std::string>{"-v"});
  EXPECT_TRUE(app->forward_http_request);
  EXPECT_EQ(app->working_directory, "");
}

TEST(HostJson, WithoutForwardingTheHostSendsInvocationPayloads) {
  Result<AzureApp> app = ParseHostJson(
      R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"bin/h"}},)"
      R"json("extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.*, 5.0.0)"}})json");
  ASSERT_THAT(app, IsOk());
  EXPECT_FALSE(app->forward_http_request);
  EXPECT_EQ(app->executable, "bin/h");
}

TEST(HostJson, RefusesHostileAndIncompleteFiles) {
  ExpectInvalid(ParseHostJson("[]"), "not a JSON object");
  ExpectInvalid(ParseHostJson("{"), "host.json");
  ExpectInvalid(ParseHostJson(R"({"customHandler":{}})"), "missing \"version\"");
  ExpectInvalid(ParseHostJson(R"({"version":2,"customHandler":{}})"), "\"version\" must be the string \"2.0\"");
  ExpectInvalid(ParseHostJson(R"({"version":"1.0"})"), "\"2.0\"");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0"})"), "missing \"customHandler\"");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","customHandler":[]})"), "must be an object");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","customHandler":{"description":{}}})"),
                "missing customHandler.description.defaultExecutablePath");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":7}}})"),
                "defaultExecutablePath must be a string");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","version":"2.0","customHandler":{}})"), "the key 'version' twice");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"h",)"
                              R"("arguments":[1]}}})"),
                "arguments must hold strings");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"h"},)"
                              R"("enableForwardingHttpRequest":"yes"}})"),
                "enableForwardingHttpRequest must be true or false");
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","extensionBundle":{"id":1},"customHandler":{}})"),
                "extensionBundle.id must be a string");
}

TEST(HostJson, RefusesPathsThatEscapeTheApp) {
  for (const char* path : {"../handler", "/bin/sh", "a/../../b", "", "./h", "a//b", "a\\\\b"}) {
    std::string text =
        std::string(R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":")") + path + "\"}}}";
    ExpectInvalid(ParseHostJson(text), "must be a relative path inside the app");
  }
  ExpectInvalid(ParseHostJson(R"({"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"h",)"
                              R"("workingDirectory":"../.."}}})"),
                "workingDirectory '../..' must be a relative path inside the app");
}

TEST(FunctionJson, ReadsTheHttpBindings) {
  Result<AzureFunction> function = ParseFunctionJson("hello", kFunction);
  ASSERT_THAT(function, IsOk());
  EXPECT_EQ(function->trigger_name, "req");
  EXPECT_EQ(function->output_name, "res");
  EXPECT_EQ(function->methods, (std::vector<std::string>{"get", "post"}));
}

TEST(FunctionJson, RefusesHostileAndIncompleteFiles) {
  ExpectInvalid(ParseFunctionJson("hello", "{}"), "hello/function.json: \"bindings\" must be a non-empty array");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":{}})"), "\"bindings\" must be a non-empty array");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[1]})"), "every binding must be an object");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"httpTrigger","direction":"in"}]})"),
                "\"name\" must be a string");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"http","direction":"out","name":"res"}]})"),
                "exactly one httpTrigger");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"httpTrigger","direction":"in","name":"r"}]})"),
                "exactly one http binding");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"httpTrigger","direction":"out","name":"r"}]})"),
                "direction must be \"in\"");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"httpTrigger","direction":"in","name":"r",)"
                                           R"("methods":"get"},{"type":"http","direction":"out","name":"res"}]})"),
                "\"methods\" must be an array");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"httpTrigger","direction":"in","name":"r",)"
                                           R"("methods":["fetch"]},{"type":"http","direction":"out","name":"res"}]})"),
                "unknown http method 'fetch'");
  ExpectInvalid(ParseFunctionJson("hello", R"({"bindings":[{"type":"httpTrigger","direction":"in","name":"r",)"
                                           R"("route":"../admin"},{"type":"http","direction":"out","name":"res"}]})"),
                "route '../admin' must be a relative path inside the app");
}

TEST(FunctionJson, RefusesNamesTheHostRefuses) {
  for (const char* name : {"", "1abc", "-x", "a b", "host", "a.b"})
    ExpectInvalid(ParseFunctionJson(name, kFunction), "function name");
  ExpectInvalid(ParseFunctionJson(std::string(129, 'a'), kFunction), "function name");
}

AzureFunction HelloFunction() { return std::move(ParseFunctionJson("hello", kFunction)).value(); }

TEST(AzureHostRequest, ForwardsTheHttpCallItselfWhenAsked) {
  AzureApp app;
  app.forward_http_request = true;
  HttpRequest request = AzureHostRequest(app, HelloFunction(), "{}");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/hello");
  EXPECT_EQ(request.body, "{}");
  AzureFunction get_only = HelloFunction();
  get_only.methods = {"get"};
  get_only.route = "greet/now";
  request = AzureHostRequest(app, get_only, "{}");
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/greet/now");
  EXPECT_EQ(request.body, "");
}

TEST(AzureHostRequest, OtherwiseSendsTheInvocationPayload) {
  AzureApp app;
  HttpRequest request = AzureHostRequest(app, HelloFunction(), R"({"a":1})");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hello");
  Result<Json> payload = ParseJsonStrict(request.body, "payload");
  ASSERT_THAT(payload, IsOk());
  const Json& req = (*payload)["Data"]["req"];
  EXPECT_EQ(req["Url"], "http://localhost:7071/api/hello");
  EXPECT_EQ(req["Method"], "POST");
  EXPECT_EQ(req["Body"], R"({"a":1})");
  EXPECT_TRUE(req["Query"].is_object());
  EXPECT_TRUE(req["Params"].is_object());
  EXPECT_EQ(req["Headers"]["Content-Type"], Json::array({"application/json"}));
  EXPECT_EQ((*payload)["Metadata"]["sys"]["MethodName"], "hello");
}

HttpResponse Response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST(ReadAzureHandlerAnswer, ReadsTheOutputBinding) {
  AzureApp app;
  Result<AzureHttpAnswer> answer = ReadAzureHandlerAnswer(
      app, HelloFunction(), Response(200, R"({"Outputs":{"res":{"statusCode":201,"body":"made"}},"Logs":[]})"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 201);
  EXPECT_EQ(answer->body, "made");
  answer = ReadAzureHandlerAnswer(app, HelloFunction(),
                                  Response(200, R"({"Outputs":{"res":{"statusCode":"404","body":{"x":1}}}})"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(answer->body, R"({"x":1})");
  AzureFunction returning = HelloFunction();
  returning.output_name = "$return";
  answer = ReadAzureHandlerAnswer(app, returning, Response(200, R"({"ReturnValue":{"body":"r"}})"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "r");
}

TEST(ReadAzureHandlerAnswer, RefusesWhatTheHostCannotUse) {
  AzureApp app;
  auto expect_refused = [&](const HttpResponse& response, const std::string& fragment) {
    Result<AzureHttpAnswer> answer = ReadAzureHandlerAnswer(app, HelloFunction(), response);
    ASSERT_FALSE(answer.ok()) << "accepted " << response.body;
    EXPECT_EQ(answer.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_THAT(answer.status().message(), HasSubstr(fragment));
  };
  expect_refused(Response(500, "boom"), "answered the invocation with HTTP 500: boom");
  expect_refused(Response(200, "not json"), "not the host's JSON response payload");
  expect_refused(Response(200, R"({"message":"hi"})"), "has no object Outputs.res");
  expect_refused(Response(200, R"({"Outputs":{"res":"hi"}})"), "has no object Outputs.res");
  expect_refused(Response(200, R"({"Outputs":{"res":{"statusCode":"OK"}}})"), "statusCode is not an HTTP status");
}

TEST(ReadAzureHandlerAnswer, PassesAForwardedAnswerThrough) {
  AzureApp app;
  app.forward_http_request = true;
  Result<AzureHttpAnswer> answer = ReadAzureHandlerAnswer(app, HelloFunction(), Response(503, "busy"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(answer->body, "busy");
}

class AzureAppDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/azure_app_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    RemoveTree(dir_);
    ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
  }
  void TearDown() override { RemoveTree(dir_); }
  void Write(const std::string& path, const std::string& text, mode_t mode = 0644) {
    std::string full = dir_ + "/" + path;
    size_t slash = full.rfind('/');
    ::mkdir(full.substr(0, slash).c_str(), 0755);
    std::ofstream(full) << text;
    ASSERT_EQ(::chmod(full.c_str(), mode), 0);
  }
  std::string dir_;
};

TEST_F(AzureAppDir, LoadsAnAppWithItsFunctionsSorted) {
  Write("host.json", kHost);
  Write("handler", "#!", 0755);
  Write("zeta/function.json", kFunction);
  Write("alpha/function.json", kFunction);
  Write("static/readme.txt", "not a function");
  Result<AzureApp> app = LoadAzureApp(dir_);
  ASSERT_THAT(app, IsOk());
  ASSERT_EQ(app->functions.size(), 2u);
  EXPECT_EQ(app->functions[0].name, "alpha");
  EXPECT_EQ(app->functions[1].name, "zeta");
}

TEST_F(AzureAppDir, RefusesAMissingOrNonExecutableHandler) {
  Write("host.json", kHost);
  Write("hello/function.json", kFunction);
  ExpectInvalid(LoadAzureApp(dir_), "defaultExecutablePath 'handler' is not a file of the app");
  Write("handler", "data", 0644);
  ExpectInvalid(LoadAzureApp(dir_), "defaultExecutablePath 'handler' is not executable");
}

TEST_F(AzureAppDir, RefusesAHandlerThatIsASymlinkOutOfTheApp) {
  Write("host.json", kHost);
  Write("hello/function.json", kFunction);
  ASSERT_EQ(::symlink("/bin/sh", (dir_ + "/handler").c_str()), 0);
  ExpectInvalid(LoadAzureApp(dir_), "is not a file of the app");
}

TEST_F(AzureAppDir, RefusesAnAppWithoutFunctions) {
  Write("host.json", kHost);
  Write("handler", "#!", 0755);
  ExpectInvalid(LoadAzureApp(dir_), "no <function>/function.json");
}

TEST_F(AzureAppDir, NamesTheFunctionWhoseConfigIsBad) {
  Write("host.json", kHost);
  Write("handler", "#!", 0755);
  Write("hello/function.json", R"({"bindings":[]})");
  ExpectInvalid(LoadAzureApp(dir_), "hello/function.json");
}

}  // namespace
}  // namespace fnseal::simulate
