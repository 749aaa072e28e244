// Bazel's persistent-worker protocol, proto wire format: the WorkRequest and WorkResponse
// messages of Bazel's worker_protocol.proto, each sent as a varint length and the message.
//
// Requests come from the Bazel server through a pipe, but they are parsed as untrusted input:
// every length, count and field is checked against WorkerLimits before anything is allocated
// for it, unknown fields are skipped as protobuf requires, and a malformed message is DataLoss
// with a specific message. Functions are thread-compatible; nothing here keeps state.
#ifndef FNSEAL_WORKER_PROTOCOL_H_
#define FNSEAL_WORKER_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io.h"
#include "core/status.h"

namespace fnseal::worker {

// Exceeding a limit is ResourceExhausted.
struct WorkerLimits {
  size_t max_message_size = size_t{64} << 20;  // one request, 64 MiB
  size_t max_arguments = 100000;
  size_t max_argument_size = size_t{1} << 20;  // 1 MiB
  size_t max_inputs = 1000000;                 // path/digest pairs, counted and checked only
};

struct WorkRequest {
  std::vector<std::string> arguments;  // the action's argument file, one argument each; no NUL
  size_t inputs = 0;                   // how many inputs Bazel listed (fnseal reads its own)
  int32_t request_id = 0;              // 0 unless the worker is multiplexed
  bool cancel = false;
  int32_t verbosity = 0;
  std::string sandbox_dir;
};

struct WorkResponse {
  int32_t exit_code = 0;
  std::string output;  // what the action printed, shown by Bazel
  int32_t request_id = 0;
};

// Parses one WorkRequest message (without its length prefix).
Result<WorkRequest> ParseWorkRequest(std::string_view message, const WorkerLimits& limits = {});

// The WorkResponse message, without a length prefix.
std::string SerializeWorkResponse(const WorkResponse& response);

// Reads one length-prefixed message from `in`. std::nullopt at a clean end of stream (before
// any byte of a prefix); DataLoss if the stream ends inside a prefix or message;
// ResourceExhausted above `max_size` (checked before reading the message).
Result<std::optional<std::string>> ReadDelimited(ByteSource* in, size_t max_size);

// `message` with its varint length prefix.
std::string Delimited(std::string_view message);

}  // namespace fnseal::worker

#endif  // FNSEAL_WORKER_PROTOCOL_H_
