// Processes for `fnseal simulate`: a function's handler started the way a cloud starts it, in an
// empty root filesystem holding only the C library, and host commands (podman) run with a
// bound. Both are RAII: destroying a SandboxedProcess kills its whole process group and reaps
// it; RunCommand never leaves its child behind. Objects are thread-compatible.
#ifndef FNSEAL_SIMULATE_SANDBOX_H_
#define FNSEAL_SIMULATE_SANDBOX_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "simulate/http_client.h"

namespace fnseal::simulate {

// Where the C library goes in a root filesystem.
enum class LibraryLayout {
  // Amazon Linux 2023 (Lambda's provided.al2023): /usr/lib64, /lib64 -> usr/lib64.
  kAmazonLinux,
  // The directories the host's loader searches, as on the Debian-based Azure Functions image.
  kHost,
};

// The glibc libraries an OS-only runtime provides: libc, libm, libdl, libpthread, librt.
const std::vector<std::string>& RuntimeLibraryNames();

// Fills the existing directory `root` with /tmp and the host's glibc (the libraries of
// RuntimeLibraryNames and the dynamic loader, copied, as a stand-in for the cloud's) in
// `layout`, and nothing else: no shell, no /etc, no libstdc++. FailedPrecondition if the host's
// glibc cannot be found.
Status BuildRootFilesystem(const std::string& root, LibraryLayout layout);

struct SandboxSpec {
  std::string root;               // an existing directory made by BuildRootFilesystem
  std::string working_dir;        // absolute, inside the root
  std::vector<std::string> argv;  // argv[0]: the executable's absolute path inside the root
  std::vector<std::string> env;   // the whole environment, "KEY=VALUE"
  uid_t uid = 0;                  // the user id the process has inside its user namespace
  std::string log_path;           // host file that receives its stdout and stderr
};

// A process started in new user and mount namespaces (the host's network), chrooted into
// `root`, in its own session and process group, killed if fnseal dies.
class SandboxedProcess {
 public:
  // Starts it. FailedPrecondition when the namespaces, the chroot or the exec fail (e.g. user
  // namespaces disabled: the message says so), with the step and the system's reason.
  static Result<std::unique_ptr<SandboxedProcess>> Start(const SandboxSpec& spec);
  // Kills the process group with SIGKILL and reaps the process.
  ~SandboxedProcess();
  SandboxedProcess(const SandboxedProcess&) = delete;
  SandboxedProcess& operator=(const SandboxedProcess&) = delete;

  // OK while it runs; FailedPrecondition "exited with status N" / "killed by signal S" with the
  // last lines of its log once it ended.
  Status CheckRunning();

 private:
  SandboxedProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
  std::optional<int> wait_status_;
};

// The last `lines` lines of the file at `path` (at most 4 KiB), "" if it cannot be read.
std::string LastLines(const std::string& path, int lines);

struct CommandResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string output;  // stdout and stderr, interleaved, at most 1 MiB kept
};

// Runs argv (argv[0] looked up in PATH) with stdin from /dev/null and waits at most `timeout`;
// the child is killed when the time is up or `check` fails. NotFound if argv[0] is not
// installed; FailedPrecondition on timeout. A non-zero exit is a result, not an error.
Result<CommandResult> RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                 const WaitCheck& check = nullptr);

}  // namespace fnseal::simulate

#endif  // FNSEAL_SIMULATE_SANDBOX_H_
