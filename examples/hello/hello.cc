// hello: a minimal function on the fnseal runtime (//runtime). It answers every request, on any
// path and method, with 200 and the greeting shipped in greeting.txt next to the executable
// (found through /proc/self/exe, so it works from Lambda's /var/task and any working
// directory), as text/plain. A missing greeting.txt is an init error: a deployable that lost a
// file it ships must not start as if nothing were wrong.
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

Result<std::string> ReadGreeting() {
  const std::string path = fnseal::runtime::ExecutableDirectory() + "/greeting.txt";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return fnseal::runtime::NotFoundError("cannot read " + path);
  return text.str();
}

Result<Handler> Init() {
  Result<std::string> read = ReadGreeting();
  if (!read.ok()) return read.status();
  std::string greeting = *read;
  return Handler([greeting](const Request&) {
    Response response;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.body = greeting;
    return response;
  });
}

}  // namespace

int main() { return fnseal::runtime::RunFunction(Init); }
