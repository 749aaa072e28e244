#include "simulate/lambda_runtime_api.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>

namespace fnseal::simulate {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr char kPrefix[] = "/2018-06-01/runtime/";
constexpr uint64_t kMaxPostBody = 6 << 20;  // Lambda's synchronous payload limit

struct Event {
  std::string id;
  std::string body;
};

class Session;

}  // namespace

struct LambdaRuntimeApi::Impl {
  explicit Impl(LambdaFunctionInfo i) : info(std::move(i)), acceptor(ioc) {}

  void Accept();
  void Handle(const std::shared_ptr<Session>& session);
  void Dispatch();  // io thread: hands queued events to waiting `next` calls

  LambdaFunctionInfo info;
  boost::asio::io_context ioc;
  tcp::acceptor acceptor;
  uint16_t port = 0;
  std::thread thread;
  std::deque<std::shared_ptr<Session>> waiting;  // io thread only

  mutable std::mutex mutex;
  std::condition_variable changed;
  uint64_t next_id = 1;
  std::deque<Event> queued;
  std::set<std::string> delivered;  // handed to the function, not yet answered
  std::map<std::string, LambdaInvocationResult> results;
  std::optional<Clock::time_point> first_next;
  std::optional<std::string> init_error;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, LambdaRuntimeApi::Impl* api) : socket_(std::move(socket)), api_(api) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxPostBody);
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec == http::error::body_limit) {
        self->Reply(http::status::payload_too_large, "RequestEntityTooLarge", "payload too large");
        return;
      }
      if (ec) return;
      self->api_->Handle(self);
    });
  }

  const http::request<http::string_body>& request() const { return parser_->get(); }

  void Send(http::response<http::string_body> response) {
    response_ = std::move(response);
    response_.version(11);
    response_.keep_alive(parser_->get().keep_alive());
    response_.prepare_payload();
    http::async_write(socket_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      if (self->response_.need_eof()) {
        beast::error_code ignored;
        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->Read();
    });
  }

  // A JSON answer in the Runtime API's shape: {"status":...} or {"errorMessage","errorType"}.
  void Reply(http::status status, std::string_view error_type, std::string_view message) {
    http::response<http::string_body> response{status, 11};
    response.set(http::field::content_type, "application/json");
    if (error_type.empty()) {
      response.body() = "{\"status\":\"OK\"}";
    } else {
      response.body() =
          "{\"errorMessage\":\"" + std::string(message) + "\",\"errorType\":\"" + std::string(error_type) + "\"}";
    }
    Send(std::move(response));
  }

 private:
  tcp::socket socket_;
  LambdaRuntimeApi::Impl* api_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

std::string TraceId(const std::string& request_id) {
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "Root=1-00000000-%024zx;Parent=%016zx;Sampled=0",
                std::hash<std::string>{}(request_id), std::hash<std::string>{}(request_id + "p"));
  return buffer;
}

}  // namespace

void LambdaRuntimeApi::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed: the emulator is stopping
    std::make_shared<Session>(std::move(socket), this)->Read();
    Accept();
  });
}

void LambdaRuntimeApi::Impl::Dispatch() {
  for (;;) {
    Event event;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (waiting.empty() || queued.empty()) return;
      event = std::move(queued.front());
      queued.pop_front();
      delivered.insert(event.id);
    }
    std::shared_ptr<Session> session = std::move(waiting.front());
    waiting.pop_front();
    auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch() + info.invocation_timeout)
                        .count();
    http::response<http::string_body> response{http::status::ok, 11};
    response.set(http::field::content_type, "application/json");
    response.set("Lambda-Runtime-Aws-Request-Id", event.id);
    response.set("Lambda-Runtime-Deadline-Ms", std::to_string(deadline));
    response.set("Lambda-Runtime-Invoked-Function-Arn",
                 "arn:aws:lambda:" + info.region + ":" + info.account + ":function:" + info.name);
    response.set("Lambda-Runtime-Trace-Id", TraceId(event.id));
    response.body() = std::move(event.body);
    session->Send(std::move(response));
  }
}

