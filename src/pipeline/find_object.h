// Finding the object in a photo: the pipeline step before any method (DESIGN §5b). Every method,
// and the training data of the learned ones, sees the object through this step only, so a photo
// differs from a render in appearance, never in framing.
//
// The mask comes, in order of precedence, from a mask the user gave, the photo's alpha channel,
// or the chosen segmenter: ISNet (segment/segmenter.h), a model of the border's colour
// (image/preprocess.h), or none (the whole photo).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"
#include "image/preprocess.h"

namespace img2cad::segment {
class Segmenter;
}
namespace img2cad::nn {
class MaskRefiner;
}

namespace img2cad::pipeline {

// The smallest photo side the pipeline accepts, pixels.
inline constexpr int kMinPhotoSide = 8;

// How the object is found when neither a given mask nor an alpha channel says it.
enum class SegmenterKind { kBorder, kIsnet, kNone };
const char* SegmenterName(SegmenterKind kind);  // "border", "isnet", "none"
bool ParseSegmenter(const std::string& name, SegmenterKind* out);

struct FindObjectOptions {
  SegmenterKind segmenter = SegmenterKind::kBorder;
  const segment::Segmenter* isnet = nullptr;  // required for kIsnet
  // The network's input side (a multiple of segment::Segmenter::kSizeMultiple); 0 picks
  // AutoIsnetSize for each photo.
  int isnet_size = 0;
  const image::Image* mask = nullptr;  // a given mask (> 127 = object): wins over all
  // Paint the photo outside the found mask a flat grey (kPlainBackdrop), so that the methods see
  // the object on a studio-like backdrop as in the renders; nothing changes when no object was
  // found. A test-time alternative to training on cluttered backdrops (issue 10).
  bool plain_backdrop = false;
  // When ISNet's mask is faint (its mean probability over its own pixels below kIsnetFaintMean),
  // run it again on the photo with its edges extended by kIsnetPadShare on every side, and keep
  // whichever mask ISNet is surer of. A photo cut tight around a bookcase or a table defeats a
  // salient-object segmenter (issue 9); with room around the object it often finds it.
  bool isnet_pad_retry = false;
  // A trained mask refiner (nn/mask_refiner.h) that corrects ISNet's map before it is binarised:
  // ISNet takes in an object's cast shadow and what stands beside it, which moves the crop. Only a
  // map whose own mask is found (image::Foreground::found: neither almost empty nor almost the
  // whole photo) is refined. None: ISNet's map as it is.
  const nn::MaskRefiner* refiner = nullptr;
};

// The share of the photo's width (and height) added on each side for the padded retry, by
// repeating the edge pixels.
inline constexpr double kIsnetPadShare = 0.2;
// ISNet's mean probability (0-1) over the pixels of its binarised mask below which the mask is
// faint: on the IKEA dev photos about a third of the masks, among them most tight bookcases.
inline constexpr double kIsnetFaintMean = 0.5;

// The mean of `probability` (1 channel, 0-255) over the pixels of `mask` (255 = object), 0-1;
// 0 for an empty mask.
double MeanInMask(const image::Image& probability, const image::Image& mask);

// ISNet's probability map of a photo as FindObject reads it (options.isnet is required; its
// input side and the padded retry come from `options`).
struct IsnetMap {
  image::Image probability;  // 1 channel, 0-255, the photo's size
  image::Image mask;         // segment::Binarise(probability): what FindObject takes
  double mean = 0;           // MeanInMask(probability, mask)
  double first_mean = 0;     // the same for the first pass, before any retry
  bool padded = false;       // the map is the padded retry's (its mean beat the first pass's)
};
// Errors: the segmenter's (kInvalidArgument, kInternal).
core::Result<IsnetMap> SegmentWithIsnet(const image::Image& photo,
                                        const FindObjectOptions& options);

// ISNet's input side for a photo of width x height pixels: 1.5 times its longer side, rounded up
// to a multiple of 64, within [192, 320]. Upsampling a small photo further only blurs it: on 300
// val renders (128²) the boxes of the masks at 192² were within IoU 0.8 of the renderer's 252
// times against 247 at 320², and the learned pipeline's CD paper was 0.107 against 0.112.
// Photos of 214 pixels or more keep 320² (about 0.3 s on 2 cores; 512² boxes were better still,
// but took 0.8 s).
int AutoIsnetSize(int width, int height);

// The grey (0-255, all three channels) of plain_backdrop.
inline constexpr int kPlainBackdrop = 200;

class ObjectImage {
 public:
  ObjectImage(image::Image photo, image::Foreground foreground, std::string mask_source = "border")
      : photo_(std::move(photo)),
        foreground_(std::move(foreground)),
        mask_source_(std::move(mask_source)) {}

  const image::Image& photo() const { return photo_; }
  // The object's mask and bounding box in photo pixels; found() is false when nothing usable was
  // found and the box is the whole photo.
  const image::Foreground& foreground() const { return foreground_; }

  // The object in a size x size square: RGB cropped around the box with a margin of 8% of its
  // larger side, padded with the border colour, and the matching mask. Deterministic.
  image::Crop Crop(int size) const;

  // Where the mask came from: "mask" (given), "alpha", "isnet", "border" or "none" ("border"
  // too when ISNet's mask was a miss, IsnetMaskIsAMiss).
  const std::string& mask_source() const { return mask_source_; }

  // ISNet's mask came from the padded retry (FindObjectOptions::isnet_pad_retry).
  bool isnet_padded() const { return isnet_padded_; }
  void set_isnet_padded(bool padded) { isnet_padded_ = padded; }

 private:
  image::Image photo_;
  image::Foreground foreground_;
  std::string mask_source_;
  bool isnet_padded_ = false;
};

// Below this share of the photo's pixels an ISNet mask is taken as a miss rather than the
// object: on 300 val renders, every ISNet mask under it was a blob (a shadow, a handle) on an
// object covering 17-35% of the frame, and the border model's box overlapped the object better.
inline constexpr double kIsnetMinArea = 0.04;

// Whether FindObject's isnet choice hands over to the border model: ISNet found a region (neither
// empty nor the whole photo) covering under kIsnetMinArea of the photo, and the border model
// found a larger one.
bool IsnetMaskIsAMiss(const image::Foreground& isnet, const image::Foreground& border);

// ISNet's encoder features (segment::Segmenter::EncoderFeatures) of the object's crop at
// crop_size (a multiple of 64): what the category probe reads, from renders when it trains and
// from photos in `predict`. Errors: the segmenter's.
core::Result<std::vector<float>> CropFeatures(const ObjectImage& object,
                                              const segment::Segmenter& isnet, int crop_size);

// Finds the object in a decoded photo (grey, RGB or RGBA, any size). Errors: kInvalidArgument
// naming `source` for a photo smaller than kMinPhotoSide on a side; the segmenter's own error
// (kInternal) for kIsnet.
core::Result<ObjectImage> FindObject(image::Image photo, const std::string& source = "",
                                     const FindObjectOptions& options = {});

}  // namespace img2cad::pipeline
