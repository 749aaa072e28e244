#include "simulate/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>
#include <thread>

#include "core/file.h"
#include "core/io.h"

namespace fnseal::simulate {
namespace {

#if defined(__x86_64__)
constexpr char kMultiarch[] = "x86_64-linux-gnu";
constexpr char kLoader[] = "ld-linux-x86-64.so.2";
constexpr char kLoaderDir[] = "/lib64";
#elif defined(__aarch64__)
constexpr char kMultiarch[] = "aarch64-linux-gnu";
constexpr char kLoader[] = "ld-linux-aarch64.so.1";
constexpr char kLoaderDir[] = "/lib";
#else
#error "fnseal simulate supports x86-64 and AArch64 hosts"
#endif

// The directories searched for the host's glibc, in the loader's order.
std::vector<std::string> HostLibraryDirs() {
  return {std::string("/lib/") + kMultiarch,
          std::string("/usr/lib/") + kMultiarch,
          "/lib64",
          "/usr/lib64",
          "/lib",
          "/usr/lib"};
}


bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Status MakeDirs(const std::string& path, mode_t mode = 0755) {
  for (size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    std::string prefix = path.substr(0, at);
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) return ErrnoError("mkdir", prefix, errno);
  }
  return OkStatus();
}

// Copies the file `from` (following symlinks) to the new file `to` with mode 0755.
Status CopyFile(const std::string& from, const std::string& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return ErrnoError("open", from, errno);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755));
  if (out.get() < 0) return ErrnoError("create", to, errno);
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(in.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read", from, errno);
    if (n == 0) return OkStatus();
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return ErrnoError("write", to, errno);
      done += w;
    }
  }
}

struct HostLibrary {
  std::string name;
  std::string dir;  // where the host's loader finds it
};

Result<std::vector<HostLibrary>> FindHostGlibc() {
  std::vector<HostLibrary> found;
  for (const std::string& name : RuntimeLibraryNames()) {
    bool located = false;
    for (const std::string& dir : HostLibraryDirs()) {
      if (IsRegularFile(dir + "/" + name)) {
        found.push_back({name, dir});
        located = true;
        break;
      }
    }
    if (!located)
      return FailedPreconditionError("cannot find the host's " + name + " to stand in for the cloud's glibc");
  }
  if (!IsRegularFile(std::string(kLoaderDir) + "/" + kLoader)) {
    return FailedPreconditionError(std::string("cannot find the host's dynamic loader ") + kLoaderDir + "/" + kLoader);
  }
  return found;
}

// What the forked child reports through the error pipe when a step before exec fails.
struct ChildFailure {
  int step;
  int error;
};

constexpr const char* kStepNames[] = {"setsid",
                                      "unshare(CLONE_NEWUSER|CLONE_NEWNS)",
                                      "write /proc/self/setgroups",
                                      "write /proc/self/uid_map",
                                      "write /proc/self/gid_map",
                                      "make / private",
                                      "chroot",
                                      "chdir",
                                      "exec",
                                      "redirect stdio",
                                      "bind-mount /proc"};

[[noreturn]] void ChildFail(int pipe_fd, int step) {
  ChildFailure failure{step, errno};
  ssize_t ignored = ::write(pipe_fd, &failure, sizeof(failure));
  (void)ignored;
  ::_exit(127);
}

// Reads the failure a child reports before exec (the pipe closes on a successful exec): true when
// a whole record arrived.
bool ReadChildFailure(int fd, ChildFailure* failure) {
  ssize_t n;
  do {
    n = ::read(fd, failure, sizeof(*failure));
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof(*failure));
}

bool WriteWhole(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void ResetSignals() {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT}) std::signal(sig, SIG_DFL);
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "ended with wait status " + std::to_string(status);
}

}  // namespace

const std::vector<std::string>& RuntimeLibraryNames() {
  static const std::vector<std::string> kNames = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
                                                  "librt.so.1"};
  return kNames;
}

