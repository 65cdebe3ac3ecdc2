#include "pipeline/find_object.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/check.h"
#include "image/clutter.h"
#include "nn/mask_refiner.h"
#include "segment/segmenter.h"

namespace img2cad::pipeline {

image::Crop ObjectImage::Crop(int size) const {
  return image::CropToObject(photo_, foreground_, size);
}

int AutoIsnetSize(int width, int height) {
  constexpr int kStep = segment::Segmenter::kSizeMultiple, kMin = 192, kMax = 320;
  const int wanted = (3 * std::max(width, height) + 1) / 2;
  return std::clamp((wanted + kStep - 1) / kStep * kStep, kMin, kMax);
}

const char* SegmenterName(SegmenterKind kind) {
  switch (kind) {
    case SegmenterKind::kIsnet:
      return "isnet";
    case SegmenterKind::kNone:
      return "none";
    case SegmenterKind::kBorder:
      break;
  }
  return "border";
}

bool ParseSegmenter(const std::string& name, SegmenterKind* out) {
  for (SegmenterKind k : {SegmenterKind::kBorder, SegmenterKind::kIsnet, SegmenterKind::kNone})
    if (name == SegmenterName(k)) return *out = k, true;
  return false;
}

bool IsnetMaskIsAMiss(const image::Foreground& isnet, const image::Foreground& border) {
  // A mask that is empty or fills the photo is not a miss of this kind: FindObject's caller
  // decides about those (no_object), as without the border model.
  if (!isnet.found || !border.found) return false;
  return isnet.area_share < kIsnetMinArea && border.area_share > isnet.area_share;
}

double MeanInMask(const image::Image& probability, const image::Image& mask) {
  IMG2CAD_CHECK_EQ(probability.pixels.size(), mask.pixels.size());
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < mask.pixels.size(); ++i)
    if (mask.pixels[i] > 127) sum += probability.pixels[i], ++n;
  return n ? sum / n / 255 : 0;
}

namespace {

// `img` with `dx` columns and `dy` rows added on each side, repeating the edge pixels.
image::Image PadEdges(const image::Image& img, int dx, int dy) {
  image::Image out(img.width + 2 * dx, img.height + 2 * dy, img.channels);
  for (int y = 0; y < out.height; ++y) {
    const int sy = std::clamp(y - dy, 0, img.height - 1);
    for (int x = 0; x < out.width; ++x) {
      const int sx = std::clamp(x - dx, 0, img.width - 1);
      for (int c = 0; c < img.channels; ++c) out.at(x, y, c) = img.at(sx, sy, c);
    }
  }
  return out;
}

// The found object with the rest of the photo painted kPlainBackdrop grey. The mask edge is
// softened by a pixel so the object does not get a cut-out outline.
ObjectImage OnPlainBackdrop(ObjectImage object) {
  if (!object.foreground().found) return object;
  const image::Image rgb = image::ConvertChannels(object.photo(), 3);
  const image::Image back(rgb.width, rgb.height, 3, kPlainBackdrop);
  image::Image painted =
      image::CompositeOver(rgb, image::GaussianBlur(object.foreground().mask, 1.0), back);
  ObjectImage out(std::move(painted), object.foreground(), object.mask_source());
  out.set_isnet_padded(object.isnet_padded());
  return out;
}

core::Result<ObjectImage> Find(image::Image photo, const std::string& source,
                               const FindObjectOptions& o) {
  if (photo.width < kMinPhotoSide || photo.height < kMinPhotoSide) {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "image is " + std::to_string(photo.width) + "x" +
                            std::to_string(photo.height) + "; at least " +
                            std::to_string(kMinPhotoSide) + "x" + std::to_string(kMinPhotoSide) +
                            " pixels are needed",
                        "", source);
  }
  if (o.mask) {
    image::Foreground fg = image::ForegroundFromMask(*o.mask, photo.width, photo.height);
    return ObjectImage(std::move(photo), std::move(fg), "mask");
  }
  // The border model reads the alpha channel first; so does every other choice.
  image::Foreground fg = image::FindForeground(photo);
  if (fg.from_alpha) return ObjectImage(std::move(photo), std::move(fg), "alpha");
  if (o.segmenter == SegmenterKind::kIsnet) {
    IMG2CAD_CHECK(o.isnet != nullptr) << "kIsnet needs a segmenter";
    auto map = SegmentWithIsnet(photo, o);
    if (!map.ok()) return map.status().WithFile(source);
    image::Foreground isnet_fg = image::ForegroundFromMask(map->mask, photo.width, photo.height);
    if (IsnetMaskIsAMiss(isnet_fg, fg))
      return ObjectImage(std::move(photo), std::move(fg), "border");
    ObjectImage object(std::move(photo), std::move(isnet_fg), "isnet");
    object.set_isnet_padded(map->padded);
    return object;
  }
  if (o.segmenter == SegmenterKind::kNone) {
    fg = image::ForegroundFromMask(image::Image(photo.width, photo.height, 1, 255), photo.width,
                                   photo.height);
    return ObjectImage(std::move(photo), std::move(fg), "none");
  }
  return ObjectImage(std::move(photo), std::move(fg), "border");
}

}  // namespace

