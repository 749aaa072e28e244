// hello: a minimal function on the fnseal runtime (//runtime). It answers every request, on any
// path and method, with 200 and the greeting shipped in greeting.txt next to the executable
// (found through /proc/self/exe, so it works from Lambda's /var/task and any working
// directory), as text/plain. Without greeting.txt it greets with a built-in line instead.
// The runtime picks the protocol: Lambda, an Azure custom handler, or HTTP on $PORT.
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/runtime.h"

namespace {

using fnseal::runtime::Handler;
using fnseal::runtime::Request;
using fnseal::runtime::Response;
using fnseal::runtime::Result;

std::string ReadGreeting() {
  std::ifstream in(fnseal::runtime::ExecutableDirectory() + "/greeting.txt");
  std::stringstream text;
  text << in.rdbuf();
  return in ? text.str() : "hello from fnseal\n";
}

Result<Handler> Init() {
  std::string greeting = ReadGreeting();
  return Handler([greeting](const Request&) {
    Response response;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.body = greeting;
    return response;
  });
}

}  // namespace

int main() { return fnseal::runtime::RunFunction(Init); }
