// A raw TCP client for the runtime's tests: sends bytes in pieces with pauses and reads what the
// server answers until it closes. Test-only; thread-compatible.
#ifndef FNSEAL_RUNTIME_TEST_CLIENT_H_
#define FNSEAL_RUNTIME_TEST_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace fnseal::runtime::test {

class RawClient {
 public:
  // Connects to 127.0.0.1:port; connected() says whether it worked.
  explicit RawClient(uint16_t port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Writes all of `bytes`; false when the connection is gone.
  bool Send(const std::string& bytes);
  // Reads until the server closes the connection; `*closed` is false when `guard` passed first
  // (a guard against hanging the test, not a timing assertion).
  std::string ReadUntilClosed(bool* closed, std::chrono::milliseconds guard = std::chrono::seconds(20));
  // Reads until `text` has appeared `count` times in what was read (or the guard passed).
  std::string ReadUntil(const std::string& text, int count = 1,
                        std::chrono::milliseconds guard = std::chrono::seconds(20));

 private:
  int fd_ = -1;
  std::string read_;
};

// Sends `pieces` on a new connection with `pause` between them, then reads until closed.
std::string Exchange(uint16_t port, const std::vector<std::string>& pieces,
                     std::chrono::milliseconds pause = std::chrono::milliseconds(0));

// The number of times `needle` occurs in `haystack`.
int CountOf(const std::string& haystack, const std::string& needle);

}  // namespace fnseal::runtime::test

#endif  // FNSEAL_RUNTIME_TEST_CLIENT_H_
