// The HTTP server against hostile and ordinary clients, on an ephemeral port of 127.0.0.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "runtime/protocols.h"
#include "runtime/test_client.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::runtime {
namespace {

using test::CountOf;
using test::Exchange;
using test::RawClient;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace std::chrono_literals;

// Answers "METHOD PATH QUERY|BODY".
Response Echo(const Request& request) {
  Response response;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = request.method + " " + request.path + " " + request.query + "|" + request.body;
  return response;
}

RuntimeLimits TestLimits() {
  RuntimeLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_body_bytes = 64;
  limits.read_timeout = 200ms;
  limits.request_timeout = 5s;
  limits.idle_timeout = 2s;
  limits.threads = 2;
  return limits;
}

std::unique_ptr<HttpServer> StartServer(Handler handler, const RuntimeLimits& limits = TestLimits()) {
  auto server = HttpServer::Start("127.0.0.1", 0, std::move(handler), limits);
  EXPECT_THAT(server, IsOk());
  return server.ok() ? std::move(*server) : nullptr;
}

TEST(HttpServer, ReadsARequestSplitAcrossWritesWithPauses) {
  auto server = StartServer(Echo);
  std::string reply = Exchange(server->port(),
                               {"POST /echo?x=1 HT", "TP/1.1\r\nHost: a\r\nContent-Le",
                                "ngth: 10\r\nConnection: close\r\n", "\r\nhello", "world"},
                               30ms);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("\r\n\r\nPOST /echo x=1|helloworld"));
}

