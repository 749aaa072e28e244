// The AWS Lambda Runtime API client (protocols.h): Beast over one Asio TCP connection to the
// numeric address Lambda gives, reused across calls and reopened when the API closes it.
#include <cxxabi.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <typeinfo>

#include "runtime/protocols.h"
#include "runtime/resolve.h"

namespace fnseal::runtime {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

constexpr char kApiVersion[] = "/2018-06-01/runtime";

struct ApiResponse {
  unsigned status = 0;
  Headers headers;
  std::string body;
};

class RuntimeApiClient {
 public:
  RuntimeApiClient(asio::ip::tcp::endpoint endpoint, std::string host, const RuntimeLimits& limits)
      : endpoint_(endpoint), host_(std::move(host)), limits_(limits) {}

  // One request; retried once on a fresh connection if the kept-alive one was closed.
  Result<ApiResponse> Call(http::verb method, const std::string& target, const std::string& body,
                           const std::string& content_type = "application/json", const Headers& extra = {}) {
    for (int attempt = 0;; ++attempt) {
      auto response = CallOnce(method, target, body, content_type, extra);
      if (response.ok() || attempt == 1) return response;
      boost::system::error_code ec;
      socket_.close(ec);
    }
  }

 private:
  Result<ApiResponse> CallOnce(http::verb method, const std::string& target, const std::string& body,
                               const std::string& content_type, const Headers& extra) {
    boost::system::error_code ec;
    if (!socket_.is_open()) {
      socket_.connect(endpoint_, ec);
      if (ec) {
        socket_.close();
        return UnavailableError("cannot connect to the runtime api at " + host_ + ": " + ec.message());
      }
    }
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, host_);
    request.set(http::field::user_agent, "fnseal-runtime");
    if (method == http::verb::post) request.set(http::field::content_type, content_type);
    for (const auto& [name, value] : extra) request.set(name, value);
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    http::write(socket_, request, ec);
    if (ec) return UnavailableError("cannot call " + target + ": " + ec.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(static_cast<std::uint64_t>(limits_.max_body_bytes) + kEnvelopeSlack);
    parser.header_limit(static_cast<std::uint32_t>(std::min<size_t>(limits_.max_header_bytes * 4, UINT32_MAX)));
    http::read(socket_, buffer_, parser, ec);
    if (ec) return UnavailableError("cannot read the answer to " + target + ": " + ec.message());
    ApiResponse out;
    out.status = parser.get().result_int();
    for (const auto& field : parser.get()) {
      out.headers.emplace_back(std::string(View(field.name_string())), std::string(View(field.value())));
    }
    if (!parser.get().keep_alive()) socket_.close(ec);
    out.body = std::move(parser.get().body());
    return out;
  }

  // An event may be a little larger than the body limit once wrapped (API Gateway's JSON).
  static constexpr std::uint64_t kEnvelopeSlack = 64 * 1024;
  asio::io_context io_;
  asio::ip::tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
  asio::ip::tcp::endpoint endpoint_;
  std::string host_;
  RuntimeLimits limits_;
};

std::string_view HeaderOf(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

// "std::runtime_error" for the dynamic type of an exception, as Lambda's errorType.
std::string TypeName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name != nullptr ? std::string(name.get()) : std::string(type.name());
}

std::string ErrorPayload(const std::string& message, const std::string& type) {
  nlohmann::json error = {{"errorMessage", message}, {"errorType", type}};
  return error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<HostPort> ParseRuntimeApiAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return InvalidArgumentError("runtime api address '" + std::string(text) + "' is not host:port");
  }
  std::string host(text.substr(0, colon));
  std::string port_text(text.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (IsLocalhostName(host)) host = "127.0.0.1";  // RFC 6761, without NSS (runtime/resolve.h)
  char* end = nullptr;
  unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  if (*end != '\0' || port == 0 || port > 65535 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("runtime api address '" + std::string(text) + "' has no valid port");
  }
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) {
    return InvalidArgumentError("runtime api host '" + host +
                                "' is not a numeric ip address (the runtime api address is not resolved)");
  }
  return HostPort{host, static_cast<uint16_t>(port)};
}

