#include "image/preprocess.h"

#include <gtest/gtest.h>

namespace img2cad::image {
namespace {

// A dark rectangle [x0, x1) x [y0, y1) on a light, slightly noisy backdrop.
Image Scene(int w, int h, int x0, int y0, int x1, int y1, int channels) {
  Image img(w, h, channels);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool in = x >= x0 && x < x1 && y >= y0 && y < y1;
      for (int k = 0; k < std::min(channels, 3); ++k)
        img.at(x, y, k) = in ? 60 : 225 + (x * 7 + y * 3) % 9;
      if (channels == 4) img.at(x, y, 3) = 255;
    }
  return img;
}

TEST(PreprocessTest, FindsAnObjectOnAPlainBackdrop) {
  const Foreground fg = FindForeground(Scene(200, 120, 50, 20, 90, 100, 3));
  EXPECT_TRUE(fg.found);
  EXPECT_FALSE(fg.from_alpha);
  EXPECT_EQ(fg.x0, 50);
  EXPECT_EQ(fg.y0, 20);
  EXPECT_EQ(fg.x1, 90);
  EXPECT_EQ(fg.y1, 100);
}

TEST(PreprocessTest, UsesAlphaWhenItCarriesTheObject) {
  Image img = Scene(64, 64, 0, 0, 64, 64, 4);  // all dark: colour says nothing
  for (int y = 10; y < 30; ++y)
    for (int x = 0; x < 64; ++x) img.at(x, y, 3) = 0;
  const Foreground fg = FindForeground(img);
  EXPECT_TRUE(fg.from_alpha);
  EXPECT_EQ(fg.y0, 0);
  EXPECT_EQ(fg.y1, 64);
  EXPECT_EQ(fg.mask.at(5, 20, 0), 0);
}

TEST(PreprocessTest, FallsBackToTheWholeImage) {
  const Foreground blank = FindForeground(Image(30, 30, 3, 128));
  EXPECT_FALSE(blank.found);
  EXPECT_EQ(blank.x1, 30);
  const Foreground grey = FindForeground(ConvertChannels(Scene(80, 80, 20, 20, 60, 60, 3), 1));
  EXPECT_TRUE(grey.found);
}

TEST(PreprocessTest, DetailLevelSeparatesABlankImageFromAnObject) {
  Image blank(400, 300, 3, 128);
  EXPECT_EQ(DetailLevel(blank), 0);
  EXPECT_EQ(DetailLevel(Image()), 0);
  Image boxes = blank;  // a few dark boxes: edges to see
  for (int b = 0; b < 6; ++b)
    for (int y = 40; y < 260; ++y)
      for (int x = 20 + 60 * b; x < 50 + 60 * b; ++x)
        for (int c = 0; c < 3; ++c) boxes.at(x, y, c) = 20;
  EXPECT_GT(DetailLevel(boxes), 50.0);
  // Sensor-like noise on a blank wall stays low.
  Image noisy = blank;
  uint32_t state = 1;
  for (auto& p : noisy.pixels) {
    state = state * 1664525u + 1013904223u;
    p = static_cast<uint8_t>(128 + static_cast<int>((state >> 24) % 21) - 10);
  }
  EXPECT_LT(DetailLevel(noisy), 5.0);
}

TEST(PreprocessTest, CropCentresTheObject) {
  const Image img = Scene(300, 100, 200, 10, 260, 90, 3);
  const Crop c = CropToObject(img, FindForeground(img), 64);
  EXPECT_EQ(c.rgb.width, 64);
  EXPECT_GT(c.mask.at(32, 32, 0), 200);
  EXPECT_EQ(c.mask.at(1, 32, 0), 0);   // the box is taller than wide: sides are background
  EXPECT_GT(c.rgb.at(1, 32, 0), 200);  // padded with the backdrop colour
}

TEST(PreprocessTest, CutInsideBoxMovesOneToThreeSidesIntoTheBox) {
  Foreground fg;
  fg.x0 = 20, fg.y0 = 30, fg.x1 = 120, fg.y1 = 80;  // the larger side is 100 pixels
  const int box[4] = {fg.x0, fg.y0, fg.x1, fg.y1};
  const int whole[4] = {0, 0, 160, 100};
  core::Rng rng(7);
  int moved_total = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::array<int, 4> w = CutInsideBox(fg, 160, 100, rng);
    int moved = 0;
    for (int e = 0; e < 4; ++e) {
      if (w[e] == whole[e]) continue;
      ++moved;
      const int in = e < 2 ? w[e] - box[e] : box[e] - w[e];
      EXPECT_GE(in, 2) << e;
      EXPECT_LE(in, 12) << e;
    }
    EXPECT_GE(moved, 1);
    EXPECT_LE(moved, 3);
    moved_total += moved;
  }
  EXPECT_GT(moved_total, 300);  // all three counts are drawn
  core::Rng a(3), b(3);
  EXPECT_EQ(CutInsideBox(fg, 160, 100, a), CutInsideBox(fg, 160, 100, b));
}

}  // namespace
}  // namespace img2cad::image
