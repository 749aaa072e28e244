// Status and Result<T>: how every fnseal library reports errors.
//
// Library code never throws across its boundary; it returns a Status (or a Result<T> holding
// either a value or a non-OK Status). Messages are short, specific and lowercase, and callers add
// context on the way up with Annotate(), so the final message reads "where: why".
// Status and Result are values: thread-compatible, cheap to move.
#ifndef FNSEAL_CORE_STATUS_H_
#define FNSEAL_CORE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace fnseal {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed
  kNotFound,            // a named file, entry or key does not exist
  kAlreadyExists,       // refusing to overwrite something
  kPermissionDenied,    // a signature, digest or policy check failed
  kDataLoss,            // a corrupt or truncated archive, envelope or file
  kFailedPrecondition,  // the system is not in a state where the call makes sense
  kResourceExhausted,   // a documented size, count or depth limit was exceeded
  kUnimplemented,
  kUnavailable,         // a service it needs (a socket peer, an API) cannot be reached now
  kInternal,            // a broken invariant or a failing system library
};

// Returns the lowercase name of `code`, e.g. "permission denied".
std::string_view StatusCodeName(StatusCode code);

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
  Status Annotate(std::string_view context) const;

  // "ok" or "<code name>: <message>", for logs and test failures.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

namespace internal {
// Prints "fnseal: value() of an error Result: <status>" to stderr and aborts. A bug in the
// caller, so it stops the process in every build rather than read an empty value.
[[noreturn]] void DieOfErrorResult(const Status& status);
}  // namespace internal

// Either a T or a non-OK Status. Accessing the value of an error Result is a bug: the process
// aborts with the status on stderr (see value()).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
    if (status_.ok()) status_ = InternalError("result built from an ok status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // The value; on an error Result, prints the status to stderr and aborts, in every build.
  T& value() & { CheckOk(); return *value_; }
  const T& value() const& { CheckOk(); return *value_; }
  T&& value() && { CheckOk(); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Returns this result with "context: " prepended to its error message; values pass through.
  Result Annotate(std::string_view context) && {
    if (!ok()) status_ = status_.Annotate(context);
    return std::move(*this);
  }

 private:
  void CheckOk() const {
    if (!ok()) internal::DieOfErrorResult(status_);
  }

  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) { return r.status(); }
}  // namespace internal

}  // namespace fnseal

#define FNSEAL_CONCAT_INNER(a, b) a##b
#define FNSEAL_CONCAT(a, b) FNSEAL_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status or Result) is an error.
#define RETURN_IF_ERROR(expr)                                                        \
  do {                                                                               \
    const auto& fnseal_status_or_ = (expr);                                          \
    if (!::fnseal::internal::GetStatus(fnseal_status_or_).ok())                      \
      return ::fnseal::internal::GetStatus(fnseal_status_or_);                       \
  } while (0)

// Evaluates `expr` (a Result<T>); on error returns its Status, else moves the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, expr) \
  FNSEAL_ASSIGN_OR_RETURN_IMPL(FNSEAL_CONCAT(fnseal_result_, __LINE__), lhs, expr)
#define FNSEAL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#endif  // FNSEAL_CORE_STATUS_H_
