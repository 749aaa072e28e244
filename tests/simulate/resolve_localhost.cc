// A function for tests/simulate/run.sh that resolves "localhost" on every request, in whatever
// root filesystem its cloud gives it, and answers what it found:
//   {"resolve_host": ["127.0.0.1", "::1"], "getaddrinfo": "127.0.0.1" | "<the gai error>"}
// "resolve_host" is runtime/resolve.h's answer, which run.sh requires on every cloud;
// "getaddrinfo" is glibc's own for the same name, reported as evidence of what the root
// filesystem holds (it fails where there is no /etc/hosts).
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/resolve.h"
#include "runtime/runtime.h"

namespace {

using fnseal::runtime::Handler;
using fnseal::runtime::Request;
using fnseal::runtime::Response;
using fnseal::runtime::Result;

std::string Getaddrinfo(const char* host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host, nullptr, &hints, &found);
  if (rc != 0) return gai_strerror(rc);
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, freeaddrinfo);
  char text[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr, text, sizeof(text));
  return text;
}

Result<Handler> Init() {
  return Handler([](const Request&) {
    Response response;
    response.headers.emplace_back("Content-Type", "application/json");
    nlohmann::json answer = {{"getaddrinfo", Getaddrinfo("localhost")}};
    auto resolved = fnseal::runtime::ResolveHost("localhost");
    if (resolved.ok()) {
      answer["resolve_host"] = *resolved;
    } else {
      response.status = 500;
      answer["error"] = resolved.status().message();
    }
    response.body = answer.dump();
    return response;
  });
}

}  // namespace

int main() { return fnseal::runtime::RunFunction(Init); }
