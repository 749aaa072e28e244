// Azure Functions custom handlers in both modes: forwarded HTTP requests (plain HTTP), and
// invocation payloads POSTed to /<function> and answered with Outputs.res.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/protocols.h"
#include "runtime/test_client.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

// The payload shape of the Functions host's custom handler docs, for an HTTP trigger "req".
const char kInvocation[] = R"({
  "Data": {"req": {
    "Url": "http://localhost:7071/api/hello?name=Ada&x=1",
    "Method": "POST",
    "Query": {"name": "Ada", "x": "1"},
    "Headers": {"Content-Type": ["text/plain"], "X-Many": ["a", "b"]},
    "Params": {},
    "Body": "payload text"}},
  "Metadata": {"InvocationId": "inv-42", "sys": {"MethodName": "hello"}}})";

Response Describe(const Request& request) {
  Response response;
  response.status = 201;
  response.headers = {{"Content-Type", "text/plain"}, {"X-Out", "1"}};
  response.body = request.method + " " + request.path + " " + request.query + " " +
                  std::string(request.Header("x-many")) + " " + request.invocation_id + "|" + request.body;
  return response;
}

std::string Post(uint16_t port, const std::string& path, const std::string& body) {
  return test::Exchange(port, {"POST " + path +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body});
}

std::string BodyOf(const std::string& reply) {
  size_t at = reply.find("\r\n\r\n");
  return at == std::string::npos ? "" : reply.substr(at + 4);
}

TEST(AzureInvocation, DecodesThePayloadAndAnswersWithOutputsRes) {
  auto server = HttpServer::Start("127.0.0.1", 0, AzureInvocationHandler(Describe), {});
  ASSERT_THAT(server, IsOk());
  std::string reply = Post((*server)->port(), "/hello", kInvocation);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  Json out = Json::parse(BodyOf(reply));
  EXPECT_EQ(out["Outputs"]["res"]["statusCode"], 201);
  EXPECT_EQ(out["Outputs"]["res"]["body"], "POST /api/hello name=Ada&x=1 a inv-42|payload text");
  EXPECT_EQ(out["Outputs"]["res"]["headers"]["X-Out"], "1");
  EXPECT_TRUE(out["Logs"].is_array());
  EXPECT_TRUE(out.contains("ReturnValue"));
}

TEST(AzureInvocation, AnswersAPayloadItCannotDecodeWith400) {
  auto server = HttpServer::Start("127.0.0.1", 0, AzureInvocationHandler(Describe), {});
  ASSERT_THAT(server, IsOk());
  std::string reply = Post((*server)->port(), "/hello", R"({"Data":{}})");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_THAT(BodyOf(reply), HasSubstr("no Data.req http request"));
}

TEST(AzureForwarding, ServesTheForwardedRequestAsPlainHttp) {
  auto server = HttpServer::Start("127.0.0.1", 0, Describe, {});
  ASSERT_THAT(server, IsOk());
  std::string reply = test::Exchange((*server)->port(), {"GET /api/hello?name=Ada HTTP/1.1\r\nHost: h\r\nX-Many: z\r\n"
                                                         "Connection: close\r\n\r\n"});
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 201 Created\r\n"));
  EXPECT_THAT(reply, HasSubstr("X-Out: 1\r\n"));
  EXPECT_EQ(BodyOf(reply), "GET /api/hello name=Ada z |");
}

TEST(AzureForwardingEnabled, ReadsHostJson) {
  auto on = AzureForwardingEnabled(R"({"version":"2.0","customHandler":{"enableForwardingHttpRequest":true}})");
  ASSERT_THAT(on, IsOk());
  EXPECT_TRUE(*on);
  auto proxying = AzureForwardingEnabled(R"({"customHandler":{"enableProxyingHttpRequest":true}})");
  ASSERT_THAT(proxying, IsOk());
  EXPECT_TRUE(*proxying);
  auto off = AzureForwardingEnabled(R"({"version":"2.0","customHandler":{"description":{}}})");
  ASSERT_THAT(off, IsOk());
  EXPECT_FALSE(*off);
  auto bad = AzureForwardingEnabled("{not json");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("host.json is not a json object"));
}

TEST(DecodeAzureInvocation, NamesWhatIsMissing) {
  EXPECT_THAT(DecodeAzureInvocation("[]").status().message(), HasSubstr("not a json object"));
  EXPECT_THAT(DecodeAzureInvocation("{}").status().message(), HasSubstr("no Data object"));
  auto json_body = DecodeAzureInvocation(R"({"Data":{"req":{"Method":"POST","Url":"http://h/api/f","Body":{"k":1}}}})");
  ASSERT_THAT(json_body, IsOk());
  EXPECT_EQ(json_body->body, R"({"k":1})");
  EXPECT_EQ(json_body->path, "/api/f");
}

}  // namespace
}  // namespace fnseal::runtime
