// The HTTP request reader and the bounded, draining HTTP server (protocols.h).
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "runtime/protocols.h"

namespace fnseal::runtime {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

// How often a waiting thread looks at the stop flag: bounds how long Stop() takes to notice.
constexpr std::chrono::milliseconds kStopPollInterval{50};
// After an error response, unread request bytes are discarded for at most this long (and this
// much) before closing, so the client reads the response instead of a connection reset.
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr size_t kLingerBytes = 256 * 1024;

std::string_view ReasonFor(int status) { return View(http::obsolete_reason(static_cast<http::status>(status))); }

}  // namespace

// ---- HttpRequestReader ----

struct HttpRequestReader::Rep {
  http::request_parser<http::string_body> parser;
  size_t max_line = 0;  // the longest unconsumed stretch a body may leave: a chunk line, trailers
};

HttpRequestReader::HttpRequestReader(const RuntimeLimits& limits) : rep_(std::make_unique<Rep>()) {
  rep_->max_line = limits.max_header_bytes;
  rep_->parser.header_limit(static_cast<std::uint32_t>(std::min<size_t>(limits.max_header_bytes, UINT32_MAX)));
  rep_->parser.body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
  rep_->parser.eager(true);
}

HttpRequestReader::~HttpRequestReader() = default;

size_t HttpRequestReader::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore || bytes.empty()) return 0;
  started_ = true;
  boost::system::error_code ec;
  size_t used = 0;
  // put() parses the header only when it is complete, then as much body as there is.
  while (used < bytes.size() && !rep_->parser.is_done()) {
    size_t n = 0;
    try {
      n = rep_->parser.put(asio::const_buffer(bytes.data() + used, bytes.size() - used), ec);
    } catch (const std::exception&) {  // a field Beast cannot store: the request is unusable
      ec = http::error::bad_value;
    }
    used += n;
    if (ec == http::error::need_more) {
      ec = {};
      // Beast has seen every byte given, consumed what it could and waits for more: the rest must
      // come back only with new bytes after it (its parser asserts on that; a final chunk split
      // from its trailers found it). It waits for a whole chunk-size line (with its extensions)
      // or the trailers with no limit of its own: a line longer than the header limit is refused,
      // not buffered on.
      if (rep_->parser.is_header_done() && bytes.size() - used > rep_->max_line) ec = http::error::bad_chunk;
      break;
    }
    if (ec) break;
  }
  if (ec == http::error::body_limit) {
    state_ = State::kError;
    error_status_ = 413;
  } else if (ec == http::error::header_limit) {
    state_ = State::kError;
    error_status_ = 431;
  } else if (ec) {
    state_ = State::kError;
    error_status_ = 400;
  } else if (rep_->parser.is_done()) {
    state_ = State::kDone;
  }
  return used;
}

void HttpRequestReader::FeedEof() {
  if (state_ != State::kNeedMore) return;
  boost::system::error_code ec;
  rep_->parser.put_eof(ec);
  if (ec || !rep_->parser.is_done()) {
    state_ = State::kError;
    error_status_ = 400;
  } else {
    state_ = State::kDone;
  }
}

bool HttpRequestReader::TakeExpectContinue() {
  if (continue_answered_ || state_ != State::kNeedMore || !rep_->parser.is_header_done()) return false;
  continue_answered_ = true;
  return boost::beast::iequals(rep_->parser.get()[http::field::expect], "100-continue");
}

bool HttpRequestReader::keep_alive() const { return state_ == State::kDone && rep_->parser.get().keep_alive(); }

Request HttpRequestReader::TakeRequest() {
  Request request;
  if (state_ != State::kDone) return request;
  http::request<http::string_body> message = rep_->parser.release();
  request.method = std::string(View(message.method_string()));
  std::string_view target = View(message.target());
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(View(field.name_string())), std::string(View(field.value())));
  }
  request.body = std::move(message.body());
  if (auto trace = request.Header("traceparent"); !trace.empty()) request.trace_id = std::string(trace);
  return request;
}

ParsedHttpRequest ParseHttpRequest(std::string_view bytes, const RuntimeLimits& limits) {
  ParsedHttpRequest result;
  HttpRequestReader reader(limits);
  // Feed in two parts, as the server would see a request split across reads.
  size_t half = bytes.size() / 2;
  result.consumed = reader.Feed(bytes.substr(0, half));
  result.consumed += reader.Feed(bytes.substr(result.consumed));
  result.state = reader.state();
  result.error_status = reader.error_status();
  if (result.state == HttpRequestReader::State::kDone) result.request = reader.TakeRequest();
  return result;
}

