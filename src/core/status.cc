#include "core/status.h"

namespace img2cad::core {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kParse:
      return "parse error";
    case StatusCode::kIo:
      return "i/o error";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kGeometry:
      return "geometry error";
    case StatusCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string JoinPath(const std::string& prefix, const std::string& suffix) {
  if (prefix.empty()) return suffix;
  if (suffix.empty()) return prefix;
  if (suffix.front() == '[') return prefix + suffix;
  return prefix + "." + suffix;
}

Status Status::WithFile(const std::string& file) const {
  if (ok() || !file_.empty()) return *this;
  Status s = *this;
  s.file_ = file;
  return s;
}

Status Status::WithPrefix(const std::string& prefix) const {
  if (ok()) return *this;
  Status s = *this;
  s.where_ = JoinPath(prefix, where_);
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out;
  if (!file_.empty()) out += file_ + ": ";
  // "file.json:3:14: msg" for text positions, "file.json: parts[2]: msg" for JSON paths.
  if (!where_.empty()) {
    if (!out.empty() && where_.front() >= '0' && where_.front() <= '9') out.resize(out.size() - 1);
    out += where_ + ": ";
  }
  return out + message_;
}

}  // namespace img2cad::core
