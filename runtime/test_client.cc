#include "runtime/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace fnseal::runtime::test {

RawClient::RawClient(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(const std::string& bytes) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

std::string RawClient::ReadUntilClosed(bool* closed, std::chrono::milliseconds guard) {
  *closed = false;
  auto end = std::chrono::steady_clock::now() + guard;
  char buffer[4096];
  while (fd_ >= 0 && std::chrono::steady_clock::now() < end) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) {  // orderly close or reset: either way the server is done with us
      *closed = true;
      break;
    }
    read_.append(buffer, static_cast<size_t>(n));
  }
  return read_;
}

std::string RawClient::ReadUntil(const std::string& text, int count, std::chrono::milliseconds guard) {
  auto end = std::chrono::steady_clock::now() + guard;
  char buffer[4096];
  while (fd_ >= 0 && CountOf(read_, text) < count && std::chrono::steady_clock::now() < end) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    read_.append(buffer, static_cast<size_t>(n));
  }
  return read_;
}

std::string Exchange(uint16_t port, const std::vector<std::string>& pieces, std::chrono::milliseconds pause) {
  RawClient client(port);
  if (!client.connected()) return "<cannot connect>";
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(pause);
    if (!client.Send(pieces[i])) break;
  }
  bool closed = false;
  return client.ReadUntilClosed(&closed);
}

int CountOf(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace fnseal::runtime::test
