// Drawing on an Image for the diagnostic pictures (learning curves): straight lines and short
// labels in a fixed 5x7 bitmap font. Everything is clipped to the image, so a caller may draw
// partly or wholly outside it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "image/image.h"

namespace img2cad::image {

using Rgb = std::array<uint8_t, 3>;

// Sets the pixels on the segment from (x0, y0) to (x1, y1), both ends included, to `color` (the
// first three channels; a grey image takes the first). Coordinates are pixels, top-left origin.
void DrawLine(Image& img, int x0, int y0, int x1, int y1, Rgb color);

// Writes `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` square
// (scale < 1 counts as 1). Letters are drawn as capitals; digits, space and . , : ; - + = _ / % ( )
// [ ] < > ' have glyphs, and any other byte is drawn as '?'. Returns the x just after the text.
int DrawText(Image& img, int x, int y, std::string_view text, Rgb color, int scale = 1);

// The width and height in pixels that DrawText takes for `text` at `scale` (6 and 7 per
// character at scale 1: 5 columns and a 1-column gap).
int TextWidth(std::string_view text, int scale = 1);
int TextHeight(int scale = 1);

}  // namespace img2cad::image
