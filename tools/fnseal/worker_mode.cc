#include "tools/fnseal/worker_mode.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include "core/file.h"
#include "core/io.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/dispatch.h"
#include "worker/protocol.h"

namespace fnseal::cli {
namespace {

Status Redirect(int from, int to) {
  while (::dup2(from, to) < 0) {
    if (errno != EINTR) return ErrnoError("cannot redirect", "descriptor " + std::to_string(to), errno);
  }
  return OkStatus();
}

// The first kMaxWorkerOutput bytes written to `fd` (a memfd), with a note if there were more.
Result<std::string> CapturedOutput(int fd) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0 || ::lseek(fd, 0, SEEK_SET) < 0) return ErrnoError("cannot read", "the captured output", errno);
  std::string output(std::min<size_t>(static_cast<size_t>(size), kMaxWorkerOutput), '\0');
  FdSource source(fd, "the captured output");
  RETURN_IF_ERROR(ReadExactly(&source, output.data(), output.size(), "the captured output"));
  if (static_cast<size_t>(size) > output.size()) {
    output += "\nfnseal: worker: output cut at " + std::to_string(kMaxWorkerOutput) + " of " + std::to_string(size) +
              " bytes\n";
  }
  return output;
}

// Runs one request with standard input, output and error redirected; returns its exit code and
// what it printed. `null_fd` is /dev/null, `worker_stderr` a copy of the worker's own stderr.
Result<worker::WorkResponse> Serve(const std::vector<std::string>& startup_args, const worker::WorkRequest& request,
                                   int null_fd, int worker_stderr) {
  UniqueFd capture(::memfd_create("fnseal-worker-output", MFD_CLOEXEC));
  if (capture.get() < 0) return ErrnoError("cannot create", "the output capture", errno);
  RETURN_IF_ERROR(Redirect(null_fd, STDIN_FILENO));
  RETURN_IF_ERROR(Redirect(capture.get(), STDOUT_FILENO));
  RETURN_IF_ERROR(Redirect(capture.get(), STDERR_FILENO));
  std::clearerr(stdin);  // a previous request may have read stdin to its end
  std::cin.clear();
  std::vector<std::string> args = startup_args;
  args.insert(args.end(), request.arguments.begin(), request.arguments.end());
  worker::WorkResponse response;
  response.request_id = request.request_id;
  try {
    response.exit_code = RunCommandLine(std::move(args));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fnseal: internal error: %s\n", e.what());
    response.exit_code = kExitFailure;
  } catch (...) {
    std::fprintf(stderr, "fnseal: internal error\n");
    response.exit_code = kExitFailure;
  }
  std::cout.flush();
  std::fflush(stdout);
  std::fflush(stderr);
  RETURN_IF_ERROR(Redirect(null_fd, STDOUT_FILENO));
  RETURN_IF_ERROR(Redirect(worker_stderr, STDERR_FILENO));
  ASSIGN_OR_RETURN(response.output, CapturedOutput(capture.get()));
  return response;
}

Status ServeAll(const std::vector<std::string>& startup_args) {
  // The protocol's own descriptors; fds 0 and 1 are pointed elsewhere, so nothing a command
  // prints or reads can touch the stream Bazel parses.
  UniqueFd requests(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3));
  UniqueFd responses(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
  UniqueFd worker_stderr(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
  UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (requests.get() < 0 || responses.get() < 0 || worker_stderr.get() < 0 || null_fd.get() < 0) {
    return ErrnoError("cannot set up", "the worker's descriptors", errno);
  }
  RETURN_IF_ERROR(Redirect(null_fd.get(), STDIN_FILENO));
  RETURN_IF_ERROR(Redirect(null_fd.get(), STDOUT_FILENO));
  FdSource in(requests.get(), "standard input");
  FdSink out(responses.get(), "standard output");
  const worker::WorkerLimits limits;
  for (;;) {
    ASSIGN_OR_RETURN(std::optional<std::string> message, worker::ReadDelimited(&in, limits.max_message_size));
    if (!message) return OkStatus();
    ASSIGN_OR_RETURN(worker::WorkRequest request, worker::ParseWorkRequest(*message, limits));
    if (request.cancel) continue;  // answered already: requests run one at a time
    ASSIGN_OR_RETURN(worker::WorkResponse response, Serve(startup_args, request, null_fd.get(), worker_stderr.get()));
    RETURN_IF_ERROR(out.Write(worker::Delimited(worker::SerializeWorkResponse(response))));
  }
}

}  // namespace

int RunPersistentWorker(const std::vector<std::string>& startup_args) {
  Status status = ServeAll(startup_args);
  if (status.ok()) return kExitOk;
  std::fprintf(stderr, "fnseal: worker: %s\n", status.message().c_str());
  return kExitFailure;
}

}  // namespace fnseal::cli
