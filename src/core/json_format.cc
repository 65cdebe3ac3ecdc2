#include "core/json_format.h"

#include <cmath>

namespace img2cad::core {

namespace {

using Json = nlohmann::ordered_json;

// One-line form with our number rule applied recursively.
std::string Compact(const Json& v) {
  switch (v.type()) {
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      if (std::isfinite(d) && d == std::trunc(d) && std::abs(d) < 1e15) {
        const long long i = static_cast<long long>(d);
        if (i == 0 && std::signbit(d)) return "0";  // -0 prints as 0
        return std::to_string(i);
      }
      return v.dump();
    }
    case Json::value_t::array: {
      std::string s = "[";
      for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + Compact(v[i]);
      return s + "]";
    }
    case Json::value_t::object: {
      std::string s = "{ ";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        s += (first ? "" : ", ") + Json(it.key()).dump() + ": " + Compact(it.value());
        first = false;
      }
      return v.empty() ? "{}" : s + " }";
    }
    default:
      return v.dump();
  }
}

void Emit(const Json& v, int indent, int width, std::string* out) {
  const std::string one = Compact(v);
  const bool container = v.is_array() || v.is_object();
  if (!container || v.empty() || indent + static_cast<int>(one.size()) <= width) {
    *out += one;
    return;
  }
  const std::string pad(indent + 2, ' ');
  if (v.is_array()) {
    *out += "[\n";
    for (size_t i = 0; i < v.size(); ++i) {
      *out += pad;
      Emit(v[i], indent + 2, width, out);
      *out += i + 1 < v.size() ? ",\n" : "\n";
    }
    *out += std::string(indent, ' ') + "]";
    return;
  }
  *out += "{\n";
  size_t i = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++i) {
    const std::string key = Json(it.key()).dump() + ": ";
    *out += pad + key;
    Emit(it.value(), indent + 2 + static_cast<int>(key.size()) - 2, width, out);
    *out += i + 1 < v.size() ? ",\n" : "\n";
  }
  *out += std::string(indent, ' ') + "}";
}

}  // namespace

std::string FormatJson(const nlohmann::ordered_json& value, int width) {
  std::string out;
  Emit(value, 0, width, &out);
  return out + "\n";
}

std::string LineColumn(const std::string& text, size_t byte_offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace img2cad::core
