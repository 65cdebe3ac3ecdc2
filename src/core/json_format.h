// Human-friendly, deterministic JSON text: two-space indentation, but any array or object whose
// one-line form fits in the remaining width is kept on one line, and integral doubles are written
// without a fraction ("30" rather than "30.0"). Numbers use the shortest text that reads back to
// the same double, so FormatJson -> parse -> FormatJson is exact.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace img2cad::core {

// `width` is the target line width in characters. The result ends with a newline.
std::string FormatJson(const nlohmann::ordered_json& value, int width = 100);

// FormatJson's text of the object `head` with one more member, `key`, an array too long to hold
// at once, in pieces that can be written as its elements come:
//   Open() + Element(e0, 0) + Element(e1, 1) + ... + Close(count)
// Equal to FormatJson(head with `key`: [e0, e1, ...]) whenever the whole object and the array do
// not fit on one line (always so for a few long elements); an empty array gives `"key": []`.
class JsonArrayTail {
 public:
  // `head` must be an object without `key` (CHECK); it is copied.
  JsonArrayTail(nlohmann::ordered_json head, std::string key, int width = 100);
  // From "{" up to and including the array's "[".
  std::string Open() const;
  // The element at `index` of the array, with the separator before it.
  std::string Element(const nlohmann::ordered_json& value, size_t index) const;
  // After the last of `count` elements: the array's "]", the object's "}" and a newline.
  std::string Close(size_t count) const;

 private:
  nlohmann::ordered_json head_;
  std::string key_;
  int width_;
};

// Location of a byte offset in a text, 1-based, as "line:column".
std::string LineColumn(const std::string& text, size_t byte_offset);

}  // namespace img2cad::core
