// Internal: typed access to a parsed JSON document with located errors. Shared by the program
// and structure readers; not part of the module's public interface.
#pragma once

#include <cmath>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "core/json_format.h"
#include "core/status.h"
#include "program/program.h"

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

// Reads a string field that must be one of an enum's names, using `parse` (ParseExtent, ...).
// `expected` lists the names for the error message.
template <typename E>
core::Result<E> Named(const Json& j, const std::string& where,
                      bool (*parse)(const std::string&, E*), const char* what,
                      const char* expected) {
  IMG2CAD_ASSIGN_OR_RETURN(std::string name, String(j, where));
  E value;
  if (!parse(name, &value)) {
    return Bad(where,
               std::string("unknown ") + what + " '" + name + "' (expected " + expected + ")");
  }
  return value;
}

// The fields every document (program or structure) starts with.
struct DocumentHeader {
  std::string category;
  Symmetry symmetry = Symmetry::kNone;
  const Json* parts = nullptr;  // checked to be an array
};

// Reads "format" (must equal `format_name`), "category", the optional "symmetry" and "parts",
// and refuses unknown top-level fields.
inline core::Result<DocumentHeader> ReadDocumentHeader(const Json& j, const char* format_name) {
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(j, "", {"format", "category", "symmetry", "parts"}));
  DocumentHeader h;
  IMG2CAD_ASSIGN_OR_RETURN(const Json* format, Field(j, "", "format"));
  IMG2CAD_ASSIGN_OR_RETURN(std::string name, String(*format, "format"));
  if (name != format_name) {
    return Bad("format", "unsupported format '" + name + "' (expected " + format_name + ")");
  }
  IMG2CAD_ASSIGN_OR_RETURN(const Json* category, Field(j, "", "category"));
  IMG2CAD_ASSIGN_OR_RETURN(h.category, String(*category, "category"));
  if (auto it = j.find("symmetry"); it != j.end()) {
    IMG2CAD_ASSIGN_OR_RETURN(h.symmetry, Named<Symmetry>(*it, "symmetry", ParseSymmetry, "symmetry",
                                                         "none, reflect_x or rotational"));
  }
  IMG2CAD_ASSIGN_OR_RETURN(h.parts, Field(j, "", "parts"));
  IMG2CAD_RETURN_IF_ERROR(ExpectArray(*h.parts, "parts"));
  return h;
}

// The fields every part starts with.
struct PartHeader {
  std::string label;
  int instance = 0;
  const Json* features = nullptr;  // checked to be an array
};

// Reads parts[i]: "label", "instance" and the "features" array; `where` is "parts[i]".
inline core::Result<PartHeader> ReadPartHeader(const Json& pj, const std::string& where) {
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(pj, where, {"label", "instance", "features"}));
  PartHeader h;
  IMG2CAD_ASSIGN_OR_RETURN(const Json* label, Field(pj, where, "label"));
  IMG2CAD_ASSIGN_OR_RETURN(h.label, String(*label, where + ".label"));
  IMG2CAD_ASSIGN_OR_RETURN(const Json* instance, Field(pj, where, "instance"));
  IMG2CAD_ASSIGN_OR_RETURN(h.instance, Int(*instance, where + ".instance"));
  IMG2CAD_ASSIGN_OR_RETURN(h.features, Field(pj, where, "features"));
  IMG2CAD_RETURN_IF_ERROR(ExpectArray(*h.features, where + ".features"));
  return h;
}

inline constexpr char kExtentNames[] = "one_sided, symmetric or two_sided";
inline constexpr char kOperationNames[] = "new_body, join, cut or intersect";

}  // namespace img2cad::program::internal
