// Procedural furniture: seed -> a semantic sketch-and-extrude program (DESIGN §2-4).
//
//   IMG2CAD_ASSIGN_OR_RETURN(synth::Sample s, synth::Generate("chair", seed));
//   // s.program: labelled parts, real dimensions in mm, instances in the ordering rule
//
// Every style draws its dimensions from real furniture ranges (seat height 400-480 mm, dining
// table height 680-760 mm, ...), sets the symmetry label, and places parts so they touch: no part
// floats. The same (category, seed) always gives the same program.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "program/program.h"

namespace img2cad::synth {

struct Sample {
  program::Program program;
  std::string style;  // e.g. "four_leg", "swivel", "chest"
};

// Styles outside the default mix, drawn on request (e.g. to measure what a style adds).
struct GenerateOptions {
  // Share (0-1) of chairs drawn as lounge chairs (style "lounge": bent-wood side frames under one
  // reclined cushion, like the IKEA POANG). The draw has its own stream, so a chair that is not
  // made a lounge chair is exactly the default one of its seed, and 0 gives the default programs.
  double lounge = 0;
};

// Errors: kInvalidArgument for an unknown category.
core::Result<Sample> Generate(const std::string& category, uint64_t seed,
                              const GenerateOptions& options = {});

// The style names a category's generator draws from, in a fixed order.
const std::vector<std::string>& StylesOf(const std::string& category);

}  // namespace img2cad::synth
