// Fuzzes the persistent-worker protocol reader: any byte stream must end in a clean Status, and
// every request it accepts must keep the limits (argument count and size, no NUL in an argument).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/io.h"
#include "worker/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fnseal::worker::WorkerLimits limits;
  limits.max_arguments = 64;
  limits.max_argument_size = 1024;
  limits.max_inputs = 64;
  // The whole input as one message, then as a stream of length-prefixed ones.
  auto check = [&](std::string_view message) {
    auto request = fnseal::worker::ParseWorkRequest(message, limits);
    if (!request.ok()) return;
    if (request->arguments.size() > limits.max_arguments || request->inputs > limits.max_inputs) std::abort();
    for (const auto& argument : request->arguments) {
      if (argument.size() > limits.max_argument_size || argument.find('\0') != std::string::npos) std::abort();
    }
  };
  check(bytes);
  fnseal::StringSource stream(bytes);
  for (;;) {
    auto message = fnseal::worker::ReadDelimited(&stream, 4096);
    if (!message.ok() || !message->has_value()) break;
    if ((*message)->size() > 4096) std::abort();
    check(**message);
  }
  return 0;
}
