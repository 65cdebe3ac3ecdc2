// Semantic and geometric validation of a parsed program, without a CAD kernel.
//
// Checks, each reported with its JSON place (e.g. "parts[3].features[0].sketch.loops[1][2]"):
//  - the category is known and every label is in its vocabulary (program/vocabulary.h);
//  - instances of each label are exactly 0, 1, ..., n-1;
//  - every part has features, and its first feature is new_body;
//  - plane directions are non-zero and not parallel;
//  - loops: a circle stands alone; a chain has at least two curves; no zero-length line; arc
//    sweeps in (0, 360) with distinct end points; radii > 0; no loop crosses or touches itself;
//    no loop has zero area; every hole lies inside the outer loop and apart from other holes;
//  - extrude distances (and distance2 for two_sided) are > 0.
// cad/ repeats the geometric checks with OpenCASCADE as a second line of defence.
#pragma once

#include <vector>

#include "core/status.h"
#include "program/program.h"

namespace img2cad::program {

// All problems found, in document order, at most `max_errors`. Empty means valid.
std::vector<core::Status> ValidateProgram(const Program& program, size_t max_errors = 50);

// The first problem, or OK.
core::Status Validate(const Program& program);

// Validation of one sketch on its own; places are relative to the sketch ("loops[1][2]").
core::Status ValidateSketch(const Sketch& sketch);

}  // namespace img2cad::program
