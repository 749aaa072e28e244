// Fuzzes the function runtime's untrusted-input readers: the HTTP request reader the server runs
// on every connection (bytes -> Request or 400/413/431), fed whole and in the pieces a socket
// would deliver, and the Azure invocation and Lambda event decoders. Any input must end in a
// request within the limits or an error status, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/protocols.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fnseal::runtime::RuntimeLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 4096;
  using State = fnseal::runtime::HttpRequestReader::State;

  auto check = [&](State state, int error_status, const fnseal::runtime::Request& request) {
    if (state == State::kError && error_status != 400 && error_status != 413 && error_status != 431) std::abort();
    if (state == State::kDone && request.body.size() > limits.max_body_bytes) std::abort();
  };
  auto parsed = fnseal::runtime::ParseHttpRequest(bytes, limits);
  if (parsed.consumed > bytes.size()) std::abort();
  check(parsed.state, parsed.error_status, parsed.request);

  // As the server reads: pieces of a size taken from the first byte, requests one after another.
  const size_t piece = size > 0 ? 1 + data[0] % 64 : 1;
  std::string pending;
  size_t offset = 0;
  for (int requests = 0; requests < 64;) {
    fnseal::runtime::HttpRequestReader reader(limits);
    while (reader.state() == State::kNeedMore) {
      if (!pending.empty()) pending.erase(0, reader.Feed(pending));
      if (reader.state() != State::kNeedMore) break;
      // What the server buffers unparsed stays bounded by the limits.
      if (pending.size() > limits.max_header_bytes + limits.max_body_bytes) std::abort();
      if (offset >= bytes.size()) {
        if (reader.started() || !pending.empty()) reader.FeedEof();
        break;
      }
      pending.append(bytes.substr(offset, piece));
      offset += piece;
    }
    if (reader.state() == State::kNeedMore) break;  // the input ended between requests
    fnseal::runtime::Request request;
    if (reader.state() == State::kDone) request = reader.TakeRequest();
    check(reader.state(), reader.error_status(), request);
    ++requests;
    if (reader.state() == State::kError) break;
  }

  auto azure = fnseal::runtime::DecodeAzureInvocation(bytes);
  if (azure.ok() && azure->path.empty()) std::abort();
  (void)fnseal::runtime::AzureForwardingEnabled(bytes);
  bool http_event = false;
  auto event = fnseal::runtime::LambdaEventToRequest(bytes, &http_event);
  if (!http_event && event.body != bytes) std::abort();
  return 0;
}
