// checksum: answers every HTTP request on $PORT with the Adler-32 of its body, computed by the
// vendored third-party library in examples/third_party/adler32 (Zlib license).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "examples/third_party/adler32/adler32.h"

int main() {
  const char* port_text = std::getenv("FUNCTIONS_CUSTOMHANDLER_PORT");
  if (port_text == nullptr) port_text = std::getenv("PORT");
  int port = port_text != nullptr ? std::atoi(port_text) : 8080;
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(server, 16) != 0) {
    std::perror("checksum: cannot listen");
    return 1;
  }
  for (;;) {
    int client = ::accept(server, nullptr, nullptr);
    if (client < 0) continue;
    char request[65536];
    ssize_t n = ::read(client, request, sizeof(request));
    std::string text(request, n > 0 ? static_cast<size_t>(n) : 0);
    size_t body = text.find("\r\n\r\n");
    body = body == std::string::npos ? text.size() : body + 4;
    uint32_t sum = adler32::Update(1, reinterpret_cast<const unsigned char*>(text.data()) + body, text.size() - body);
    char reply[64];
    int length = std::snprintf(reply, sizeof(reply), "{\"adler32\":\"%08x\"}", sum);
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(length) + "\r\nConnection: close\r\n\r\n" + std::string(reply, length);
    if (::write(client, response.data(), response.size()) < 0) std::perror("checksum: cannot reply");
    ::close(client);
  }
}