void LambdaRuntimeApi::Impl::Handle(const std::shared_ptr<Session>& session) {
  const auto& request = session->request();
  std::string_view target(request.target().data(), request.target().size());
  size_t query = target.find('?');
  if (query != std::string_view::npos) target = target.substr(0, query);
  if (target.substr(0, sizeof(kPrefix) - 1) != kPrefix) {
    session->Reply(http::status::not_found, "NotFound", "unknown path");
    return;
  }
  std::string_view rest = target.substr(sizeof(kPrefix) - 1);
  if (rest == "invocation/next") {
    if (request.method() != http::verb::get) {
      session->Reply(http::status::method_not_allowed, "MethodNotAllowed", "use GET");
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!first_next) first_next = Clock::now();
    }
    changed.notify_all();
    waiting.push_back(session);
    Dispatch();
    return;
  }
  if (request.method() != http::verb::post) {
    session->Reply(http::status::method_not_allowed, "MethodNotAllowed", "use POST");
    return;
  }
  if (rest == "init/error") {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!init_error) init_error = request.body();
    }
    changed.notify_all();
    session->Reply(http::status::accepted, "", "");
    return;
  }
  constexpr std::string_view kInvocation = "invocation/";
  size_t slash = rest.rfind('/');
  if (rest.substr(0, kInvocation.size()) == kInvocation && slash != std::string_view::npos &&
      slash > kInvocation.size()) {
    std::string id(rest.substr(kInvocation.size(), slash - kInvocation.size()));
    std::string_view kind = rest.substr(slash + 1);
    if (kind == "response" || kind == "error") {
      bool known;
      {
        std::lock_guard<std::mutex> lock(mutex);
        known = delivered.erase(id) == 1;
        if (known) {
          LambdaInvocationResult result;
          result.is_error = kind == "error";
          result.body = request.body();
          auto type = request.find("Lambda-Runtime-Function-Error-Type");
          if (type != request.end()) result.error_type = std::string(type->value());
          results[id] = std::move(result);
        }
      }
      if (!known) {
        session->Reply(http::status::bad_request, "InvalidRequestID", "invalid request id");
        return;
      }
      changed.notify_all();
      session->Reply(http::status::accepted, "", "");
      return;
    }
  }
  session->Reply(http::status::not_found, "NotFound", "unknown path");
}

LambdaRuntimeApi::LambdaRuntimeApi(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LambdaRuntimeApi::~LambdaRuntimeApi() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->waiting.clear();
}

Result<std::unique_ptr<LambdaRuntimeApi>> LambdaRuntimeApi::Start(const LambdaFunctionInfo& info) {
  auto impl = std::make_unique<Impl>(info);
  beast::error_code ec;
  tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(), 0);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return InternalError("runtime api emulator cannot listen on 127.0.0.1: " + ec.message());
  impl->port = impl->acceptor.local_endpoint().port();
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<LambdaRuntimeApi>(new LambdaRuntimeApi(std::move(impl)));
}

uint16_t LambdaRuntimeApi::port() const { return impl_->port; }

std::string LambdaRuntimeApi::Invoke(std::string event) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    char buffer[48];
    std::snprintf(buffer, sizeof(buffer), "8f5c0b6e-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(impl_->next_id++));
    id = buffer;
    impl_->queued.push_back({id, std::move(event)});
  }
  Impl* impl = impl_.get();
  boost::asio::post(impl->ioc, [impl] { impl->Dispatch(); });
  return id;
}

std::optional<Clock::time_point> LambdaRuntimeApi::first_next() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->first_next;
}

std::optional<std::string> LambdaRuntimeApi::init_error() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->init_error;
}

Status LambdaRuntimeApi::WaitForNext(Clock::time_point deadline, const WaitCheck& check) {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  for (;;) {
    if (impl_->init_error) return FailedPreconditionError("the function reported an init error: " + *impl_->init_error);
    if (impl_->first_next) return OkStatus();
    if (check) {
      lock.unlock();
      RETURN_IF_ERROR(check());
      lock.lock();
      if (impl_->first_next || impl_->init_error) continue;
    }
    if (Clock::now() >= deadline) {
      return FailedPreconditionError("the function did not call the runtime api's invocation/next in time");
    }
    impl_->changed.wait_for(lock, std::chrono::milliseconds(5));
  }
}

Result<LambdaInvocationResult> LambdaRuntimeApi::WaitForResult(const std::string& request_id,
                                                               Clock::time_point deadline, const WaitCheck& check) {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  for (;;) {
    auto found = impl_->results.find(request_id);
    if (found != impl_->results.end()) {
      LambdaInvocationResult result = std::move(found->second);
      impl_->results.erase(found);
      return result;
    }
    if (impl_->init_error) return FailedPreconditionError("the function reported an init error: " + *impl_->init_error);
    if (check) {
      lock.unlock();
      RETURN_IF_ERROR(check());
      lock.lock();
      if (impl_->results.count(request_id) != 0) continue;
    }
    if (Clock::now() >= deadline) {
      return FailedPreconditionError("no answer to request " + request_id + " in time");
    }
    impl_->changed.wait_for(lock, std::chrono::milliseconds(5));
  }
}

}  // namespace fnseal::simulate
