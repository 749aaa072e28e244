#include "simulate/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "core/io.h"

namespace fnseal::simulate {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr uint64_t kMaxResponseBody = 16 << 20;


sockaddr_in Loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Result<HttpResponse> SendHttpRequest(uint16_t port, const HttpRequest& request, std::chrono::milliseconds timeout) {
  boost::asio::io_context ioc;
  tcp::socket socket(ioc);
  http::request<http::string_body> message;
  http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) return InvalidArgumentError("unknown http method '" + request.method + "'");
  message.method(verb);
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  message.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  std::optional<beast::error_code> failure;
  std::string failed_step;
  bool done = false;
  tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(), port);
  socket.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) {
      failure = ec;
      failed_step = "connect";
      return;
    }
    http::async_write(socket, message, [&](beast::error_code ec, size_t) {
      if (ec) {
        failure = ec;
        failed_step = "send";
        return;
      }
      http::async_read(socket, buffer, parser, [&](beast::error_code ec, size_t) {
        if (ec) {
          failure = ec;
          failed_step = "read the answer";
          return;
        }
        done = true;
      });
    });
  });
  ioc.run_for(timeout);
  std::string where = "127.0.0.1:" + std::to_string(port) + request.target;
  if (failure) return FailedPreconditionError("cannot " + failed_step + " (" + where + "): " + failure->message());
  if (!done) {
    return FailedPreconditionError("no answer from " + where + " within " + std::to_string(timeout.count()) + " ms");
  }
  HttpResponse response;
  const auto& result = parser.get();
  response.status = static_cast<int>(result.result_int());
  for (const auto& field : result) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = result.body();
  return response;
}

Result<uint16_t> FindFreePort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return InternalError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address = Loopback(0);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return InternalError(std::string("cannot bind a free port: ") + std::strerror(errno));
  }
  socklen_t length = sizeof(address);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return InternalError(std::string("getsockname: ") + std::strerror(errno));
  }
  return static_cast<uint16_t>(ntohs(address.sin_port));
}

Status WaitForPort(uint16_t port, Clock::time_point deadline, const WaitCheck& check, const std::string& what) {
  for (;;) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return InternalError(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address = Loopback(port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) return OkStatus();
    if (check) RETURN_IF_ERROR(check());
    if (Clock::now() >= deadline) {
      return FailedPreconditionError(what + " did not accept connections on port " + std::to_string(port) + " in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace fnseal::simulate
