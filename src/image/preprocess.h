// Finding the object in a photo and cropping to it, for image input (`predict`, the retrieval
// index). No learned weights: the alpha channel when the image has a meaningful one, otherwise a
// background model from the image border.
#pragma once

#include <array>

#include "core/rng.h"
#include "image/image.h"

namespace img2cad::image {

struct Foreground {
  Image mask;          // 1 channel, 255 = object, same size as the input
  int x0 = 0, y0 = 0;  // bounding box of the mask, inclusive-exclusive
  int x1 = 0, y1 = 0;
  bool from_alpha = false;  // the mask is the image's alpha channel
  bool found = false;       // false: nothing usable was found and the box is the whole image
  double area_share = 0;    // the region's share of the image's pixels, before the found rule
};

// The object's pixels. With an alpha channel that is neither all opaque nor all clear, the mask
// is alpha > 127. Otherwise pixels that differ from the border's colour statistics, keeping the
// largest connected region. Falls back to the whole image (found = false) when the estimate covers
// almost nothing or almost everything.
Foreground FindForeground(const Image& img);

// The foreground of a given object mask (1 channel, or the first channel of any image; > 127 =
// object; any size, resized to width x height): the largest connected region, its box, and the
// same found rule as FindForeground.
Foreground ForegroundFromMask(const Image& mask, int width, int height);

// A square `size` x `size` RGB crop around the foreground box with `margin` (a fraction of the
// box's larger side) on each side, padded with the border colour; and the matching crop of the
// mask.
struct Crop {
  Image rgb;
  Image mask;
};
Crop CropToObject(const Image& img, const Foreground& fg, int size, double margin = 0.08);

// The square of the source image that CropToObject(img, fg, size, margin) samples, in source
// pixels: its centre and side. Output pixel (x, y) of a `size` crop covers the source square whose
// corner is (cx - side / 2 + x * side / size, cy - side / 2 + y * side / size).
struct CropWindow {
  double cx = 0, cy = 0, side = 0;
};
CropWindow ObjectWindow(const Foreground& fg, double margin = 0.08);

// A picture cut tight around an object, as photos often are: the window {x0, y0, x1, y1} of the
// whole picture (0, 0, width, height) with one to three of its sides (drawn from `rng`) moved to
// 2-12% of the box's larger side inside the object's box `fg`. Not clamped: callers keep what
// they need of the picture. The draws, in order: the number of sides, the first side (0 left,
// 1 top, 2 right, 3 bottom; the others follow), then each side's depth.
std::array<int, 4> CutInsideBox(const Foreground& fg, int width, int height, core::Rng& rng);

// How much there is to see in an image: the 99th percentile of the luminance step (0-255 scale)
// between neighbouring cells of a grid of area means, at most 64 cells on the longer side. A
// uniform image scores 0 and a blank wall with sensor noise and JPEG artefacts under about 5; every
// synthetic render (with its object) measured 11 or more and every shared/realworld photo 24 or
// more. 0 for an empty image.
double DetailLevel(const Image& img);

}  // namespace img2cad::image
