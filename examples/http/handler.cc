// http: a C++ function for every cloud with one executable and only the standard library.
//
// Under AWS Lambda (AWS_LAMBDA_RUNTIME_API is set) it is a custom runtime: it loops on the Runtime
// API's "next invocation" call and posts a JSON reply for each event. Elsewhere (Cloud Run, Azure
// Functions custom handlers, any OCI runtime) it is a plain HTTP server on $PORT, or on
// $FUNCTIONS_CUSTOMHANDLER_PORT under Azure. Either way it answers with the request's size and a
// fixed greeting, which keeps the example about packaging rather than about HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// Reads until the peer closes or the headers and Content-Length bytes of body have arrived.
std::string ReadMessage(int fd) {
  std::string data;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
    size_t end = data.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    size_t length = 0;
    size_t at = data.find("Content-Length:");
    if (at == std::string::npos) at = data.find("content-length:");
    if (at != std::string::npos && at < end) length = std::strtoul(data.c_str() + at + 15, nullptr, 10);
    if (data.size() >= end + 4 + length) break;
  }
  return data;
}

std::string Body(const std::string& message) {
  size_t end = message.find("\r\n\r\n");
  return end == std::string::npos ? "" : message.substr(end + 4);
}

std::string Header(const std::string& message, const std::string& name) {
  size_t at = message.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  at += name.size() + 3;
  while (at < message.size() && message[at] == ' ') ++at;
  return message.substr(at, message.find("\r\n", at) - at);
}

std::string Reply(const std::string& request_body) {
  return "{\"message\":\"hello from a C++ function\",\"requestBytes\":" + std::to_string(request_body.size()) + "}";
}

// One HTTP/1.1 request to the Lambda Runtime API at host:port (numeric, as Lambda gives it).
std::string Call(const std::string& api, const std::string& method, const std::string& path, const std::string& body) {
  size_t colon = api.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(api.substr(colon + 1).c_str())));
  if (colon == std::string::npos || ::inet_pton(AF_INET, api.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    std::fprintf(stderr, "http: AWS_LAMBDA_RUNTIME_API '%s' is not IPv4:PORT\n", api.c_str());
    std::exit(1);
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("http: cannot reach the runtime API");
    std::exit(1);
  }
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + api + "\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  if (::write(fd, request.data(), request.size()) < 0) {
    std::perror("http: cannot call the runtime API");
    std::exit(1);
  }
  std::string response = ReadMessage(fd);
  ::close(fd);
  return response;
}

int RunLambda(const std::string& api) {
  for (;;) {
    std::string event = Call(api, "GET", "/2018-06-01/runtime/invocation/next", "");
    std::string id = Header(event, "Lambda-Runtime-Aws-Request-Id");
    if (id.empty()) id = Header(event, "lambda-runtime-aws-request-id");
    Call(api, "POST", "/2018-06-01/runtime/invocation/" + id + "/response", Reply(Body(event)));
  }
}

int RunServer(int port) {
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(server, 16) != 0) {
    std::perror("http: cannot listen");
    return 1;
  }
  for (;;) {
    int client = ::accept(server, nullptr, nullptr);
    if (client < 0) continue;
    std::string reply = Reply(Body(ReadMessage(client)));
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(reply.size()) + "\r\nConnection: close\r\n\r\n" + reply;
    if (::write(client, response.data(), response.size()) < 0) std::perror("http: cannot reply");
    ::close(client);
  }
}

}  // namespace

int main() {
  if (const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API")) return RunLambda(api);
  const char* port = std::getenv("FUNCTIONS_CUSTOMHANDLER_PORT");
  if (port == nullptr) port = std::getenv("PORT");
  return RunServer(port != nullptr ? std::atoi(port) : 8080);
}
