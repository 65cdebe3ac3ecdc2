// Internal: typed access to a parsed JSON document with located errors. Shared by the program
// and structure readers; not part of the module's public interface.
#pragma once

#include <cmath>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "core/json_format.h"
#include "core/status.h"

namespace img2cad::program::internal {

using Json = nlohmann::json;
using core::Status;
using core::StatusCode;

inline Status Bad(const std::string& where, const std::string& msg) {
  return Status(StatusCode::kInvalidArgument, msg, where);
}

inline std::string TypeName(const Json& j) {
  return j.is_null() ? "null" : std::string(j.type_name());
}

// Parses text into a Json value; syntax errors carry "line:column".
inline core::Result<Json> ParseJsonText(const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points one past the offending character.
    std::string msg = e.what();
    const size_t colon = msg.find("syntax error");
    if (colon != std::string::npos) msg = msg.substr(colon);
    return Status(StatusCode::kParse, "malformed JSON: " + msg,
                  core::LineColumn(text, e.byte > 0 ? e.byte - 1 : 0));
  } catch (const Json::exception& e) {
    // e.g. out_of_range 406, "number overflow parsing '1e999'": no byte position is known.
    std::string msg = e.what();
    const size_t bracket = msg.find("] ");
    if (bracket != std::string::npos) msg = msg.substr(bracket + 2);
    return Status(StatusCode::kParse, "malformed JSON: " + msg);
  }
}

inline Status ExpectObject(const Json& j, const std::string& where,
                           std::initializer_list<const char*> allowed) {
  if (!j.is_object()) return Bad(where, "expected an object, found " + TypeName(j));
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (!known) return Bad(core::JoinPath(where, it.key()), "unknown field");
  }
  return core::OkStatus();
}

inline core::Result<const Json*> Field(const Json& obj, const std::string& where, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return Bad(where, std::string("missing field '") + key + "'");
  return &*it;
}

inline core::Result<double> Number(const Json& j, const std::string& where) {
  if (!j.is_number()) return Bad(where, "expected a number, found " + TypeName(j));
  const double d = j.get<double>();
  if (!std::isfinite(d)) return Bad(where, "number is not finite");
  return d;
}

inline core::Result<std::string> String(const Json& j, const std::string& where) {
  if (!j.is_string()) return Bad(where, "expected a string, found " + TypeName(j));
  return j.get<std::string>();
}

inline core::Result<bool> Bool(const Json& j, const std::string& where) {
  if (!j.is_boolean()) return Bad(where, "expected true or false, found " + TypeName(j));
  return j.get<bool>();
}

inline core::Result<int> Int(const Json& j, const std::string& where) {
  if (!j.is_number_integer()) return Bad(where, "expected an integer, found " + TypeName(j));
  const auto v = j.get<long long>();
  if (v < -1000000 || v > 1000000) return Bad(where, "integer out of range");
  return static_cast<int>(v);
}

inline Status ExpectArray(const Json& j, const std::string& where) {
  if (!j.is_array()) return Bad(where, "expected an array, found " + TypeName(j));
  return core::OkStatus();
}

template <size_t N>
core::Result<std::array<double, N>> Vector(const Json& j, const std::string& where) {
  if (!j.is_array() || j.size() != N) {
    return Bad(where, "expected an array of " + std::to_string(N) + " numbers");
  }
  std::array<double, N> out{};
  for (size_t i = 0; i < N; ++i) {
    IMG2CAD_ASSIGN_OR_RETURN(out[i], Number(j[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

inline std::string Index(const std::string& where, size_t i) {
  return where + "[" + std::to_string(i) + "]";
}

}  // namespace img2cad::program::internal
