// core/error.h: errors as values.
//
// Every fallible operation in the project returns a `Status` (no value) or a
// `Result<T>` (a value or an error). An `Error` carries a stable `ErrorCode`, a
// human message and an `ErrorContext` saying where the problem is (file, line,
// column, field, node id), so a caller can print "file:line: field: message"
// without parsing strings. `Status` costs one null pointer when it is OK, so
// hot paths may return it freely.
//
// Constructors cannot return values; where one rejects its arguments it throws
// `core::Exception`, which wraps the same `Error`. `Result<T>::value()` on an
// error throws it too.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace core {

enum class ErrorCode {
  kInvalidArgument,     // the caller passed something malformed or out of range
  kNotFound,            // an id, key or file that does not exist
  kAlreadyExists,       // a duplicate id or key
  kCycle,               // a dependency cycle; the message names its path
  kCapacityExceeded,    // a bounded container is full and may not evict
  kFailedPrecondition,  // the object is in the wrong state for the call (misuse)
  kCancelled,           // work that was not started because something else failed
  kTaskFailed,          // a user task reported an error or threw
  kTimeout,             // something took longer than it was allowed
  kInternal,            // a broken invariant inside the project: a bug
  kUnavailable,         // a remote service could not be reached or failed (may pass)
  kPermissionDenied,    // credentials were missing or refused
};

// The stable lower-case name of a code, e.g. "not_found".
const char* error_code_name(ErrorCode code);

// Where an error happened. Every field is optional; empty/zero means unknown.
struct ErrorContext {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;
  std::string node_id;
};

class Error {
 public:
  Error(ErrorCode code, std::string message, ErrorContext context = {})
      : code_(code), message_(std::move(message)), context_(std::move(context)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const ErrorContext& context() const { return context_; }

  // Builders that add context as an error travels up.
  Error& with_file(std::string file, int line = 0, int column = 0);
  Error& with_field(std::string field);
  Error& with_node(std::string node_id);
  // A product's own stable code for the error (lgraph's "E006"), shown first.
  Error& with_tag(std::string tag);
  // What the user could do about it, shown on a line of its own.
  Error& with_suggestion(std::string suggestion);

  const std::string& tag() const { return tag_; }
  const std::string& suggestion() const { return suggestion_; }

  // "file:line:col: node 'x': field 'y': message [code]", or with a tag
  // "[E006] file:line:col: node 'x': field 'y': message"; then
  // "\n  suggestion: ..." when there is one.
  std::string to_string() const;

 private:
  ErrorCode code_;
  std::string message_;
  ErrorContext context_;
  std::string tag_;
  std::string suggestion_;
};

class Exception : public std::exception {
 public:
  explicit Exception(Error error) : error_(std::move(error)), what_(error_.to_string()) {}
  const Error& error() const { return error_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  Error error_;
  std::string what_;
};

// Success, or an Error. Cheap when OK (a null pointer).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::make_unique<Error>(std::move(error))) {}  // NOLINT: implicit
  Status(const Status& other)
      : error_(other.error_ ? std::make_unique<Error>(*other.error_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) error_ = other.error_ ? std::make_unique<Error>(*other.error_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status ok() { return Status(); }
  bool is_ok() const { return error_ == nullptr; }
  explicit operator bool() const { return is_ok(); }
  // Precondition: !is_ok().
  const Error& error() const { return *error_; }
  // Throws core::Exception if this holds an error.
  void throw_if_error() const {
    if (error_) throw Exception(*error_);
  }
  std::string to_string() const { return error_ ? error_->to_string() : "ok"; }

 private:
  std::unique_ptr<Error> error_;
};

// A value of type T, or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  // Throws core::Exception when this holds an error.
  T& value() & {
    if (!is_ok()) throw Exception(error());
    return std::get<0>(v_);
  }
  // By value, so `for (auto& x : f().value())` does not dangle.
  T value() && {
    if (!is_ok()) throw Exception(error());
    return std::get<0>(std::move(v_));
  }
  const T& value() const& {
    if (!is_ok()) throw Exception(error());
    return std::get<0>(v_);
  }
  // Precondition: !is_ok().
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return is_ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace core