core::Result<IsnetMap> SegmentWithIsnet(const image::Image& photo, const FindObjectOptions& o) {
  IMG2CAD_CHECK(o.isnet != nullptr) << "SegmentWithIsnet needs a segmenter";
  const int size = o.isnet_size > 0 ? o.isnet_size : AutoIsnetSize(photo.width, photo.height);
  auto read = [&](const image::Image& img, int side) -> core::Result<image::Image> {
    IMG2CAD_ASSIGN_OR_RETURN(image::Image probability, o.isnet->Mask(img, side));
    if (!o.refiner) return probability;
    // Where ISNet finds no object, or only one that fills the photo, there is nothing to
    // correct: the refiner learnt from renders that always hold an object, and on a blank photo
    // it drew one.
    const image::Foreground isnet = image::ForegroundFromMask(
        segment::Binarise(probability), probability.width, probability.height);
    if (!isnet.found) return probability;
    return o.refiner->Refine(img, probability);
  };
  IsnetMap map;
  IMG2CAD_ASSIGN_OR_RETURN(map.probability, read(photo, size));
  map.mask = segment::Binarise(map.probability);
  map.mean = map.first_mean = MeanInMask(map.probability, map.mask);
  if (!o.isnet_pad_retry || map.first_mean >= kIsnetFaintMean) return map;
  // The edges are repeated rather than painted flat: with a flat frame ISNet takes the whole
  // photo for the object (on the IKEA dev photos, nearly every padded mask filled the photo).
  const int dx = static_cast<int>(std::lround(kIsnetPadShare * photo.width));
  const int dy = static_cast<int>(std::lround(kIsnetPadShare * photo.height));
  const image::Image padded = PadEdges(photo, dx, dy);
  const int padded_size =
      o.isnet_size > 0 ? o.isnet_size : AutoIsnetSize(padded.width, padded.height);
  IMG2CAD_ASSIGN_OR_RETURN(image::Image wide, read(padded, padded_size));
  image::Image retry = image::Window(wide, dx, dy, photo.width, photo.height);
  image::Image retry_mask = segment::Binarise(retry);
  const double retry_mean = MeanInMask(retry, retry_mask);
  if (retry_mean > map.first_mean) {
    map.probability = std::move(retry);
    map.mask = std::move(retry_mask);
    map.mean = retry_mean;
    map.padded = true;
  }
  return map;
}

core::Result<ObjectImage> FindObject(image::Image photo, const std::string& source,
                                     const FindObjectOptions& o) {
  IMG2CAD_ASSIGN_OR_RETURN(ObjectImage object, Find(std::move(photo), source, o));
  if (o.plain_backdrop) return OnPlainBackdrop(std::move(object));
  return object;
}

core::Result<std::vector<float>> CropFeatures(const ObjectImage& object,
                                              const segment::Segmenter& isnet, int crop_size) {
  return isnet.EncoderFeatures(object.Crop(crop_size).rgb, crop_size);
}

}  // namespace img2cad::pipeline
