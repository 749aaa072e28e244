// A local emulator of the AWS Lambda Runtime API (version 2018-06-01), the HTTP API a custom
// runtime's `bootstrap` polls for events:
//
//   GET  /2018-06-01/runtime/invocation/next           long-polls for the next event
//   POST /2018-06-01/runtime/invocation/{id}/response  the function's answer (202)
//   POST /2018-06-01/runtime/invocation/{id}/error     the function's error (202)
//   POST /2018-06-01/runtime/init/error                initialization failed (202)
//
// `next` answers with the event as its body and the headers Lambda sends:
// Lambda-Runtime-Aws-Request-Id, Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Invoked-Function-Arn
// and Lambda-Runtime-Trace-Id. An unknown request id gets 400 (InvalidRequestID), an unknown
// path 404. The server listens on 127.0.0.1 on an ephemeral port and runs on its own thread.
// Methods are thread-safe; destroying the emulator closes every connection and joins the thread.
#ifndef FNSEAL_SIMULATE_LAMBDA_RUNTIME_API_H_
#define FNSEAL_SIMULATE_LAMBDA_RUNTIME_API_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "simulate/http_client.h"

namespace fnseal::simulate {

struct LambdaFunctionInfo {
  std::string name = "function";
  std::string region = "us-east-1";
  std::string account = "000000000000";
  std::chrono::milliseconds invocation_timeout{3000};  // sets Lambda-Runtime-Deadline-Ms
};

// What the function posted for one invocation.
struct LambdaInvocationResult {
  bool is_error = false;  // posted to /error rather than /response
  std::string body;
  std::string error_type;  // the Lambda-Runtime-Function-Error-Type header of an /error post
};

class LambdaRuntimeApi {
 public:
  // Binds 127.0.0.1:0 and starts serving. Internal if the socket cannot be bound.
  static Result<std::unique_ptr<LambdaRuntimeApi>> Start(const LambdaFunctionInfo& info);
  ~LambdaRuntimeApi();
  LambdaRuntimeApi(const LambdaRuntimeApi&) = delete;
  LambdaRuntimeApi& operator=(const LambdaRuntimeApi&) = delete;

  // The port it listens on; AWS_LAMBDA_RUNTIME_API is "127.0.0.1:<port>".
  uint16_t port() const;

  // Queues `event` for the next `next` call and returns its request id.
  std::string Invoke(std::string event);

  // When the first `next` call arrived, if one did.
  std::optional<Clock::time_point> first_next() const;
  // The body posted to /init/error, if any.
  std::optional<std::string> init_error() const;

  // Waits until a `next` call arrived. FailedPrecondition at the deadline or after an
  // /init/error post (with its body); `check`'s error if it fails first.
  Status WaitForNext(Clock::time_point deadline, const WaitCheck& check);

  // Waits for the function's answer to `request_id`. FailedPrecondition at the deadline;
  // `check`'s error if it fails first. An /error post is a result with is_error set.
  Result<LambdaInvocationResult> WaitForResult(const std::string& request_id, Clock::time_point deadline,
                                               const WaitCheck& check);

  struct Impl;

 private:
  explicit LambdaRuntimeApi(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fnseal::simulate

#endif  // FNSEAL_SIMULATE_LAMBDA_RUNTIME_API_H_
