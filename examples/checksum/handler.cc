// checksum: answers every request with the Adler-32 of its body, {"adler32":"0a1b2c3d"} (eight
// lowercase hex digits; 00000001 for an empty body), computed by the vendored third-party
// library in examples/third_party/adler32 (Zlib license). On the fnseal runtime (//runtime):
// Lambda (the raw event is the body), an Azure custom handler, or HTTP on $PORT.
#include <cstdio>
#include <string>

#include "examples/third_party/adler32/adler32.h"
#include "runtime/runtime.h"

namespace {

using fnseal::runtime::Handler;
using fnseal::runtime::Request;
using fnseal::runtime::Response;
using fnseal::runtime::Result;

Response Checksum(const Request& request) {
  uint32_t sum = adler32::Update(1, reinterpret_cast<const unsigned char*>(request.body.data()), request.body.size());
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", static_cast<unsigned>(sum));
  Response response;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::string("{\"adler32\":\"") + hex + "\"}";
  return response;
}

}  // namespace

int main() {
  return fnseal::runtime::RunFunction([]() -> Result<Handler> { return Handler(Checksum); });
}
