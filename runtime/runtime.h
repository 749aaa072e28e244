// The portable function runtime: one handler API, served under AWS Lambda, Azure Functions
// custom handlers, or plain HTTP (Cloud Run, any OCI runtime), chosen from the environment.
//
// A function author writes an init step that returns a Handler (or an error), and calls
// RunFunction from main:
//
//   int main() { return fnseal::runtime::RunFunction(Init); }
//
// RunFunction picks the protocol, in this order (docs/runtime.md has the details):
//   1. AWS_LAMBDA_RUNTIME_API set        -> Lambda Runtime API client, one invocation at a time;
//   2. FUNCTIONS_CUSTOMHANDLER_PORT set  -> Azure custom handler, HTTP on 127.0.0.1:that port;
//   3. otherwise                         -> HTTP/1.1 on 0.0.0.0:$PORT (default 8080).
// HTTP is Boost.Beast's parser under the limits of RuntimeLimits; SIGTERM and SIGINT drain
// in-flight requests and exit 0. A handler that throws becomes an error response (500, or
// Lambda's /error call); no exception leaves the runtime.
//
// Thread-safety: the HTTP servers call the handler from RuntimeLimits::threads threads at once,
// so a handler must be safe to call concurrently (state built by init and read-only after it
// is). Under Lambda the handler is called from one thread, one invocation at a time.
#ifndef FNSEAL_RUNTIME_RUNTIME_H_
#define FNSEAL_RUNTIME_RUNTIME_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace fnseal::runtime {

// Errors as values (core/status.h), under the names a function author uses with the runtime.
using ::fnseal::FailedPreconditionError;
using ::fnseal::InternalError;
using ::fnseal::InvalidArgumentError;
using ::fnseal::NotFoundError;
using ::fnseal::OkStatus;
using ::fnseal::ResourceExhaustedError;
using ::fnseal::Result;
using ::fnseal::Status;
using ::fnseal::StatusCode;
using ::fnseal::UnavailableError;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST"...; "POST" for a raw Lambda event
  std::string path;    // "/api/hello"; without the query
  std::string query;   // the raw query string after '?', or empty
  Headers headers;     // in arrival order, names as sent
  std::string body;
  std::string invocation_id;  // Lambda's request id, Azure's InvocationId, or empty
  std::string trace_id;       // Lambda-Runtime-Trace-Id / traceparent, or empty
  // When the platform gives up on this invocation (Lambda); the epoch (zero) when there is none.
  std::chrono::system_clock::time_point deadline;

  // The first header named `name` (case-insensitive), or empty.
  std::string_view Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;  // Content-Length is set by the runtime
  std::string body;
};

using Handler = std::function<Response(const Request&)>;
// Runs once before the first request; an error is reported to the platform (Lambda's
// /init/error) and RunFunction returns 1.
using InitFn = std::function<Result<Handler>()>;

// Bounds on what the HTTP servers accept and how long they wait. Passed per call (RunFunction,
// HttpServer), never process-wide. docs/runtime.md has the table.
struct RuntimeLimits {
  size_t max_header_bytes = 16 * 1024;                // request line + headers; more -> 431
  size_t max_body_bytes = 6 * 1024 * 1024;            // decoded body (Lambda's own payload limit); more -> 413
  std::chrono::milliseconds read_timeout{10'000};     // a read that sees no byte for this long drops the connection
  std::chrono::milliseconds request_timeout{60'000};  // a whole request (headers + body) must arrive within this
  std::chrono::milliseconds idle_timeout{30'000};     // a keep-alive connection may wait this long for its next request
  std::chrono::milliseconds write_timeout{10'000};  // a response write that makes no progress for this long is dropped
  size_t threads = 4;                               // connections served at once; more wait in the listen backlog
};

// The directory of the running executable (from /proc/self/exe, so independent of the working
// directory: Lambda runs bootstrap in /var/task, Azure in the app root), for files shipped next
// to the handler. Without /proc, from the path the kernel started it by (AT_EXECFN, made
// absolute with the working directory); empty when neither is known.
std::string ExecutableDirectory();

// Serves the function under the protocol the environment selects (see above) until SIGTERM or
// SIGINT (exit code 0), or a fatal error: init failed, the port is taken, the Lambda Runtime API
// is unreachable (returns 1 after printing "fnseal-runtime: <message>" to stderr).
int RunFunction(const InitFn& init, const RuntimeLimits& limits = {});

}  // namespace fnseal::runtime

#endif  // FNSEAL_RUNTIME_RUNTIME_H_