TEST(HttpServer, AnswersExpectContinueBeforeTheBody) {
  auto server = StartServer(Echo);
  RawClient client(server->port());
  ASSERT_TRUE(
      client.Send("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n"
                  "Connection: close\r\n\r\n"));
  EXPECT_EQ(client.ReadUntil("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.Send("body"));
  bool closed = false;
  std::string reply = client.ReadUntilClosed(&closed);
  EXPECT_THAT(reply, HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("POST /e |body"));
}

TEST(HttpServer, DecodesAChunkedBody) {
  auto server = StartServer(Echo);
  std::string reply = Exchange(server->port(),
                               {"PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                                "Connection: close\r\n\r\n5\r\nhello\r\n",
                                "6\r\n world\r\n0\r\n\r\n"},
                               20ms);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("\r\n\r\nPUT /c |hello world"));
}

TEST(HttpServer, RefusesAnOversizedBodyWith413) {
  auto server = StartServer(Echo);
  std::string reply = Exchange(server->port(), {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n"});
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
  EXPECT_THAT(reply, HasSubstr("Connection: close"));
}

TEST(HttpServer, RefusesAnOversizedChunkedBodyWith413) {
  auto server = StartServer(Echo);
  std::string reply = Exchange(server->port(), {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                "40\r\n" +
                                                std::string(64, 'a') + "\r\n1\r\nb\r\n0\r\n\r\n"});
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
}

TEST(HttpServer, RefusesAnEndlessChunkLineWith400InsteadOfBufferingIt) {
  auto server = StartServer(Echo);
  // A chunk-size line whose extension never ends: Beast would wait for its CRLF forever.
  std::string reply = Exchange(server->port(), {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                "5;ext=" +
                                                std::string(4096, 'x')});
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400 Bad Request\r\n"));
}

TEST(HttpServer, RefusesOversizedHeadersWith431) {
  auto server = StartServer(Echo);
  std::string reply =
      Exchange(server->port(), {"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'x') + "\r\n\r\n"});
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
}

TEST(HttpServer, RefusesAMalformedRequestLineWith400) {
  auto server = StartServer(Echo);
  EXPECT_THAT(Exchange(server->port(), {"GET / HTTX/1.1\r\nHost: a\r\n\r\n"}),
              StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_THAT(Exchange(server->port(), {"\x01\x02 garbage\r\n\r\n"}), StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_THAT(Exchange(server->port(), {"POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"}),
              StartsWith("HTTP/1.1 400 Bad Request\r\n"));
}

TEST(HttpServer, DropsAClientThatStallsMidRequest) {
  std::atomic<int> calls{0};
  auto server = StartServer([&](const Request& r) {
    ++calls;
    return Echo(r);
  });
  RawClient client(server->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"));
  bool closed = false;
  std::string reply = client.ReadUntilClosed(&closed);
  EXPECT_TRUE(closed) << "the server kept a stalled connection open";
  EXPECT_EQ(reply, "");
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, DropsAClientThatStallsInTheHeaders) {
  auto server = StartServer(Echo);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost"));
  bool closed = false;
  EXPECT_EQ(client.ReadUntilClosed(&closed), "");
  EXPECT_TRUE(closed);
}

TEST(HttpServer, ServesTwoKeepAliveRequestsOnOneConnection) {
  auto server = StartServer(Echo);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n1"));
  std::string first = client.ReadUntil("/one |1");
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(first, Not(HasSubstr("Connection: close")));
  ASSERT_TRUE(client.Send("POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nConnection: close\r\n\r\n2"));
  bool closed = false;
  std::string both = client.ReadUntilClosed(&closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(CountOf(both, "HTTP/1.1 200 OK\r\n"), 2);
  EXPECT_THAT(both, HasSubstr("POST /two |2"));
}

TEST(HttpServer, AnswersPipelinedRequestsInOrder) {
  auto server = StartServer(Echo);
  std::string reply = Exchange(server->port(), {"GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
                                                "GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"});
  size_t a = reply.find("GET /a |");
  size_t b = reply.find("GET /b |");
  ASSERT_NE(a, std::string::npos) << reply;
  ASSERT_NE(b, std::string::npos) << reply;
  EXPECT_LT(a, b);
}

TEST(HttpServer, TurnsAHandlerExceptionInto500AndKeepsServing) {
  auto server = StartServer([](const Request& request) -> Response {
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/throw-int") throw 42;
    return Echo(request);
  });
  EXPECT_THAT(Exchange(server->port(), {"GET /throw HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"}),
              StartsWith("HTTP/1.1 500 Internal Server Error\r\n"));
  EXPECT_THAT(Exchange(server->port(), {"GET /throw-int HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"}),
              StartsWith("HTTP/1.1 500 Internal Server Error\r\n"));
  EXPECT_THAT(Exchange(server->port(), {"GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"}),
              HasSubstr("GET /ok |"));
}

TEST(HttpServer, KeepsFramingItsOwnAndStatusesValid) {
  auto server = StartServer([](const Request& request) {
    Response response;
    response.status = request.path == "/no-content" ? 204 : request.path == "/continue" ? 100 : 200;
    response.headers = {{"Content-Length", "999"}, {"X-Evil", "a\r\nSet-Cookie: x=1"}, {"X-Fine", "yes"}};
    response.body = "body";
    return response;
  });
  std::string ok = Exchange(server->port(), {"GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"});
  EXPECT_THAT(ok, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(ok, HasSubstr("Content-Length: 4\r\n"));
  EXPECT_THAT(ok, HasSubstr("X-Fine: yes\r\n"));
  EXPECT_THAT(ok, Not(HasSubstr("999")));
  EXPECT_THAT(ok, Not(HasSubstr("Set-Cookie")));
  std::string none = Exchange(server->port(), {"GET /no-content HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"});
  EXPECT_THAT(none, StartsWith("HTTP/1.1 204 No Content\r\n"));
  EXPECT_THAT(none, Not(HasSubstr("body")));
  EXPECT_THAT(Exchange(server->port(), {"GET /continue HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"}),
              StartsWith("HTTP/1.1 500 Internal Server Error\r\n"));
}

TEST(HttpServer, StopDrainsAnInFlightRequestThenRefusesConnections) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto server = StartServer([&](const Request& request) {
    entered.set_value();
    released.wait();
    return Echo(request);
  });
  const uint16_t port = server->port();
  RawClient client(port);
  ASSERT_TRUE(client.Send("POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"));
  entered.get_future().wait();
  std::thread stopper([&] { server->Stop(); });
  std::this_thread::sleep_for(50ms);  // let Stop() start waiting on the handler
  release.set_value();
  stopper.join();
  bool closed = false;
  std::string reply = client.ReadUntilClosed(&closed);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("Connection: close"));
  EXPECT_THAT(reply, HasSubstr("POST /slow |hi"));
  EXPECT_TRUE(closed);
  RawClient late(port);
  EXPECT_FALSE(late.connected()) << "the server still accepts after Stop()";
}

TEST(HttpServer, RejectsANonNumericListenAddress) {
  auto server = HttpServer::Start("localhost", 0, Echo, TestLimits());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("not a numeric ip address"));
}

TEST(ParseHttpRequest, ReadsMethodPathQueryHeadersAndBody) {
  auto parsed = ParseHttpRequest(
      "POST /p/q?a=1&b=2 HTTP/1.1\r\nHost: h\r\nX-Thing: v\r\n"
      "traceparent: 00-abc-def-01\r\nContent-Length: 3\r\n\r\nxyzEXTRA",
      TestLimits());
  ASSERT_EQ(parsed.state, HttpRequestReader::State::kDone);
  EXPECT_EQ(parsed.request.method, "POST");
  EXPECT_EQ(parsed.request.path, "/p/q");
  EXPECT_EQ(parsed.request.query, "a=1&b=2");
  EXPECT_EQ(parsed.request.Header("x-thing"), "v");
  EXPECT_EQ(parsed.request.trace_id, "00-abc-def-01");
  EXPECT_EQ(parsed.request.body, "xyz");
  EXPECT_EQ(std::string("POST /p/q?a=1&b=2 HTTP/1.1\r\nHost: h\r\nX-Thing: v\r\n"
                        "traceparent: 00-abc-def-01\r\nContent-Length: 3\r\n\r\nxyz")
                .size(),
            parsed.consumed);
}

TEST(ParseHttpRequest, SaysNeedMoreForATruncatedRequest) {
  auto parsed = ParseHttpRequest("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", TestLimits());
  EXPECT_EQ(parsed.state, HttpRequestReader::State::kNeedMore);
}

TEST(HttpRequestReader, RefusesAChunkLineLongerThanTheHeaderLimitAsItArrives) {
  const RuntimeLimits limits = TestLimits();  // 1 KiB of headers
  HttpRequestReader reader(limits);
  std::string pending = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=";
  while (reader.state() == HttpRequestReader::State::kNeedMore) {
    pending.erase(0, reader.Feed(pending));
    ASSERT_LE(pending.size(), limits.max_header_bytes + 64) << "the reader lets unconsumed bytes pile up";
    pending.append(64, 'x');
  }
  EXPECT_EQ(reader.state(), HttpRequestReader::State::kError);
  EXPECT_EQ(reader.error_status(), 400);

  // A chunk line within the limit, split anywhere, still reads.
  HttpRequestReader ok(limits);
  const std::string request = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;name=" +
                              std::string(900, 'v') + "\r\nabc\r\n0\r\n\r\n";
  pending.clear();
  for (char c : request) {
    pending.push_back(c);
    pending.erase(0, ok.Feed(pending));
  }
  ASSERT_EQ(ok.state(), HttpRequestReader::State::kDone);
  EXPECT_EQ(ok.TakeRequest().body, "abc");
}

TEST(HttpRequestReader, ReadsAFinalChunkThatArrivesBeforeItsTrailers) {
  // The header and a last chunk "0\r\n" in one read, the end of the trailers in the next: the
  // reader must wait for the new bytes, not hand the parser the same three again.
  HttpRequestReader reader(TestLimits());
  std::string pending = "PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  pending.erase(0, reader.Feed(pending));
  ASSERT_EQ(reader.state(), HttpRequestReader::State::kNeedMore);
  EXPECT_EQ(pending, "0\r\n");
  pending += "X-Trailer: t\r\n";
  pending.erase(0, reader.Feed(pending));
  ASSERT_EQ(reader.state(), HttpRequestReader::State::kNeedMore);
  pending += "\r\n";
  pending.erase(0, reader.Feed(pending));
  ASSERT_EQ(reader.state(), HttpRequestReader::State::kDone);
  EXPECT_EQ(reader.TakeRequest().body, "");
  // The same split through ParseHttpRequest, which feeds a request in two halves.
  auto parsed = ParseHttpRequest("PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", TestLimits());
  EXPECT_EQ(parsed.state, HttpRequestReader::State::kDone);
}

TEST(HttpRequestReader, TurnsEofMidBodyInto400) {
  HttpRequestReader reader(TestLimits());
  std::string bytes = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab";
  EXPECT_EQ(reader.Feed(bytes), bytes.size());
  reader.FeedEof();
  EXPECT_EQ(reader.state(), HttpRequestReader::State::kError);
  EXPECT_EQ(reader.error_status(), 400);
}

}  // namespace
}  // namespace fnseal::runtime
