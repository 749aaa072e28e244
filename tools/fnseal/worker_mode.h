// `fnseal --persistent_worker`: serves Bazel's work requests (worker/protocol.h) on standard
// input and output, one at a time, each a full fnseal command line run in this process, so
// that the rules' actions skip a process start and a sandbox each.
//
// A request's arguments are the action's argument file, after the worker's startup arguments.
// While a request runs, standard input reads /dev/null and standard output and error go to a
// capture that becomes the response's output (at most kMaxWorkerOutput bytes); the protocol
// keeps its own descriptors. A command's settings (--no-sync included) live in its own options,
// never in process-wide state, so they hold for that request only. Cancel requests are ignored:
// a request is answered before the next one is read. A malformed request ends the worker with
// exit code 1 and a message on standard error; the end of standard input ends it with 0.
#ifndef FNSEAL_TOOLS_FNSEAL_WORKER_MODE_H_
#define FNSEAL_TOOLS_FNSEAL_WORKER_MODE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace fnseal::cli {

inline constexpr char kPersistentWorkerFlag[] = "--persistent_worker";
inline constexpr size_t kMaxWorkerOutput = size_t{1} << 20;

int RunPersistentWorker(const std::vector<std::string>& startup_args);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_WORKER_MODE_H_