// ---- HttpServer ----

namespace {

// The response as bytes, with the runtime's framing headers. Statuses outside 200-599 become
// 500 (1xx would promise a second response); 204 and 304 go without a body, as HTTP requires.
// Beast throws for fields it cannot hold (a name or value over 64 KiB); that is a 500 too.
std::string SerializeResponse(const Response& response, bool keep_alive, bool head) {
  http::response<http::string_body> message;
  const int status = response.status >= 200 && response.status <= 599 ? response.status : 500;
  message.result(static_cast<unsigned>(status));
  message.version(11);
  for (const auto& [name, value] : response.headers) {
    // The runtime owns the framing; a name or value that would split the header is dropped.
    if (name.empty() || name.find_first_of(":\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    const http::field field = http::string_to_field(name);
    if (field == http::field::content_length || field == http::field::transfer_encoding ||
        field == http::field::connection) {
      continue;
    }
    message.insert(name, value);
  }
  if (status != 204 && status != 304) message.body() = response.body;
  message.keep_alive(keep_alive);
  message.prepare_payload();
  std::ostringstream out;
  out << message.base();
  std::string text = out.str();
  if (!head) text += message.body();
  return text;
}

Response ErrorResponse(int status) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = std::string(ReasonFor(status)) + "\n";
  return response;
}

// Waits until fd is ready for `events` or `deadline`; false on timeout or when `stop` is set
// and `stoppable`.
bool WaitFor(int fd, short events, Clock::time_point deadline, const std::atomic<bool>* stop, bool stoppable) {
  for (;;) {
    auto now = Clock::now();
    if (now >= deadline) return false;
    if (stoppable && stop->load()) return false;
    auto slice = std::min<Clock::duration>(deadline - now, kStopPollInterval);
    pollfd pfd{fd, events, 0};
    int timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(slice).count()) + 1;
    int n = ::poll(&pfd, 1, timeout_ms);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

struct HttpServer::Rep {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
  Handler handler;
  RuntimeLimits limits;
  std::atomic<bool> stopping{false};
  std::vector<std::thread> threads;
  std::mutex accept_mutex;  // the threads share the acceptor object
  std::mutex stop_mutex;
  bool stopped = false;

  void AcceptLoop();
  void Serve(asio::ip::tcp::socket socket);
  bool WriteAll(asio::ip::tcp::socket& socket, std::string_view data);
  void Linger(asio::ip::tcp::socket& socket);
  Response CallHandler(const Request& request);
};

void HttpServer::Rep::AcceptLoop() {
  const int fd = acceptor.native_handle();
  while (!stopping.load()) {
    if (!WaitFor(fd, POLLIN, Clock::now() + std::chrono::hours(1), &stopping, true)) continue;
    boost::system::error_code ec;
    asio::ip::tcp::socket socket(io);
    {
      std::lock_guard<std::mutex> lock(accept_mutex);
      acceptor.accept(socket, ec);  // non-blocking: another thread may have taken it
    }
    if (ec) continue;
    try {
      Serve(std::move(socket));
    } catch (const std::exception& e) {  // never let one connection end the process
      std::fprintf(stderr, "fnseal-runtime: connection dropped: %s\n", e.what());
    }
  }
}

Response HttpServer::Rep::CallHandler(const Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fnseal-runtime: handler threw: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "fnseal-runtime: handler threw a non-std::exception\n");
  }
  return ErrorResponse(500);
}

bool HttpServer::Rep::WriteAll(asio::ip::tcp::socket& socket, std::string_view data) {
  while (!data.empty()) {
    boost::system::error_code ec;
    size_t n = socket.write_some(asio::const_buffer(data.data(), data.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if (!WaitFor(socket.native_handle(), POLLOUT, Clock::now() + limits.write_timeout, &stopping, false)) {
        return false;
      }
      continue;
    }
    if (ec) return false;
    data.remove_prefix(n);
  }
  return true;
}

void HttpServer::Rep::Linger(asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  auto deadline = Clock::now() + kLingerTime;
  size_t discarded = 0;
  char buffer[4096];
  while (discarded < kLingerBytes && WaitFor(socket.native_handle(), POLLIN, deadline, &stopping, false)) {
    size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
    if (ec || n == 0) break;
    discarded += n;
  }
}

void HttpServer::Rep::Serve(asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  const int fd = socket.native_handle();
  std::string pending;  // bytes read and not yet consumed: the start of the next request
  char buffer[16 * 1024];
  for (;;) {
    HttpRequestReader reader(limits);
    const auto idle_deadline = Clock::now() + limits.idle_timeout;
    Clock::time_point request_deadline = Clock::time_point::max();
    bool eof = false;
    for (;;) {
      if (!pending.empty()) pending.erase(0, reader.Feed(pending));
      if (reader.state() != HttpRequestReader::State::kNeedMore) break;
      if (reader.TakeExpectContinue() && !WriteAll(socket, "HTTP/1.1 100 Continue\r\n\r\n")) return;
      const bool in_request = reader.started() || !pending.empty();
      if (eof) {
        if (!in_request) return;  // the client closed between requests
        reader.FeedEof();
        break;
      }
      if (in_request && request_deadline == Clock::time_point::max()) {
        request_deadline = Clock::now() + limits.request_timeout;
      }
      // Between requests: wait up to idle_timeout, giving up at once on Stop(). Within one:
      // each read must come within read_timeout, and the whole request within request_timeout.
      auto deadline = in_request ? std::min(request_deadline, Clock::now() + limits.read_timeout) : idle_deadline;
      if (!WaitFor(fd, POLLIN, deadline, &stopping, !in_request)) return;  // stalled, idle or stopping
      size_t n = socket.read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      if (ec == asio::error::eof || (!ec && n == 0)) {
        eof = true;
        continue;
      }
      if (ec) return;
      pending.append(buffer, n);
    }
    if (reader.state() == HttpRequestReader::State::kError) {
      if (WriteAll(socket, SerializeResponse(ErrorResponse(reader.error_status()), false, false))) Linger(socket);
      return;
    }
    const bool keep_alive = reader.keep_alive() && !eof && !stopping.load();
    Request request = reader.TakeRequest();
    Response response = CallHandler(request);
    std::string bytes;
    try {
      bytes = SerializeResponse(response, keep_alive && !stopping.load(), request.method == "HEAD");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fnseal-runtime: cannot send the handler's response: %s\n", e.what());
      bytes = SerializeResponse(ErrorResponse(500), false, false);
    }
    if (!WriteAll(socket, bytes)) return;
    if (!keep_alive || stopping.load()) {
      socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      return;
    }
  }
}

HttpServer::HttpServer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& address, uint16_t port, Handler handler,
                                                      const RuntimeLimits& limits) {
  auto rep = std::make_unique<Rep>();
  rep->handler = std::move(handler);
  rep->limits = limits;
  boost::system::error_code ec;
  asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) return InvalidArgumentError("listen address '" + address + "' is not a numeric ip address");
  asio::ip::tcp::endpoint endpoint(ip, port);
  const std::string where = address + ":" + std::to_string(port);
  if (rep->acceptor.open(endpoint.protocol(), ec); ec) return InternalError("cannot open a socket: " + ec.message());
  if (rep->acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return InternalError("cannot set SO_REUSEADDR: " + ec.message());
  }
  if (rep->acceptor.bind(endpoint, ec); ec)
    return FailedPreconditionError("cannot bind " + where + ": " + ec.message());
  if (rep->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return FailedPreconditionError("cannot listen on " + where + ": " + ec.message());
  }
  if (rep->acceptor.non_blocking(true, ec); ec) return InternalError("cannot make the listener non-blocking");
  size_t threads = std::max<size_t>(1, limits.threads);
  Rep* raw = rep.get();
  for (size_t i = 0; i < threads; ++i) raw->threads.emplace_back([raw] { raw->AcceptLoop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(rep)));
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  auto endpoint = rep_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(rep_->stop_mutex);
  if (rep_->stopped) return;
  rep_->stopped = true;
  rep_->stopping.store(true);
  for (auto& thread : rep_->threads) thread.join();
  boost::system::error_code ec;
  rep_->acceptor.close(ec);
}

int ServeHttpUntilSignal(const std::string& address, uint16_t port, Handler handler, const RuntimeLimits& limits) {
  // Block the signals in every thread the server starts; this thread takes them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = HttpServer::Start(address, port, std::move(handler), limits);
  if (!server.ok()) {
    std::fprintf(stderr, "fnseal-runtime: %s\n", server.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "fnseal-runtime: serving http on %s:%u\n", address.c_str(), (*server)->port());
  int signal = 0;
  sigwait(&signals, &signal);
  std::fprintf(stderr, "fnseal-runtime: signal %d, draining\n", signal);
  (*server)->Stop();
  return 0;
}

}  // namespace fnseal::runtime
