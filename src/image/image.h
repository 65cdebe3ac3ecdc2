// 8-bit images and their files (PNG, JPEG) for the renderer, the dataset writer and the
// photo inputs of `predict`. stb does the encoding and decoding and stays private to this module.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::image {

// Row-major, interleaved channels (1 grey, 3 RGB, 4 RGBA), top row first.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;  // width * height * channels

  Image() = default;
  Image(int w, int h, int c, uint8_t fill = 0)
      : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c, fill) {}
  bool empty() const { return pixels.empty(); }
  uint8_t& at(int x, int y, int c) {
    return pixels[(static_cast<size_t>(y) * width + x) * channels + c];
  }
  uint8_t at(int x, int y, int c) const {
    return pixels[(static_cast<size_t>(y) * width + x) * channels + c];
  }
};

// Encodes as PNG. Errors: kInternal for an empty image or a bad channel count.
core::Result<std::string> EncodePng(const Image& img);
// Encodes as JPEG with quality 1..100 (1, 3 channels; 4 drops alpha).
core::Result<std::string> EncodeJpeg(const Image& img, int quality);

// Decodes PNG or JPEG bytes (also BMP, TGA, GIF's first frame), keeping the file's channel
// count. Errors: kParse naming `source` and the decoder's reason ("corrupt JPEG data", ...).
core::Result<Image> DecodeImage(const std::string& bytes, const std::string& source = "");

// Reads an image file. Errors: kNotFound, kIo, kParse, naming the file. Images over
// `max_pixels` are refused (kInvalidArgument) rather than allocating gigabytes.
core::Result<Image> ReadImage(const std::string& path, int64_t max_pixels = 100'000'000);

// Writes PNG through a temporary file and a rename (core::WriteFileAtomic).
core::Status WritePng(const std::string& path, const Image& img);

// The image with `channels` channels: grey is replicated, alpha dropped or set to 255.
Image ConvertChannels(const Image& img, int channels);

// Bilinear resize to w x h.
Image Resize(const Image& img, int w, int h);

// The image mirrored left to right.
Image MirrorX(const Image& img);

// The width x height window of `img` whose top-left pixel is (x0, y0); the window must lie
// inside the image (checked).
Image Window(const Image& img, int x0, int y0, int width, int height);

// Separable Gaussian blur with standard deviation `sigma` pixels (no-op for sigma <= 0).
Image GaussianBlur(const Image& img, double sigma);

}  // namespace img2cad::image