int RunLambda(std::string_view runtime_api, const InitFn& init, const RuntimeLimits& limits,
              const LambdaOptions& options) {
  auto address = ParseRuntimeApiAddress(runtime_api);
  if (!address.ok()) {
    std::fprintf(stderr, "fnseal-runtime: %s\n", address.status().message().c_str());
    return 1;
  }
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address->host), address->port);
  RuntimeApiClient client(endpoint, std::string(runtime_api), limits);
  const std::string api = kApiVersion;

  Result<Handler> handler = InternalError("init did not run");
  try {
    handler = init();
  } catch (const std::exception& e) {
    handler = InternalError(std::string("init threw: ") + e.what());
  } catch (...) {
    handler = InternalError("init threw a non-std::exception");
  }
  if (!handler.ok()) {
    std::fprintf(stderr, "fnseal-runtime: init failed: %s\n", handler.status().message().c_str());
    auto posted = client.Call(http::verb::post, api + "/init/error",
                              ErrorPayload(handler.status().message(), "Runtime.InitError"), "application/json",
                              {{"Lambda-Runtime-Function-Error-Type", "Runtime.InitError"}});
    if (!posted.ok()) std::fprintf(stderr, "fnseal-runtime: %s\n", posted.status().message().c_str());
    return 1;
  }

  while (options.stop == nullptr || !options.stop->load()) {
    auto next = client.Call(http::verb::get, api + "/invocation/next", "");
    if (!next.ok() || next->status != 200) {
      std::fprintf(stderr, "fnseal-runtime: /invocation/next failed: %s\n",
                   next.ok() ? ("status " + std::to_string(next->status)).c_str() : next.status().message().c_str());
      return 1;
    }
    const std::string id(HeaderOf(next->headers, "Lambda-Runtime-Aws-Request-Id"));
    if (id.empty() || id.find_first_of("/?# \r\n") != std::string::npos) {
      std::fprintf(stderr, "fnseal-runtime: /invocation/next gave no usable request id\n");
      return 1;
    }
    bool http_event = false;
    Request request = LambdaEventToRequest(next->body, &http_event);
    request.invocation_id = id;
    request.trace_id = std::string(HeaderOf(next->headers, "Lambda-Runtime-Trace-Id"));
    if (!request.trace_id.empty())
      ::setenv("_X_AMZN_TRACE_ID", request.trace_id.c_str(), 1);
    else
      ::unsetenv("_X_AMZN_TRACE_ID");
    const std::string deadline(HeaderOf(next->headers, "Lambda-Runtime-Deadline-Ms"));
    if (!deadline.empty()) {
      request.deadline =
          std::chrono::system_clock::time_point(std::chrono::milliseconds(std::strtoll(deadline.c_str(), nullptr, 10)));
    }

    std::string error_message, error_type;
    Response response;
    try {
      response = (*handler)(request);
    } catch (const std::exception& e) {
      error_message = e.what();
      error_type = TypeName(typeid(e));
    } catch (...) {
      error_message = "handler threw a non-std::exception";
      error_type = "Runtime.UnknownException";
    }
    const std::string invocation = api + "/invocation/" + id;
    Result<ApiResponse> posted = InternalError("not posted");
    if (error_type.empty()) {
      posted = client.Call(http::verb::post, invocation + "/response", LambdaResponsePayload(response, http_event));
    } else {
      std::fprintf(stderr, "fnseal-runtime: invocation %s failed: %s\n", id.c_str(), error_message.c_str());
      posted = client.Call(http::verb::post, invocation + "/error", ErrorPayload(error_message, error_type),
                           "application/json", {{"Lambda-Runtime-Function-Error-Type", error_type}});
    }
    if (!posted.ok()) {
      std::fprintf(stderr, "fnseal-runtime: %s\n", posted.status().message().c_str());
      return 1;
    }
    if (posted->status == 413) {  // the response is larger than Lambda accepts: say so instead
      (void)client.Call(http::verb::post, invocation + "/error",
                        ErrorPayload("response too large", "Function.ResponseSizeTooLarge"));
    }
  }
  return 0;
}

}  // namespace fnseal::runtime
