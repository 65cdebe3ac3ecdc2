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

// Location of a byte offset in a text, 1-based, as "line:column".
std::string LineColumn(const std::string& text, size_t byte_offset);

}  // namespace img2cad::core
