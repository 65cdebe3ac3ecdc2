#include "pipeline/find_object.h"

#include <algorithm>

#include "core/check.h"
#include "image/clutter.h"
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

namespace {

// The found object with the rest of the photo painted kPlainBackdrop grey. The mask edge is
// softened by a pixel so the object does not get a cut-out outline.
ObjectImage OnPlainBackdrop(ObjectImage object) {
  if (!object.foreground().found) return object;
  const image::Image rgb = image::ConvertChannels(object.photo(), 3);
  const image::Image back(rgb.width, rgb.height, 3, kPlainBackdrop);
  image::Image painted =
      image::CompositeOver(rgb, image::GaussianBlur(object.foreground().mask, 1.0), back);
  return ObjectImage(std::move(painted), object.foreground(), object.mask_source());
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
    const int size = o.isnet_size > 0 ? o.isnet_size : AutoIsnetSize(photo.width, photo.height);
    auto prob = o.isnet->Mask(photo, size);
    if (!prob.ok()) return prob.status().WithFile(source);
    image::Foreground isnet_fg =
        image::ForegroundFromMask(segment::Binarise(*prob), photo.width, photo.height);
    if (IsnetMaskIsAMiss(isnet_fg, fg))
      return ObjectImage(std::move(photo), std::move(fg), "border");
    return ObjectImage(std::move(photo), std::move(isnet_fg), "isnet");
  }
  if (o.segmenter == SegmenterKind::kNone) {
    fg = image::ForegroundFromMask(image::Image(photo.width, photo.height, 1, 255), photo.width,
                                   photo.height);
    return ObjectImage(std::move(photo), std::move(fg), "none");
  }
  return ObjectImage(std::move(photo), std::move(fg), "border");
}

}  // namespace

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
