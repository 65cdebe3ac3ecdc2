#include "image/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "core/file_io.h"

namespace img2cad::image {

namespace {

using core::Status;
using core::StatusCode;

void AppendBytes(void* context, void* data, int size) {
  auto* out = static_cast<std::string*>(context);
  out->append(static_cast<const char*>(data), static_cast<size_t>(size));
}

bool ValidForEncoding(const Image& img) {
  return img.width > 0 && img.height > 0 && img.channels >= 1 && img.channels <= 4 &&
         img.pixels.size() == static_cast<size_t>(img.width) * img.height * img.channels;
}

}  // namespace

core::Result<std::string> EncodePng(const Image& img) {
  if (!ValidForEncoding(img)) return Status(StatusCode::kInternal, "cannot encode an empty image");
  std::string out;
  if (!stbi_write_png_to_func(AppendBytes, &out, img.width, img.height, img.channels,
                              img.pixels.data(), img.width * img.channels)) {
    return Status(StatusCode::kInternal, "PNG encoding failed");
  }
  return out;
}

core::Result<std::string> EncodeJpeg(const Image& img, int quality) {
  if (!ValidForEncoding(img)) return Status(StatusCode::kInternal, "cannot encode an empty image");
  const Image src = img.channels == 4 ? ConvertChannels(img, 3) : img;
  std::string out;
  if (!stbi_write_jpg_to_func(AppendBytes, &out, src.width, src.height, src.channels,
                              src.pixels.data(), std::clamp(quality, 1, 100))) {
    return Status(StatusCode::kInternal, "JPEG encoding failed");
  }
  return out;
}

core::Result<Image> DecodeImage(const std::string& bytes, const std::string& source) {
  int w = 0, h = 0, c = 0;
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return Status(StatusCode::kParse, "image file too large", "", source);
  }
  stbi_uc* pixels = stbi_load_from_memory(data, static_cast<int>(bytes.size()), &w, &h, &c, 0);
  if (!pixels) {
    const char* why = stbi_failure_reason();
    return Status(StatusCode::kParse,
                  std::string("not a readable image: ") + (why ? why : "unknown reason"), "",
                  source);
  }
  Image img;
  img.width = w;
  img.height = h;
  img.channels = c;
  img.pixels.assign(pixels, pixels + static_cast<size_t>(w) * h * c);
  stbi_image_free(pixels);
  if (c == 2) img = ConvertChannels(img, 4);  // grey + alpha -> RGBA
  return img;
}

core::Result<Image> ReadImage(const std::string& path, int64_t max_pixels) {
  IMG2CAD_ASSIGN_OR_RETURN(std::string bytes, core::ReadFile(path));
  int w = 0, h = 0, c = 0;
  if (stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                            static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX)), &w, &h,
                            &c) &&
      static_cast<int64_t>(w) * h > max_pixels) {
    return Status(StatusCode::kInvalidArgument,
                  "image is " + std::to_string(w) + "x" + std::to_string(h) +
                      ", more pixels than the limit of " + std::to_string(max_pixels),
                  "", path);
  }
  return DecodeImage(bytes, path);
}

core::Status WritePng(const std::string& path, const Image& img) {
  auto png = EncodePng(img);
  if (!png.ok()) return png.status().WithFile(path);
  return core::WriteFileAtomic(path, *png);
}

Image ConvertChannels(const Image& img, int channels) {
  if (img.channels == channels) return img;
  Image out(img.width, img.height, channels);
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      uint8_t rgba[4];
      if (img.channels <= 2) {
        rgba[0] = rgba[1] = rgba[2] = img.at(x, y, 0);
        rgba[3] = img.channels == 2 ? img.at(x, y, 1) : 255;
      } else {
        for (int k = 0; k < 3; ++k) rgba[k] = img.at(x, y, k);
        rgba[3] = img.channels == 4 ? img.at(x, y, 3) : 255;
      }
      if (channels == 1) {
        out.at(x, y, 0) =
            static_cast<uint8_t>((299 * rgba[0] + 587 * rgba[1] + 114 * rgba[2]) / 1000);
      } else if (channels == 2) {
        out.at(x, y, 0) =
            static_cast<uint8_t>((299 * rgba[0] + 587 * rgba[1] + 114 * rgba[2]) / 1000);
        out.at(x, y, 1) = rgba[3];
      } else {
        for (int k = 0; k < channels; ++k) out.at(x, y, k) = rgba[k];
      }
    }
  }
  return out;
}

Image Resize(const Image& img, int w, int h) {
  IMG2CAD_CHECK(w > 0 && h > 0);
  Image out(w, h, img.channels);
  const double sx = static_cast<double>(img.width) / w, sy = static_cast<double>(img.height) / h;
  for (int y = 0; y < h; ++y) {
    const double fy = std::clamp((y + 0.5) * sy - 0.5, 0.0, img.height - 1.0);
    const int y0 = static_cast<int>(fy), y1 = std::min(y0 + 1, img.height - 1);
    const double ty = fy - y0;
    for (int x = 0; x < w; ++x) {
      const double fx = std::clamp((x + 0.5) * sx - 0.5, 0.0, img.width - 1.0);
      const int x0 = static_cast<int>(fx), x1 = std::min(x0 + 1, img.width - 1);
      const double tx = fx - x0;
      for (int c = 0; c < img.channels; ++c) {
        const double v = (1 - ty) * ((1 - tx) * img.at(x0, y0, c) + tx * img.at(x1, y0, c)) +
                         ty * ((1 - tx) * img.at(x0, y1, c) + tx * img.at(x1, y1, c));
        out.at(x, y, c) = static_cast<uint8_t>(std::lround(v));
      }
    }
  }
  return out;
}

Image MirrorX(const Image& img) {
  Image out(img.width, img.height, img.channels);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      for (int c = 0; c < img.channels; ++c) out.at(x, y, c) = img.at(img.width - 1 - x, y, c);
  return out;
}

Image Window(const Image& img, int x0, int y0, int width, int height) {
  IMG2CAD_CHECK(x0 >= 0 && y0 >= 0 && width >= 0 && height >= 0 && x0 + width <= img.width &&
                y0 + height <= img.height)
      << "window " << width << "x" << height << " at " << x0 << "," << y0 << " of a " << img.width
      << "x" << img.height << " image";
  Image out(width, height, img.channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < img.channels; ++c) out.at(x, y, c) = img.at(x + x0, y + y0, c);
  return out;
}

Image GaussianBlur(const Image& img, double sigma) {
  if (sigma <= 0 || img.empty()) return img;
  const int r = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
  std::vector<double> k(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (double& v : k) v /= sum;
  std::vector<double> tmp(img.pixels.size());
  const int w = img.width, h = img.height, ch = img.channels;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < ch; ++c) {
        double acc = 0;
        for (int i = -r; i <= r; ++i) acc += k[i + r] * img.at(std::clamp(x + i, 0, w - 1), y, c);
        tmp[(static_cast<size_t>(y) * w + x) * ch + c] = acc;
      }
    }
  }
  Image out(w, h, ch);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < ch; ++c) {
        double acc = 0;
        for (int i = -r; i <= r; ++i) {
          acc +=
              k[i + r] * tmp[(static_cast<size_t>(std::clamp(y + i, 0, h - 1)) * w + x) * ch + c];
        }
        out.at(x, y, c) = static_cast<uint8_t>(std::clamp(std::lround(acc), 0L, 255L));
      }
    }
  }
  return out;
}

}  // namespace img2cad::image
