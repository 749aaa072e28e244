// RunFunction as a function's main runs it: in a child process, with the protocol chosen from
// the environment (and host.json), stopped by SIGTERM.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "runtime/runtime.h"
#include "runtime/test_client.h"
#include "tests/support/test_dir.h"

namespace fnseal::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A port that was free a moment ago.
uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ADD_FAILURE() << "no free port";
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

Result<Handler> EchoInit() {
  return Handler([](const Request& request) {
    Response response;
    response.body = request.method + " " + request.path + "|" + request.body;
    return response;
  });
}

// Runs RunFunction(init) in a child with `env` set and `dir` as working directory.
class Child {
 public:
  Child(const std::vector<std::pair<std::string, std::string>>& env, const std::string& dir, InitFn init) {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (const char* name : {"AWS_LAMBDA_RUNTIME_API", "FUNCTIONS_CUSTOMHANDLER_PORT", "PORT"}) ::unsetenv(name);
      for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
      if (::chdir(dir.c_str()) != 0) ::_exit(99);
      ::_exit(RunFunction(init));
    }
  }
  // Waits for the child's exit; its status, or -1.
  int Wait() {
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_ || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
  }
  void Terminate() { ::kill(pid_, SIGTERM); }

 private:
  pid_t pid_ = -1;
};

// Sends `request` once the server accepts connections (retrying while it starts).
std::string ExchangeWhenUp(uint16_t port, const std::string& request) {
  for (int attempt = 0; attempt < 400; ++attempt) {
    test::RawClient probe(port);
    if (probe.connected()) {
      probe.Send(request);
      bool closed = false;
      return probe.ReadUntilClosed(&closed);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return "<never came up>";
}

std::string TestDir(const std::string& name) {
  std::string dir = ::fnseal::test::TestTempPath(name);
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

TEST(RunFunction, ServesPlainHttpOnPortAndExitsZeroOnSigterm) {
  uint16_t port = FreePort();
  Child child({{"PORT", std::to_string(port)}}, TestDir("plain"), EchoInit);
  std::string reply =
      ExchangeWhenUp(port, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("POST /x|hi"));
  child.Terminate();
  EXPECT_EQ(child.Wait(), 0);
}

TEST(RunFunction, ServesAzureInvocationsWithoutForwarding) {
  uint16_t port = FreePort();
  Child child({{"FUNCTIONS_CUSTOMHANDLER_PORT", std::to_string(port)}}, TestDir("azure_invocation"), EchoInit);
  const std::string payload =
      R"({"Data":{"req":{"Url":"http://localhost:7071/api/echo","Method":"PUT","Body":"b"}},"Metadata":{}})";
  std::string reply =
      ExchangeWhenUp(port, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(payload.size()) +
                               "\r\nConnection: close\r\n\r\n" + payload);
  EXPECT_THAT(reply, HasSubstr(R"("Outputs":{"res":{"body":"PUT /api/echo|b")"));
  child.Terminate();
  EXPECT_EQ(child.Wait(), 0);
}

TEST(RunFunction, ServesForwardedAzureRequestsWhenHostJsonSaysSo) {
  uint16_t port = FreePort();
  std::string dir = TestDir("azure_forwarding");
  std::ofstream(dir + "/host.json") << R"({"version":"2.0","customHandler":{"enableProxyingHttpRequest":true}})";
  Child child({{"FUNCTIONS_CUSTOMHANDLER_PORT", std::to_string(port)}}, dir, EchoInit);
  std::string reply = ExchangeWhenUp(port, "GET /api/echo HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("\r\n\r\nGET /api/echo|"));
  child.Terminate();
  EXPECT_EQ(child.Wait(), 0);
}

TEST(RunFunction, ExitsOneWhenInitFails) {
  Child child({{"PORT", std::to_string(FreePort())}}, TestDir("init_fails"),
              []() -> Result<Handler> { return NotFoundError("no model"); });
  EXPECT_EQ(child.Wait(), 1);
}

TEST(RunFunction, ExitsOneForAPortThatIsNotANumber) {
  Child child({{"PORT", "http"}}, TestDir("bad_port"), EchoInit);
  EXPECT_EQ(child.Wait(), 1);
}

}  // namespace
}  // namespace fnseal::runtime
