#include <utility>

#include "core/rng.h"
#include "dataset/manifest.h"
#include "pipeline/drawn_renders_internal.h"
#include "program/vocabulary.h"

namespace img2cad::pipeline {

core::Result<std::vector<DrawnRender>> DrawRenders(const std::string& dir, int per_category,
                                                   uint64_t seed) {
  IMG2CAD_ASSIGN_OR_RETURN(auto entries, dataset::ReadManifest(dir));
  const auto& categories = program::Categories();
  std::vector<DrawnRender> out;
  for (size_t c = 0; c < categories.size(); ++c) {
    std::vector<DrawnRender> all;
    for (const auto& e : entries) {
      if (e.category != categories[c]) continue;
      if (!e.maps) {
        return core::Status(core::StatusCode::kInvalidArgument,
                            "the dataset has no masks (synth --maps)", "", dir);
      }
      all.push_back({e.id, e.image_path, e.maps->mask, static_cast<int>(c)});
    }
    if (static_cast<int>(all.size()) < per_category) {
      return core::Status(
          core::StatusCode::kInvalidArgument,
          "fewer than " + std::to_string(per_category) + " " + categories[c] + " renders", "", dir);
    }
    core::Rng rng(core::MixSeed(seed, c));
    for (int i = 0; i < per_category; ++i) {  // a partial Fisher-Yates shuffle
      std::swap(all[i], all[rng.UniformInt(i, static_cast<int>(all.size()) - 1)]);
      out.push_back(all[i]);
    }
  }
  return out;
}

}  // namespace img2cad::pipeline
