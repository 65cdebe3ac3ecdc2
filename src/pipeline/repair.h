// Making a decoded program build (issue 8 §3). Stage 2's numbers can describe sketches that cross
// themselves, cuts that empty a part or zero extents; rather than give up, the program is
// repaired where the validator or the kernel points, and every repair is recorded so that
// summary.json and the evaluation can count them.
//
// In order, until the program validates and builds (at most `max_rounds` rounds):
//  1. Always: distances and radii below 1 mm become 1 mm (their magnitude when negative), arc
//     sweeps are clamped into [1, 359] degrees, zero plane directions get a default, and an x
//     direction parallel to the normal is replaced by the world axis least aligned with it.
//  2. Validation errors in a loop: an arc whose end points coincide becomes a line; a loop that
//     crosses itself has its points re-ordered by angle about their centroid; a hole outside its
//     outer loop (or touching another) is dropped; an outer loop still broken becomes the
//     rectangle of its bounding box (a 10 mm square when that is degenerate).
//  3. Kernel errors: a failing cut or intersect is dropped; a join that leaves its part in
//     separate solids is moved along the world axes onto the features before it, then has its
//     sketch replaced by its bounding rectangle, then is dropped (the part stays); any other
//     failing feature has its sketch replaced by its bounding rectangle; a part still failing is
//     dropped (never the last).
// The structure can change (dropped features, holes, parts; arcs become lines); the record says
// where.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cad/model.h"
#include "core/status.h"
#include "program/program.h"

namespace img2cad::pipeline {

// Errors: the program cannot be made to build within `max_rounds` (>= 1; the last problem,
// placed).
// `repairs` receives one line per repair ("parts[2].features[1]: dropped the cut (...)").
// With `build` false, only validation errors are repaired (step 3 and the kernel are skipped):
// enough for what needs frames and bounds, at no building cost. With `build` true and `built`
// not null, the model the repaired program built into (default BuildOptions) is moved there, so
// that the caller need not build it again.
core::Result<program::Program> RepairProgram(program::Program program,
                                             std::vector<std::string>* repairs, int max_rounds = 24,
                                             bool build = true,
                                             std::optional<cad::Model>* built = nullptr);

}  // namespace img2cad::pipeline