Status BuildRootFilesystem(const std::string& root, LibraryLayout layout) {
  ASSIGN_OR_RETURN(std::vector<HostLibrary> libraries, FindHostGlibc());
  RETURN_IF_ERROR(MakeDirs(root + "/proc"));  // the host's /proc is bound here at start
  RETURN_IF_ERROR(MakeDirs(root + "/tmp"));
  if (::chmod((root + "/tmp").c_str(), 01777) != 0) return ErrnoError("chmod", root + "/tmp", errno);
  std::string loader_source = std::string(kLoaderDir) + "/" + kLoader;
  if (layout == LibraryLayout::kAmazonLinux) {
    RETURN_IF_ERROR(MakeDirs(root + "/usr/lib64"));
    if (::symlink("usr/lib64", (root + "/lib64").c_str()) != 0) return ErrnoError("symlink", root + "/lib64", errno);
    for (const HostLibrary& library : libraries) {
      RETURN_IF_ERROR(CopyFile(library.dir + "/" + library.name, root + "/usr/lib64/" + library.name));
    }
    return CopyFile(loader_source, root + "/usr/lib64/" + kLoader);
  }
  for (const HostLibrary& library : libraries) {
    RETURN_IF_ERROR(MakeDirs(root + library.dir));
    RETURN_IF_ERROR(CopyFile(library.dir + "/" + library.name, root + library.dir + "/" + library.name));
  }
  RETURN_IF_ERROR(MakeDirs(root + kLoaderDir));
  std::string loader_copy = root + kLoaderDir + "/" + kLoader;
  if (PathExists(loader_copy)) return OkStatus();
  return CopyFile(loader_source, loader_copy);
}

