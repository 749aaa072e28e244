#include "tools/fnseal/terminal.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "core/io.h"

namespace fnseal::cli {
namespace {

constexpr size_t kMaxPassphraseLength = 4096;

// Restores the terminal's settings and closes it when it goes out of scope.
class Terminal {
 public:
  explicit Terminal(int fd) : fd_(fd) {}
  ~Terminal() {
    if (restore_) ::tcsetattr(fd_, TCSANOW, &saved_);
    ::close(fd_);
  }
  Status EchoOff() {
    if (::tcgetattr(fd_, &saved_) != 0) return ErrnoError("cannot read the settings of", "/dev/tty", errno);
    struct termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    // TCSANOW, not TCSAFLUSH: what was typed ahead is the answer and must not be dropped.
    if (::tcsetattr(fd_, TCSANOW, &quiet) != 0) return ErrnoError("cannot turn off echo on", "/dev/tty", errno);
    restore_ = true;
    return OkStatus();
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  struct termios saved_ {};
  bool restore_ = false;
};

}  // namespace

bool CanPrompt() { return ::isatty(STDIN_FILENO) == 1; }

Result<std::string> PromptPassphrase(const std::string& prompt) {
  if (!CanPrompt()) return FailedPreconditionError("standard input is not a terminal");
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return FailedPreconditionError("there is no terminal to ask for the passphrase");
  Terminal terminal(fd);
  RETURN_IF_ERROR(terminal.EchoOff());
  FdSink out(terminal.fd(), "/dev/tty");
  RETURN_IF_ERROR(out.Write(prompt));
  std::string line;
  line.reserve(kMaxPassphraseLength + 1);  // never reallocated: no stray copies of the secret
  for (;;) {
    char c;
    ssize_t n = ::read(terminal.fd(), &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("cannot read from", "/dev/tty", errno);
    if (n == 0 || c == '\n') break;
    if (line.size() == kMaxPassphraseLength) {
      line.assign(line.size(), '\0');
      return InvalidArgumentError("the passphrase is longer than " + std::to_string(kMaxPassphraseLength) + " bytes");
    }
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace fnseal::cli
