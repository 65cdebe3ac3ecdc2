#include "image/preprocess.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace img2cad::image {

namespace {

// Mean and spread of the border pixels' colours.
struct BorderModel {
  double mean[3] = {0, 0, 0};
  double spread = 0;
};

BorderModel Border(const Image& rgb) {
  BorderModel m;
  std::vector<std::array<double, 3>> px;
  const int w = rgb.width, h = rgb.height, band = std::max(1, std::min(w, h) / 40);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (x >= band && x < w - band && y >= band && y < h - band) continue;
      px.push_back({static_cast<double>(rgb.at(x, y, 0)), static_cast<double>(rgb.at(x, y, 1)),
                    static_cast<double>(rgb.at(x, y, 2))});
    }
  for (const auto& p : px)
    for (int k = 0; k < 3; ++k) m.mean[k] += p[k] / px.size();
  double var = 0;
  for (const auto& p : px)
    for (int k = 0; k < 3; ++k) var += (p[k] - m.mean[k]) * (p[k] - m.mean[k]) / px.size();
  m.spread = std::sqrt(var);
  return m;
}

// Keeps the largest 4-connected region of 255s.
void KeepLargestRegion(Image* mask) {
  const int w = mask->width, h = mask->height;
  std::vector<int> label(static_cast<size_t>(w) * h, -1);
  int best = -1, best_size = 0, next = 0;
  std::vector<int> stack;
  for (int start = 0; start < w * h; ++start) {
    if (mask->pixels[start] != 255 || label[start] >= 0) continue;
    int size = 0;
    stack.push_back(start);
    label[start] = next;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      ++size;
      const int x = p % w, y = p / w;
      const int nbr[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1,
                          y + 1 < h ? p + w : -1};
      for (int q : nbr) {
        if (q >= 0 && mask->pixels[q] == 255 && label[q] < 0) {
          label[q] = next;
          stack.push_back(q);
        }
      }
    }
    if (size > best_size) best_size = size, best = next;
    ++next;
  }
  for (int p = 0; p < w * h; ++p) mask->pixels[p] = label[p] == best && best >= 0 ? 255 : 0;
}

// The mask's bounding box and the found rule (0.3%-97% of the image); a mask that is not found
// becomes the whole image.
void Box(Foreground* fg) {
  const int w = fg->mask.width, h = fg->mask.height;
  int count = 0;
  fg->x0 = w, fg->y0 = h, fg->x1 = 0, fg->y1 = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (fg->mask.at(x, y, 0)) {
        ++count;
        fg->x0 = std::min(fg->x0, x), fg->y0 = std::min(fg->y0, y);
        fg->x1 = std::max(fg->x1, x + 1), fg->y1 = std::max(fg->y1, y + 1);
      }
  fg->area_share = static_cast<double>(count) / (static_cast<double>(w) * h);
  fg->found = fg->area_share > 0.003 && fg->area_share < 0.97;
  if (!fg->found) {
    fg->x0 = fg->y0 = 0;
    fg->x1 = w, fg->y1 = h;
    std::fill(fg->mask.pixels.begin(), fg->mask.pixels.end(), 255);
  }
}

}  // namespace

Foreground FindForeground(const Image& img) {
  Foreground fg;
  const int w = img.width, h = img.height;
  fg.mask = Image(w, h, 1, 0);
  bool alpha_used = false;
  if (img.channels == 4) {
    int clear = 0, opaque = 0;
    for (int i = 0; i < w * h; ++i) {
      const uint8_t a = img.pixels[static_cast<size_t>(i) * 4 + 3];
      clear += a <= 127;
      opaque += a > 127;
      fg.mask.pixels[i] = a > 127 ? 255 : 0;
    }
    alpha_used = clear > 0 && opaque > 0;
  }
  if (!alpha_used) {
    const Image rgb = ConvertChannels(img, 3);
    const BorderModel b = Border(rgb);
    // Far from the border colour: beyond noise, texture and gentle gradients of the backdrop.
    const double threshold = std::max(28.0, 2.5 * b.spread);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        double d2 = 0;
        for (int k = 0; k < 3; ++k) d2 += std::pow(rgb.at(x, y, k) - b.mean[k], 2);
        fg.mask.at(x, y, 0) = std::sqrt(d2) > threshold ? 255 : 0;
      }
    KeepLargestRegion(&fg.mask);
  }
  fg.from_alpha = alpha_used;
  Box(&fg);
  return fg;
}

Foreground ForegroundFromMask(const Image& mask, int width, int height) {
  Foreground fg;
  Image m = mask.channels == 1 ? mask : ConvertChannels(mask, 1);
  if (m.width != width || m.height != height) m = Resize(m, width, height);
  fg.mask = Image(width, height, 1, 0);
  for (size_t i = 0; i < m.pixels.size(); ++i) fg.mask.pixels[i] = m.pixels[i] > 127 ? 255 : 0;
  KeepLargestRegion(&fg.mask);
  Box(&fg);
  return fg;
}