Result<std::unique_ptr<SandboxedProcess>> SandboxedProcess::Start(const SandboxSpec& spec) {
  if (spec.argv.empty()) return InvalidArgumentError("no executable to start");
  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = spec.env;
  std::vector<char*> argv_c = CStrings(argv);
  std::vector<char*> env_c = CStrings(env);
  std::string uid_map = std::to_string(spec.uid) + " " + std::to_string(::geteuid()) + " 1\n";
  std::string gid_map = std::to_string(spec.uid) + " " + std::to_string(::getegid()) + " 1\n";

  UniqueFd log(::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (log.get() < 0) return ErrnoError("create", spec.log_path, errno);
  UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (null.get() < 0) return ErrnoError("open", "/dev/null", errno);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("pipe", "", errno);
  UniqueFd error_read(pipe_fds[0]);
  UniqueFd error_write(pipe_fds[1]);
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork", spec.argv[0], errno);
  if (pid == 0) {
    int fail = error_write.get();
    if (::setsid() < 0) ChildFail(fail, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (::dup2(null.get(), 0) < 0 || ::dup2(log.get(), 1) < 0 || ::dup2(log.get(), 2) < 0) ChildFail(fail, 9);
    ResetSignals();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) ChildFail(fail, 1);
    if (!WriteWhole("/proc/self/setgroups", "deny") && errno != ENOENT) ChildFail(fail, 2);
    if (!WriteWhole("/proc/self/uid_map", uid_map)) ChildFail(fail, 3);
    if (!WriteWhole("/proc/self/gid_map", gid_map)) ChildFail(fail, 4);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ChildFail(fail, 5);
    // Every cloud gives its functions /proc (the runtime finds its files through
    // /proc/self/exe); the host's is bound in, read-only to the unprivileged user inside.
    if (::mount("/proc", (spec.root + "/proc").c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) ChildFail(fail, 10);
    if (::chroot(spec.root.c_str()) != 0) ChildFail(fail, 6);
    if (::chdir(spec.working_dir.c_str()) != 0) ChildFail(fail, 7);
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    ::execve(argv_c[0], argv_c.data(), env_c.data());
    ChildFail(fail, 8);
  }
  auto process = std::unique_ptr<SandboxedProcess>(new SandboxedProcess(pid, spec.log_path));
  error_write.Reset();
  ChildFailure failure{};
  if (ReadChildFailure(error_read.get(), &failure)) {
    const bool known = failure.step >= 0 && static_cast<size_t>(failure.step) < std::size(kStepNames);
    std::string step = known ? kStepNames[failure.step] : "setup";
    std::string message = step + " failed: " + std::strerror(failure.error);
    if (failure.step == 1 && (failure.error == EPERM || failure.error == EINVAL || failure.error == ENOSPC)) {
      message +=
          " (user namespaces are unavailable: enable them, e.g. sysctl kernel.unprivileged_userns_clone=1 "
          "or user.max_user_namespaces > 0, or run where they are allowed)";
    }
    if (failure.step == 8)
      message = "cannot exec " + spec.argv[0] + " in the function's root: " + std::strerror(failure.error);
    return FailedPreconditionError(message);
  }
  return process;
}

SandboxedProcess::~SandboxedProcess() {
  if (wait_status_) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

Status SandboxedProcess::CheckRunning() {
  if (!wait_status_) {
    int status;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return OkStatus();
    if (r < 0) return ErrnoError("waitpid", "", errno);
    wait_status_ = status;
    ::kill(-pid_, SIGKILL);  // whatever it started goes with it
  }
  std::string message = "the handler " + DescribeWaitStatus(*wait_status_);
  std::string tail = LastLines(log_path_, 10);
  if (!tail.empty()) message += "; its last output:\n" + tail;
  return FailedPreconditionError(message);
}

std::string LastLines(const std::string& path, int lines) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return "";
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return "";
  off_t start = st.st_size > 4096 ? st.st_size - 4096 : 0;
  std::string text(static_cast<size_t>(st.st_size - start), '\0');
  ssize_t n = ::pread(fd.get(), text.data(), text.size(), start);
  if (n < 0) return "";
  text.resize(static_cast<size_t>(n));
  while (!text.empty() && text.back() == '\n') text.pop_back();
  size_t at = text.size();
  for (int i = 0; i < lines && at != std::string::npos && at > 0; ++i) at = text.rfind('\n', at - 1);
  return at == std::string::npos || at == 0 ? text : text.substr(at + 1);
}

Result<CommandResult> RunCommand(const std::vector<std::string>& argv_in, std::chrono::milliseconds timeout,
                                 const WaitCheck& check) {
  if (argv_in.empty()) return InvalidArgumentError("no command to run");
  std::vector<std::string> argv = argv_in;
  std::vector<char*> argv_c = CStrings(argv);
  int out_fds[2];
  int err_fds[2];
  if (::pipe2(out_fds, O_CLOEXEC) != 0) return ErrnoError("pipe", "", errno);
  UniqueFd out_read(out_fds[0]);
  UniqueFd out_write(out_fds[1]);
  if (::pipe2(err_fds, O_CLOEXEC) != 0) return ErrnoError("pipe", "", errno);
  UniqueFd error_read(err_fds[0]);
  UniqueFd error_write(err_fds[1]);
  UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (null.get() < 0) return ErrnoError("open", "/dev/null", errno);
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork", argv[0], errno);
  if (pid == 0) {
    ::setpgid(0, 0);  // Ctrl-C at the terminal must not kill the clean-up commands
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::dup2(null.get(), 0) < 0 || ::dup2(out_write.get(), 1) < 0 || ::dup2(out_write.get(), 2) < 0) {
      ChildFail(error_write.get(), 9);
    }
    ResetSignals();
    ::execvp(argv_c[0], argv_c.data());
    ChildFail(error_write.get(), 8);
  }
  out_write.Reset();
  error_write.Reset();
  ChildFailure failure{};
  if (ReadChildFailure(error_read.get(), &failure)) {
    int status;
    ::waitpid(pid, &status, 0);
    if (failure.error == ENOENT) return NotFoundError(argv[0] + " is not installed (not found in PATH)");
    return FailedPreconditionError("cannot run " + argv[0] + ": " + std::strerror(failure.error));
  }
  CommandResult result;
  Clock::time_point deadline = Clock::now() + timeout;
  Status stopped;
  int status = 0;
  bool reaped = false;
  // Reads until the command exits (not until the pipe closes: a detached daemon it started,
  // such as podman's conmon, may hold the pipe open).
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  auto drain = [&] {
    char buffer[8192];
    for (;;) {
      ssize_t got = ::read(out_read.get(), buffer, sizeof(buffer));
      if (got <= 0) return;
      if (result.output.size() < (1 << 20)) result.output.append(buffer, static_cast<size_t>(got));
    }
  };
  for (;;) {
    pollfd p{out_read.get(), POLLIN, 0};
    ::poll(&p, 1, 10);
    drain();
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      reaped = true;
      drain();
      break;
    }
    if (check) {
      stopped = check();
      if (!stopped.ok()) break;
    }
    if (Clock::now() >= deadline) {
      stopped = FailedPreconditionError("'" + argv[0] + (argv.size() > 1 ? " " + argv[1] : std::string()) +
                                        "' did not finish within " + std::to_string(timeout.count()) + " ms");
      break;
    }
  }
  if (!reaped) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (!stopped.ok()) return stopped;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace fnseal::simulate
