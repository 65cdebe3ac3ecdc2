#include "synth/generator.h"

#include <algorithm>
#include <limits>

#include "core/rng.h"
#include "program/sketch_geometry.h"
#include "program/vocabulary.h"
#include "synth/furniture.h"

namespace img2cad::synth {

Sample Furniture::Finish(const std::string& style, program::Symmetry symmetry) {
  const double inf = std::numeric_limits<double>::infinity();
  program::Vec3 lo{inf, inf, inf}, hi{-inf, -inf, -inf};
  for (const Part& p : program_.parts) {
    const auto b = program::ApproxPartBounds(p);
    for (int k = 0; k < 3; ++k)
      lo[k] = std::min(lo[k], b.min[k]), hi[k] = std::max(hi[k], b.max[k]);
  }
  const program::Vec3 shift{-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, -lo[2]};
  std::vector<program::Bounds3> bounds;
  for (Part& p : program_.parts) {
    for (auto& f : p.features) {
      for (int k = 0; k < 3; ++k) f.sketch.plane.origin[k] += shift[k];
    }
    bounds.push_back(program::ApproxPartBounds(p));
  }
  program::AssignInstances(bounds, &program_);
  program_.symmetry = symmetry;
  return Sample{program_, style};
}

core::Result<Sample> Generate(const std::string& category, uint64_t seed,
                              const GenerateOptions& options) {
  // A fixed stream per category (std::hash differs between standard libraries).
  const auto rng_for = [&](uint64_t stream) { return core::Rng(core::MixSeed(seed, stream)); };
  if (category == "chair") {
    core::Rng rng = rng_for(1);
    if (options.lounge > 0 && rng_for(0x10c9e).Bernoulli(options.lounge)) {
      return GenerateLoungeChair(rng);
    }
    return GenerateChair(rng);
  }
  if (category == "table") {
    core::Rng rng = rng_for(2);
    return GenerateTable(rng);
  }
  if (category == "storage") {
    core::Rng rng = rng_for(3);
    return GenerateStorage(rng);
  }
  return core::Status(core::StatusCode::kInvalidArgument,
                      "unknown category '" + category + "' (known: chair, table, storage)");
}

const std::vector<std::string>& StylesOf(const std::string& category) {
  static const std::vector<std::string> kChair = {"four_leg",   "swivel",   "stool", "bar_stool",
                                                  "cantilever", "armchair", "lounge"};
  static const std::vector<std::string> kTable = {"four_leg", "pedestal", "trestle", "desk"};
  static const std::vector<std::string> kStorage = {"cabinet",   "chest",    "bookshelf",
                                                    "sideboard", "wardrobe", "tv_bench"};
  static const std::vector<std::string> kNone;
  if (category == "chair") return kChair;
  if (category == "table") return kTable;
  if (category == "storage") return kStorage;
  return kNone;
}

}  // namespace img2cad::synth
