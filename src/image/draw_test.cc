#include "image/draw.h"

#include <gtest/gtest.h>

namespace img2cad::image {
namespace {

int CountSet(const Image& img, uint8_t value) {
  int n = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) n += img.at(x, y, 0) == value;
  return n;
}

TEST(DrawTest, LineIncludesBothEndsAndEveryPixelBetween) {
  Image img(20, 20, 3, 0);
  DrawLine(img, 2, 5, 12, 5, {255, 10, 20});
  EXPECT_EQ(CountSet(img, 255), 11);
  EXPECT_EQ(img.at(2, 5, 1), 10);
  EXPECT_EQ(img.at(12, 5, 2), 20);
  DrawLine(img, 3, 3, 3, 3, {255, 0, 0});  // a point
  EXPECT_EQ(img.at(3, 3, 0), 255);
}

TEST(DrawTest, LineAndTextAreClippedToTheImage) {
  Image img(8, 8, 1, 0);
  DrawLine(img, -10, -10, 20, 20, {255, 0, 0});
  EXPECT_EQ(CountSet(img, 255), 8);  // the diagonal's part inside
  Image text(8, 8, 1, 0);
  DrawText(text, -3, -3, "88", {255, 0, 0}, 2);
  DrawText(text, 6, 6, "8", {255, 0, 0});
  EXPECT_GT(CountSet(text, 255), 0);
}

TEST(DrawTest, GlyphsAreDistinctAndLowerCaseIsUpperCase) {
  auto draw = [](std::string_view s) {
    Image img(TextWidth(s), TextHeight(), 1, 0);
    EXPECT_EQ(DrawText(img, 0, 0, s, {255, 255, 255}), TextWidth(s));
    return img.pixels;
  };
  EXPECT_EQ(draw("loss"), draw("LOSS"));
  EXPECT_NE(draw("0"), draw("8"));
  EXPECT_NE(draw("1"), draw("7"));
  EXPECT_EQ(draw("~"), draw("@"));  // both unknown: drawn as '?'
  EXPECT_NE(draw("~"), draw(" "));
  Image one(6, 7, 1, 0);
  DrawText(one, 0, 0, "1", {255, 0, 0});
  EXPECT_EQ(CountSet(one, 255), 10);  // the glyph's ten set bits
}

TEST(DrawTest, ScaleMultipliesTheSize) {
  EXPECT_EQ(TextWidth("abc"), 18);
  EXPECT_EQ(TextWidth("abc", 3), 54);
  EXPECT_EQ(TextHeight(2), 14);
  EXPECT_EQ(TextWidth("x", 0), TextWidth("x"));
  Image small(6, 7, 1, 0), big(12, 14, 1, 0);
  DrawText(small, 0, 0, "1", {255, 0, 0});
  DrawText(big, 0, 0, "1", {255, 0, 0}, 2);
  EXPECT_EQ(CountSet(big, 255), 4 * CountSet(small, 255));
}

}  // namespace
}  // namespace img2cad::image
