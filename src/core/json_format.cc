#include "core/json_format.h"

#include <cmath>
#include <utility>

#include "core/check.h"

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

// `indent` is the indentation of the line `v` starts on; `used` is how many characters of that
// line are already taken (indentation plus any "key": prefix).
void Emit(const Json& v, int indent, int used, int width, std::string* out) {
  const std::string one = Compact(v);
  const bool container = v.is_array() || v.is_object();
  if (!container || v.empty() || used + static_cast<int>(one.size()) <= width) {
    *out += one;
    return;
  }
  const int child = indent + 2;
  const std::string pad(child, ' ');
  *out += v.is_array() ? "[\n" : "{\n";
  size_t i = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++i) {
    std::string key = v.is_object() ? Json(it.key()).dump() + ": " : "";
    *out += pad + key;
    Emit(it.value(), child, child + static_cast<int>(key.size()), width, out);
    // a trailing comma counts toward the width of the next decision only via `used`
    *out += i + 1 < v.size() ? ",\n" : "\n";
  }
  *out += std::string(indent, ' ') + (v.is_array() ? "]" : "}");
}

}  // namespace

std::string FormatJson(const nlohmann::ordered_json& value, int width) {
  std::string out;
  Emit(value, 0, 0, width, &out);
  return out + "\n";
}

JsonArrayTail::JsonArrayTail(nlohmann::ordered_json head, std::string key, int width)
    : head_(std::move(head)), key_(std::move(key)), width_(width) {
  IMG2CAD_CHECK(head_.is_object() && !head_.contains(key_)) << "the head has a member " << key_;
}

// The whole object never fits on one line once the array does not, so each member goes on a line
// of its own at indentation 2, as Emit would place it.
std::string JsonArrayTail::Open() const {
  std::string out = "{\n";
  for (auto it = head_.begin(); it != head_.end(); ++it) {
    const std::string key = "  " + Json(it.key()).dump() + ": ";
    out += key;
    Emit(it.value(), 2, static_cast<int>(key.size()), width_, &out);
    out += ",\n";
  }
  return out + "  " + Json(key_).dump() + ": [";
}

std::string JsonArrayTail::Element(const nlohmann::ordered_json& value, size_t index) const {
  std::string out = index == 0 ? "\n    " : ",\n    ";
  Emit(value, 4, 4, width_, &out);
  return out;
}

std::string JsonArrayTail::Close(size_t count) const { return count ? "\n  ]\n}\n" : "]\n}\n"; }

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