std::array<int, 4> CutInsideBox(const Foreground& fg, int width, int height, core::Rng& rng) {
  std::array<int, 4> win = {0, 0, width, height};
  const int side = std::max(fg.x1 - fg.x0, fg.y1 - fg.y0);
  const int box[4] = {fg.x0, fg.y0, fg.x1, fg.y1};
  const int sides = rng.UniformInt(1, 3), first = rng.UniformInt(0, 3);
  for (int k = 0; k < sides; ++k) {
    const int e = (first + k) % 4;
    const int in = static_cast<int>(std::lround(rng.Uniform(0.02, 0.12) * side));
    win[e] = e < 2 ? box[e] + in : box[e] - in;
  }
  return win;
}

CropWindow ObjectWindow(const Foreground& fg, double margin) {
  const double bw = fg.x1 - fg.x0, bh = fg.y1 - fg.y0;
  return {(fg.x0 + fg.x1) / 2.0, (fg.y0 + fg.y1) / 2.0, std::max(bw, bh) * (1 + 2 * margin)};
}

Crop CropToObject(const Image& img, const Foreground& fg, int size, double margin) {
  const Image rgb = ConvertChannels(img, 3);
  const BorderModel b = Border(rgb);
  const auto [cx, cy, side] = ObjectWindow(fg, margin);
  Crop out{Image(size, size, 3), Image(size, size, 1, 0)};
  // Area sampling: each output pixel averages the source pixels it covers (up to 4x4 samples).
  const double step = side / size;
  const int sub = std::clamp(static_cast<int>(std::ceil(step)), 1, 4);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      double acc[3] = {0, 0, 0}, m = 0;
      for (int sy = 0; sy < sub; ++sy)
        for (int sx = 0; sx < sub; ++sx) {
          const int px =
              static_cast<int>(std::floor(cx - side / 2 + (x + (sx + 0.5) / sub) * step));
          const int py =
              static_cast<int>(std::floor(cy - side / 2 + (y + (sy + 0.5) / sub) * step));
          if (px < 0 || py < 0 || px >= img.width || py >= img.height) {
            for (int k = 0; k < 3; ++k) acc[k] += b.mean[k];
          } else {
            for (int k = 0; k < 3; ++k) acc[k] += rgb.at(px, py, k);
            m += fg.mask.at(px, py, 0);
          }
        }
      const double n = sub * sub;
      for (int k = 0; k < 3; ++k)
        out.rgb.at(x, y, k) = static_cast<uint8_t>(std::lround(acc[k] / n));
      out.mask.at(x, y, 0) = static_cast<uint8_t>(std::lround(m / n));
    }
  return out;
}

double DetailLevel(const Image& img) {
  if (img.empty()) return 0;
  // Area means over a grid of at most 64 cells on the longer side: sensor noise and JPEG blocks
  // average away, while an object's outline stays a step between neighbouring cells.
  const double scale = std::min(1.0, 64.0 / std::max(img.width, img.height));
  const int gw = std::max(1, static_cast<int>(std::lround(img.width * scale)));
  const int gh = std::max(1, static_cast<int>(std::lround(img.height * scale)));
  const Image grey = ConvertChannels(img, 1);
  std::vector<double> sum(static_cast<size_t>(gw) * gh, 0), count(sum.size(), 0);
  for (int y = 0; y < img.height; ++y) {
    const int cy = std::min(gh - 1, static_cast<int>(static_cast<int64_t>(y) * gh / img.height));
    for (int x = 0; x < img.width; ++x) {
      const int cx = std::min(gw - 1, static_cast<int>(static_cast<int64_t>(x) * gw / img.width));
      sum[static_cast<size_t>(cy) * gw + cx] += grey.at(x, y, 0);
      count[static_cast<size_t>(cy) * gw + cx] += 1;
    }
  }
  for (size_t i = 0; i < sum.size(); ++i) sum[i] /= std::max(1.0, count[i]);
  std::vector<double> steps;
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x) {
      const double v = sum[static_cast<size_t>(y) * gw + x];
      if (x + 1 < gw) steps.push_back(std::abs(v - sum[static_cast<size_t>(y) * gw + x + 1]));
      if (y + 1 < gh) steps.push_back(std::abs(v - sum[static_cast<size_t>(y + 1) * gw + x]));
    }
  if (steps.empty()) return 0;
  const size_t k = std::min(steps.size() - 1, static_cast<size_t>(0.99 * steps.size()));
  std::nth_element(steps.begin(), steps.begin() + k, steps.end());
  return steps[k];
}

}  // namespace img2cad::image
