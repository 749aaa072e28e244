// http: a C++ function for every cloud with one executable, on the fnseal runtime (//runtime).
//
// Under AWS Lambda (AWS_LAMBDA_RUNTIME_API set) it is a custom runtime speaking the Runtime API;
// under Azure Functions (FUNCTIONS_CUSTOMHANDLER_PORT set) a custom handler; elsewhere (Cloud
// Run, any OCI runtime) an HTTP server on $PORT (default 8080). Every request, on any path and
// method, is answered 200 with {"message":"hello from a C++ function","requestBytes":N}, N the
// size of the request body (of the raw event under Lambda, unless it is an HTTP API/function URL
// event), which keeps the example about packaging rather than about HTTP.
#include <string>

#include "runtime/runtime.h"

namespace {

using fnseal::runtime::Handler;
using fnseal::runtime::Request;
using fnseal::runtime::Response;
using fnseal::runtime::Result;

Response Reply(const Request& request) {
  Response response;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body =
      "{\"message\":\"hello from a C++ function\",\"requestBytes\":" + std::to_string(request.body.size()) + "}";
  return response;
}

}  // namespace

int main() {
  return fnseal::runtime::RunFunction([]() -> Result<Handler> { return Handler(Reply); });
}
