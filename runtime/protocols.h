// The pieces RunFunction is built from, public for tests, fuzzers and embedders: the HTTP
// request reader (bytes -> Request or an HTTP error status), the bounded HTTP server, the Lambda
// Runtime API client with its event mapping, and the Azure custom handler payload codec.
//
// Thread-safety: HttpRequestReader is thread-compatible (one per connection). HttpServer is
// thread-safe: Stop() may be called from any thread, once or more. The codec functions are pure.
#ifndef FNSEAL_RUNTIME_PROTOCOLS_H_
#define FNSEAL_RUNTIME_PROTOCOLS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/runtime.h"
#include "core/status.h"

namespace fnseal::runtime {

// ---- HTTP/1.1 request reading (Boost.Beast's request_parser underneath) ----

// Reads one request from bytes fed in any split. After kError, error_status() is the status to
// answer with before closing: 400 malformed (including a request cut short by the peer), 413 a
// body over max_body_bytes, 431 a request line and headers over max_header_bytes.
class HttpRequestReader {
 public:
  enum class State { kNeedMore, kDone, kError };

  explicit HttpRequestReader(const RuntimeLimits& limits);
  ~HttpRequestReader();
  HttpRequestReader(const HttpRequestReader&) = delete;
  HttpRequestReader& operator=(const HttpRequestReader&) = delete;

  // Consumes a prefix of `bytes` (possibly none, while the headers are incomplete: feed them
  // again with more appended) and returns its length. Bytes after a complete request are left.
  size_t Feed(std::string_view bytes);
  // The peer closed: a request cut short becomes a 400 error.
  void FeedEof();

  State state() const { return state_; }
  int error_status() const { return error_status_; }
  // Whether any byte of a request has been consumed (an idle connection has none).
  bool started() const { return started_; }
  // True once, when the headers are complete, the body is still to come, and the client sent
  // "Expect: 100-continue": the server then answers "100 Continue" before reading on.
  bool TakeExpectContinue();
  // After kDone: whether the client asked to keep the connection open.
  bool keep_alive() const;
  // After kDone: the request (method, path, query, headers, body).
  Request TakeRequest();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
  State state_ = State::kNeedMore;
  int error_status_ = 0;
  bool started_ = false;
  bool continue_answered_ = false;
};

struct ParsedHttpRequest {
  HttpRequestReader::State state = HttpRequestReader::State::kNeedMore;
  int error_status = 0;  // when state is kError
  size_t consumed = 0;   // bytes of `bytes` the request took
  Request request;       // when state is kDone
};

// Reads one request from the start of a complete buffer, as the server does; a buffer that
// ends early is kNeedMore. For fuzzers and tests.
ParsedHttpRequest ParseHttpRequest(std::string_view bytes, const RuntimeLimits& limits);

// ---- The HTTP server ----

// Serves `handler` on address:port with limits.threads threads, each serving one connection at
// a time (keep-alive, pipelining in order). Errors before the handler are answered 400/413/431
// and the connection closed; a stalled read is dropped after read_timeout; a handler exception
// is a 500. Stop() stops accepting, lets every request already being read or handled finish
// (answered with Connection: close), closes idle connections and joins the threads.
class HttpServer {
 public:
  // Binds and starts serving. `address` is a numeric IPv4 or IPv6 literal; port 0 picks one.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& address, uint16_t port, Handler handler,
                                                   const RuntimeLimits& limits);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  void Stop();

 private:
  struct Rep;
  explicit HttpServer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// Serves on 0.0.0.0/127.0.0.1 until SIGTERM or SIGINT, then drains: 0, or 1 when it cannot bind.
int ServeHttpUntilSignal(const std::string& address, uint16_t port, Handler handler, const RuntimeLimits& limits);

// ---- AWS Lambda Runtime API ----

struct HostPort {
  std::string host;  // a numeric IPv4 or IPv6 address (a localhost name becomes "127.0.0.1")
  uint16_t port = 0;
};

// Parses AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001", "[::1]:9001" or "localhost:9001". No name
// lookup (Lambda gives a numeric address): any other host name is InvalidArgument.
Result<HostPort> ParseRuntimeApiAddress(std::string_view text);

// The Request for one Lambda event: an API Gateway HTTP API (payload 2.0) or function URL event
// is decoded into method, path, query, headers and body; any other event is the body of a
// "POST /" request. Sets `*http_event` to tell which.
Request LambdaEventToRequest(std::string_view event, bool* http_event);
// What to post to /response: for an HTTP event {"statusCode","headers","body","isBase64Encoded"},
// otherwise the response body as is.
std::string LambdaResponsePayload(const Response& response, bool http_event);

struct LambdaOptions {
  // Tests stop the loop: checked before each /next call.
  const std::atomic<bool>* stop = nullptr;
};

// Runs init (posting /init/error on failure, then returning 1) and the next -> handler ->
// /response (or /error) loop. Returns 1 when the Runtime API cannot be reached or answers /next
// with an error, 0 when options.stop is set.
int RunLambda(std::string_view runtime_api, const InitFn& init, const RuntimeLimits& limits,
              const LambdaOptions& options = {});

// ---- Azure Functions custom handlers ----

// Whether host.json's customHandler.enableProxyingHttpRequest (or its earlier name,
// enableForwardingHttpRequest) is true: the host then sends the original HTTP requests instead of
// invocation payloads. InvalidArgument when host.json is not JSON.
Result<bool> AzureForwardingEnabled(std::string_view host_json);

// Decodes the invocation payload the Functions host POSTs to /<function> without forwarding:
// {"Data":{"req":{"Url","Method","Query","Headers":{name:[values]},"Params","Body"}},"Metadata":{..}}.
// The Request's path and query come from Url. InvalidArgument names what is missing.
Result<Request> DecodeAzureInvocation(std::string_view payload);
// {"Outputs":{"res":{"statusCode","headers","body"}},"Logs":[],"ReturnValue":null}
std::string EncodeAzureOutput(const Response& response);
// A handler that decodes each request's body as an invocation payload, calls `handler` with the
// decoded request, and answers with the encoded output (400 for a payload it cannot decode).
Handler AzureInvocationHandler(Handler handler);

}  // namespace fnseal::runtime

#endif  // FNSEAL_RUNTIME_PROTOCOLS_H_
