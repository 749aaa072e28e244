// Status and Result<T> for the function runtime: errors as values, as in core/status.h.
//
// The runtime keeps its own small copy instead of depending on //core because everything a
// handler links ships in its deployable and is a component of its bundle: //runtime declares its
// licenses (Apache-2.0 for its code, BSL-1.0 for Boost, MIT for nlohmann/json), which //core and
// //third_party do not yet. The names and behaviour follow core/status.h so code reads the same.
// Values: thread-compatible, cheap to move.
#ifndef FNSEAL_RUNTIME_STATUS_H_
#define FNSEAL_RUNTIME_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace fnseal::runtime {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input (a request, an event, an address)
  kNotFound,            // a file the function needs is missing
  kFailedPrecondition,  // the environment is not one the runtime can serve in
  kResourceExhausted,   // a documented limit (RuntimeLimits) was exceeded
  kUnavailable,         // the peer (Lambda's Runtime API) cannot be reached
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != StatusCode::kOk);
  }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Returns a copy whose message is "context: message". OK stays OK.
  Status Annotate(const std::string& context) const { return ok() ? *this : Status(code_, context + ": " + message_); }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a T or a non-OK Status. Accessing the value of an error Result is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
    if (status_.ok()) status_ = InternalError("result built from an ok status without a value");
  }
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace fnseal::runtime

#endif  // FNSEAL_RUNTIME_STATUS_H_
