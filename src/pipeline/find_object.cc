#include "pipeline/find_object.h"

namespace img2cad::pipeline {

image::Crop ObjectImage::Crop(int size) const {
  return image::CropToObject(photo_, foreground_, size);
}

core::Result<ObjectImage> FindObject(image::Image photo, const std::string& source) {
  if (photo.width < kMinPhotoSide || photo.height < kMinPhotoSide) {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "image is " + std::to_string(photo.width) + "x" +
                            std::to_string(photo.height) + "; at least " +
                            std::to_string(kMinPhotoSide) + "x" + std::to_string(kMinPhotoSide) +
                            " pixels are needed",
                        "", source);
  }
  image::Foreground fg = image::FindForeground(photo);
  return ObjectImage(std::move(photo), std::move(fg));
}

}  // namespace img2cad::pipeline
