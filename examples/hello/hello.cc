// hello: a minimal HTTP function. It listens on $PORT (default 8080), as Cloud Run, Azure
// Functions custom handlers and Lambda web adapters expect, and answers every request with the
// greeting shipped in greeting.txt next to the executable.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string ReadGreeting(const std::string& executable) {
  std::string dir = executable.substr(0, executable.rfind('/') + 1);
  std::ifstream in(dir + "greeting.txt");
  std::stringstream text;
  text << in.rdbuf();
  return in ? text.str() : "hello from fnseal\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string greeting = ReadGreeting(argc > 0 ? argv[0] : "");
  const char* port_text = std::getenv("PORT");
  int port = port_text != nullptr ? std::atoi(port_text) : 8080;
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(server, 16) != 0) {
    std::perror("hello: cannot listen");
    return 1;
  }
  for (;;) {
    int client = ::accept(server, nullptr, nullptr);
    if (client < 0) continue;
    char request[4096];
    if (::read(client, request, sizeof(request)) < 0) {
      ::close(client);
      continue;
    }
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                           std::to_string(greeting.size()) + "\r\nConnection: close\r\n\r\n" + greeting;
    if (::write(client, response.data(), response.size()) < 0) std::perror("hello: cannot reply");
    ::close(client);
  }
}
