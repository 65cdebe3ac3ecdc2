// Drawing renders from a synthetic dataset for the trainers that read photos the way `predict`
// does (the category probe, the mask refiner). Internal to pipeline/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::pipeline {

struct DrawnRender {
  std::string id, image, mask;  // the manifest id and the paths of the render and its mask
  int category = 0;             // index into program::Categories()
};

// `per_category` renders of each category of the dataset in `dir`, drawn with `seed` (a function
// of the seed and the manifest only), in category order. Errors: the manifest's (kNotFound,
// kParse); kInvalidArgument for a dataset without masks (synth --maps) or with fewer renders of a
// category than asked.
core::Result<std::vector<DrawnRender>> DrawRenders(const std::string& dir, int per_category,
                                                   uint64_t seed);

}  // namespace img2cad::pipeline
