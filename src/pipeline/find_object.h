// Finding the object in a photo: the pipeline step before any method (DESIGN §5b). Every method,
// and the training data of the learned ones, sees the object through this step only, so a photo
// differs from a render in appearance, never in framing.
//
// Today the mask comes from the alpha channel or a model of the border's colour
// (image/preprocess.h); the segmenter (issue 9) plugs in here.
#pragma once

#include <string>

#include "core/status.h"
#include "image/image.h"
#include "image/preprocess.h"

namespace img2cad::pipeline {

// The smallest photo side the pipeline accepts, pixels.
inline constexpr int kMinPhotoSide = 8;

class ObjectImage {
 public:
  ObjectImage(image::Image photo, image::Foreground foreground)
      : photo_(std::move(photo)), foreground_(std::move(foreground)) {}

  const image::Image& photo() const { return photo_; }
  // The object's mask and bounding box in photo pixels; found() is false when nothing usable was
  // found and the box is the whole photo.
  const image::Foreground& foreground() const { return foreground_; }

  // The object in a size x size square: RGB cropped around the box with a margin of 8% of its
  // larger side, padded with the border colour, and the matching mask. Deterministic.
  image::Crop Crop(int size) const;

 private:
  image::Image photo_;
  image::Foreground foreground_;
};

// Finds the object in a decoded photo (grey, RGB or RGBA, any size). Errors: kInvalidArgument
// naming `source` for a photo smaller than kMinPhotoSide on a side.
core::Result<ObjectImage> FindObject(image::Image photo, const std::string& source = "");

}  // namespace img2cad::pipeline
