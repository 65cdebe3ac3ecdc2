#include "image/clutter.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/check.h"

namespace img2cad::image {
namespace {

using Color = std::array<double, 3>;

uint8_t Clamp255(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// Rooms are mostly muted: a grey level with a small tint. Now and then a saturated object (toys,
// cushions, book spines), since real crops have those too.
Color RandomColor(core::Rng& rng) {
  if (rng.Bernoulli(0.08)) {
    Color c;
    for (double& v : c) v = rng.Uniform(20, 240);
    return c;
  }
  const double grey = rng.Uniform(50, 235), tint = rng.Uniform(3, 25);
  return {grey + rng.Uniform(-tint, tint), grey + rng.Uniform(-tint, tint),
          grey + rng.Uniform(-tint, tint)};
}

void Fill(std::vector<Color>& canvas, int w, int h, int x0, int y0, int x1, int y1, Color c) {
  x0 = std::max(x0, 0), y0 = std::max(y0, 0), x1 = std::min(x1, w), y1 = std::min(y1, h);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) canvas[static_cast<size_t>(y) * w + x] = c;
}

Color Shade(Color c, double f) { return {c[0] * f, c[1] * f, c[2] * f}; }

// A rectangle that is solid, framed (a picture, a door), or striped: vertical stripes in rows
// read as books on shelves, horizontal ones as planks or drawers.
void Furniture(std::vector<Color>& canvas, int w, int h, core::Rng& rng) {
  const int rw = static_cast<int>(rng.Uniform(0.1, 0.7) * w);
  const int rh = static_cast<int>(rng.Uniform(0.1, 0.8) * h);
  const int x0 = rng.UniformInt(-rw / 2, w - rw / 2), y0 = rng.UniformInt(-rh / 3, h - rh / 2);
  const Color base = RandomColor(rng);
  const double kind = rng.Uniform();
  Fill(canvas, w, h, x0, y0, x0 + rw, y0 + rh, base);
  if (kind < 0.25) {  // frame
    const int t = std::max(1, static_cast<int>(rng.Uniform(0.05, 0.2) * std::min(rw, rh)));
    Fill(canvas, w, h, x0 + t, y0 + t, x0 + rw - t, y0 + rh - t, RandomColor(rng));
  } else if (kind < 0.5) {  // shelves of books
    const int rows = rng.UniformInt(1, 4);
    const int board = std::max(1, rh / 25);
    for (int r = 0; r < rows; ++r) {
      const int ry0 = y0 + r * rh / rows + board, ry1 = y0 + (r + 1) * rh / rows;
      for (int x = x0 + board; x < x0 + rw - board;) {
        const int sw = std::max(1, static_cast<int>(rng.Uniform(0.01, 0.05) * w));
        const int top = ry0 + static_cast<int>(rng.Uniform(0, 0.4) * (ry1 - ry0));
        Fill(canvas, w, h, x, top, std::min(x + sw, x0 + rw - board), ry1, RandomColor(rng));
        x += sw;
      }
    }
  } else if (kind < 0.65) {  // planks or drawer fronts
    const int n = rng.UniformInt(2, 6);
    for (int i = 0; i < n; ++i) {
      const int yy = y0 + i * rh / n;
      Fill(canvas, w, h, x0, yy, x0 + rw, yy + std::max(1, rh / 60), Shade(base, 0.6));
    }
  }
}

}  // namespace

Image RoomClutter(int width, int height, core::Rng& rng) {
  IMG2CAD_CHECK(width > 0 && height > 0);
  const int w = width, h = height;
  std::vector<Color> canvas(static_cast<size_t>(w) * h);
  const Color wall = RandomColor(rng), floor = RandomColor(rng);
  const int horizon = rng.Bernoulli(0.15) ? h : static_cast<int>(rng.Uniform(0.35, 0.95) * h);
  Fill(canvas, w, h, 0, 0, w, horizon, wall);
  Fill(canvas, w, h, 0, horizon, w, h, floor);
  const int pieces = rng.UniformInt(0, 6);
  for (int i = 0; i < pieces; ++i) Furniture(canvas, w, h, rng);
  const int bars = rng.UniformInt(0, 3);
  for (int i = 0; i < bars; ++i) {
    const int t = std::max(1, static_cast<int>(rng.Uniform(0.01, 0.04) * w));
    const Color c = RandomColor(rng);
    if (rng.Bernoulli(0.7)) {
      const int x = rng.UniformInt(0, w - 1), y0 = rng.UniformInt(0, h / 2);
      Fill(canvas, w, h, x, y0, x + t, y0 + static_cast<int>(rng.Uniform(0.3, 1.0) * h), c);
    } else {
      const int y = rng.UniformInt(0, h - 1), x0 = rng.UniformInt(-w / 2, w / 2);
      Fill(canvas, w, h, x0, y, x0 + static_cast<int>(rng.Uniform(0.3, 1.0) * w), y + t, c);
    }
  }
  // A light from one side: a linear gain across the frame, plus sensor noise.
  const double gx = rng.Uniform(-0.35, 0.35), gy = rng.Uniform(-0.3, 0.3);
  const double noise = rng.Uniform(0, 8);
  Image out(w, h, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double gain = 1 + gx * (x / double(w) - 0.5) + gy * (y / double(h) - 0.5);
      for (int k = 0; k < 3; ++k) {
        const double n = noise * (rng.Uniform() + rng.Uniform() - 1);
        out.at(x, y, k) = Clamp255(canvas[static_cast<size_t>(y) * w + x][k] * gain + n);
      }
    }
  // Backgrounds are seldom in focus behind a subject.
  return GaussianBlur(out, rng.Uniform(0.3, 1.8));
}

Image CompositeOver(const Image& front, const Image& mask, const Image& back) {
  IMG2CAD_CHECK(front.width == back.width && front.height == back.height);
  IMG2CAD_CHECK(mask.width == front.width && mask.height == front.height);
  IMG2CAD_CHECK(front.channels == 3 && back.channels == 3 && mask.channels == 1);
  Image out(front.width, front.height, 3);
  for (int y = 0; y < front.height; ++y)
    for (int x = 0; x < front.width; ++x) {
      const double a = mask.at(x, y, 0) / 255.0;
      for (int k = 0; k < 3; ++k)
        out.at(x, y, k) = Clamp255(front.at(x, y, k) * a + back.at(x, y, k) * (1 - a));
    }
  return out;
}

Image OverRoom(const Image& rgb, const Image& mask, core::Rng& rng) {
  return CompositeOver(rgb, GaussianBlur(mask, 0.7), RoomClutter(rgb.width, rgb.height, rng));
}

}  // namespace img2cad::image
