// Internal to synth/: collects a piece's parts and finishes it into a canonical program.
#pragma once

#include <string>
#include <vector>

#include "core/rng.h"
#include "program/program.h"
#include "synth/generator.h"
#include "synth/shapes.h"

namespace img2cad::synth {

class Furniture {
 public:
  explicit Furniture(std::string category) { program_.category = std::move(category); }
  void Add(Part part) { program_.parts.push_back(std::move(part)); }
  Part& Last() { return program_.parts.back(); }
  // Centres the piece on its bounding box in x and y, stands it on z = 0, numbers instances by
  // the ordering rule and sets the symmetry label.
  Sample Finish(const std::string& style, program::Symmetry symmetry);

 private:
  program::Program program_;
};

Sample GenerateChair(core::Rng& rng);
Sample GenerateLoungeChair(core::Rng& rng);
Sample GenerateTable(core::Rng& rng);
Sample GenerateStorage(core::Rng& rng);

}  // namespace img2cad::synth
