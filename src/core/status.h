// Recoverable errors across module boundaries: Status and Result<T>.
//
// Modelled on draco's Status/StatusOr. A Status is either OK or an error carrying a code, a
// human-readable message and an optional location: the file it concerns and the place inside it
// (a JSON path such as "parts[3].features[0].sketch.loops[1][2]", or "line:column" for syntax
// errors). Only apps/ turns a Status into printed text and an exit code.
//
//   Result<Program> r = ParseProgramFile(path);
//   if (!r.ok()) return r.status();
//   Program p = std::move(r).value();
//
// Or with the macros:
//   IMG2CAD_ASSIGN_OR_RETURN(Program p, ParseProgramFile(path));
//   IMG2CAD_RETURN_IF_ERROR(Validate(p));
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/check.h"

namespace img2cad::core {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the input is well-formed but its content is wrong (a bad program)
  kParse,            // the input is not well-formed (malformed JSON, broken image)
  kIo,               // a file could not be read or written
  kNotFound,         // a named file, label or model does not exist
  kGeometry,         // the geometry kernel refused or produced an invalid shape
  kInternal,         // a bug: an invariant that should hold did not
};

// Short lowercase name of a code ("invalid argument", "parse error", ...).
const char* StatusCodeName(StatusCode code);

// [[nodiscard]]: an ignored Status is almost always a lost error; discard one on purpose with
// `(void)`.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string where = {}, std::string file = {})
      : code_(code),
        message_(std::move(message)),
        where_(std::move(where)),
        file_(std::move(file)) {
    IMG2CAD_CHECK(code != StatusCode::kOk);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Place inside the input ("parts[0].features[1]" or "12:7"); empty when unknown.
  const std::string& where() const { return where_; }
  // The file the error concerns; empty when unknown.
  const std::string& file() const { return file_; }

  // Returns a copy with `file` set when none is set yet.
  Status WithFile(const std::string& file) const;
  // Returns a copy whose place is `prefix` joined with the current place
  // ("parts[2]" + "features[0]" -> "parts[2].features[0]"; "[1]" joins without a dot).
  Status WithPrefix(const std::string& prefix) const;

  // "FILE: WHERE: MESSAGE", leaving out the parts that are empty. "OK" for an OK status.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string where_;
  std::string file_;
};

inline Status OkStatus() { return Status(); }

// Joins two JSON-path fragments: JoinPath("parts[1]", "features[0]") == "parts[1].features[0]",
// JoinPath("loops", "[2]") == "loops[2]". Either side may be empty.
std::string JoinPath(const std::string& prefix, const std::string& suffix);

// A value of type T or an error Status. Accessing value() of an error is an IMG2CAD_CHECK failure.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : data_(value) {}        // NOLINT: implicit by design
  Result(T&& value) : data_(std::move(value)) {}  // NOLINT
  Result(const Status& status) : data_(status) {  // NOLINT
    IMG2CAD_CHECK(!status.ok()) << "a Result cannot hold an OK status without a value";
  }
  Result(Status&& status) : data_(std::move(status)) {  // NOLINT
    IMG2CAD_CHECK(!std::get<Status>(data_).ok())
        << "a Result cannot hold an OK status without a value";
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

  const T& value() const& {
    IMG2CAD_CHECK(ok()) << "value() of an error Result: " << std::get<Status>(data_).ToString();
    return std::get<T>(data_);
  }
  T& value() & {
    IMG2CAD_CHECK(ok()) << "value() of an error Result: " << std::get<Status>(data_).ToString();
    return std::get<T>(data_);
  }
  T&& value() && {
    IMG2CAD_CHECK(ok()) << "value() of an error Result: " << std::get<Status>(data_).ToString();
    return std::get<T>(std::move(data_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace img2cad::core

#define IMG2CAD_CONCAT_INNER_(a, b) a##b
#define IMG2CAD_CONCAT_(a, b) IMG2CAD_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` (a Status) is not OK.
#define IMG2CAD_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::img2cad::core::Status img2cad_status_ = (expr);  \
    if (!img2cad_status_.ok()) return img2cad_status_; \
  } while (false)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, otherwise moves the value into
// `lhs`, which may be a declaration ("Program p") or an existing variable.
#define IMG2CAD_ASSIGN_OR_RETURN(lhs, rexpr) \
  IMG2CAD_ASSIGN_OR_RETURN_IMPL_(IMG2CAD_CONCAT_(img2cad_result_, __LINE__), lhs, rexpr)
#define IMG2CAD_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                   \
  if (!result.ok()) return result.status();                \
  lhs = std::move(result).value()
