#include "image/image.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/temp_dir.h"

namespace img2cad::image {
namespace {

Image Gradient(int w, int h, int c) {
  Image img(w, h, c);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k)
        img.at(x, y, k) = static_cast<uint8_t>((x * 7 + y * 3 + k * 50) % 256);
  return img;
}

TEST(ImageTest, PngRoundTripIsExact) {
  for (int c : {1, 3, 4}) {
    Image img = Gradient(17, 9, c);
    auto png = EncodePng(img);
    ASSERT_TRUE(png.ok());
    auto back = DecodeImage(*png);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->channels, c);
    EXPECT_EQ(back->pixels, img.pixels);
  }
}

TEST(ImageTest, JpegIsLossyButClose) {
  Image img = GaussianBlur(Gradient(64, 64, 3), 2);
  auto jpg = EncodeJpeg(img, 90);
  ASSERT_TRUE(jpg.ok());
  auto back = DecodeImage(*jpg);
  ASSERT_TRUE(back.ok());
  double err = 0;
  for (size_t i = 0; i < img.pixels.size(); ++i) err += std::abs(img.pixels[i] - back->pixels[i]);
  EXPECT_LT(err / img.pixels.size(), 4.0);
}

TEST(ImageTest, BrokenFilesAreRefusedWithTheirName) {
  auto r = DecodeImage(std::string("\x89PNG\r\n\x1a\nbroken", 14), "photo.png");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kParse);
  EXPECT_NE(r.status().ToString().find("photo.png: not a readable image"), std::string::npos);
  EXPECT_FALSE(DecodeImage("", "empty.jpg").ok());
  auto missing = ReadImage("/nonexistent.png");
  EXPECT_EQ(missing.status().code(), core::StatusCode::kNotFound);
}

TEST(ImageTest, HugeImagesAreRefusedBeforeDecoding) {
  core::TempDir tmp("image_test");
  const auto path = tmp.path() / "huge.png";
  ASSERT_TRUE(WritePng(path.string(), Gradient(300, 200, 3)).ok());
  auto r = ReadImage(path.string(), 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ReadImage(path.string()).ok());
}

TEST(ImageTest, ConvertResizeBlur) {
  Image rgb = Gradient(8, 8, 3);
  EXPECT_EQ(ConvertChannels(rgb, 4).at(3, 3, 3), 255);
  EXPECT_EQ(ConvertChannels(ConvertChannels(rgb, 1), 3).channels, 3);
  Image big = Resize(rgb, 16, 4);
  EXPECT_EQ(big.width, 16);
  EXPECT_EQ(big.height, 4);
  Image flat(10, 10, 1, 77);
  EXPECT_EQ(GaussianBlur(flat, 1.5).pixels, flat.pixels);
}

TEST(ImageTest, MirrorXFlipsColumnsAndTwiceIsTheSame) {
  Image img(3, 2, 2);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i);
  const Image m = MirrorX(img);
  EXPECT_EQ(m.at(0, 1, 1), img.at(2, 1, 1));
  EXPECT_EQ(m.at(1, 0, 0), img.at(1, 0, 0));
  EXPECT_NE(m.pixels, img.pixels);
  EXPECT_EQ(MirrorX(m).pixels, img.pixels);
}

TEST(ImageTest, WindowCopiesTheRectangleAndRefusesOneOutside) {
  Image img(4, 3, 2);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i);
  const Image w = Window(img, 1, 1, 2, 2);
  ASSERT_EQ(w.width, 2);
  ASSERT_EQ(w.height, 2);
  EXPECT_EQ(w.channels, 2);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      for (int c = 0; c < 2; ++c) EXPECT_EQ(w.at(x, y, c), img.at(x + 1, y + 1, c));
  EXPECT_EQ(Window(img, 0, 0, 4, 3).pixels, img.pixels);
  EXPECT_DEATH(Window(img, 3, 0, 2, 1), "window 2x1 at 3,0 of a 4x3 image");
}

}  // namespace
}  // namespace img2cad::image
