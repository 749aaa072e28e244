// A small HTTP/1.1 client for loopback servers (Boost.Beast underneath, hidden here), and the
// waits `fnseal simulate` builds on: a free port, a port that accepts. Every call is bounded by
// a timeout. Thread-safe functions; they share no state.
#ifndef FNSEAL_SIMULATE_HTTP_CLIENT_H_
#define FNSEAL_SIMULATE_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace fnseal::simulate {

using Clock = std::chrono::steady_clock;

// Called every few milliseconds while a wait lasts. A non-OK Status ends the wait and is what
// the wait returns: the watched process exited, the user pressed Ctrl-C.
using WaitCheck = std::function<Status()>;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Sends `request` to 127.0.0.1:`port` on a new connection and reads the whole response (at most
// 16 MiB of body). FailedPrecondition when the connection is refused or reset, when no complete
// response arrives within `timeout`, or for a malformed response; the message says which.
Result<HttpResponse> SendHttpRequest(uint16_t port, const HttpRequest& request, std::chrono::milliseconds timeout);

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
Result<uint16_t> FindFreePort();

// Waits until 127.0.0.1:`port` accepts a connection. FailedPrecondition naming `what` at the
// deadline; `check`'s error if it fails first.
Status WaitForPort(uint16_t port, Clock::time_point deadline, const WaitCheck& check, const std::string& what);

// Milliseconds from `start` to now.
double MillisecondsSince(Clock::time_point start);

}  // namespace fnseal::simulate

#endif  // FNSEAL_SIMULATE_HTTP_CLIENT_H_
