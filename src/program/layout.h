// Fronts that do not overlap (issue 8 §3): stage 2 places every door and drawer on its own, and
// on about a third of the storage pieces of the synthetic test split two of its fronts cover part
// of the same opening (even with the true structure). Real doors and drawers tile their openings,
// and a CAD model whose drawer fronts pass through each other is not one a person can keep
// editing. SeparateFronts moves the shared edge of every such pair to the middle of their overlap.
//
// Fronts are the parts labelled `door` or `drawer` (any category). A front's box is the bounds of
// its first feature (its panel; a drawer's body is a later join). Two fronts overlap when their
// boxes overlap in all three axes (x and z across the front, which faces -y, and y, so that a
// front at the back of a table is never cut against one at the front) by more than 1 mm. They are
// then separated along x or z, whichever overlap is the smaller share of the narrower front
// there: the left or lower front ends, and the other starts, at the middle of the overlap. Rounds
// repeat until no pair overlaps (at most 10).
//
// Each moved front is mapped from its old box onto its new one, scaling and shifting x and z: the
// points of every feature's sketches, the plane origins and the extrusion distances along them
// (a panel 400 mm wide that loses 50 mm keeps its thickness and depth; arcs keep their sweeps
// and circles their radii). Handles go with their front: a `handle` whose box centre lies on a
// moved front's old box (in x and z) is shifted as that front moved its centre's point.
#pragma once

#include <string>
#include <vector>

#include "program/program.h"

namespace img2cad::program {

// Requires a validated program (frames and bounds). Returns it with no two fronts overlapping,
// otherwise unchanged; `notes` (optional) receives one line per separated pair
// ("drawer 0 and drawer 3 separated along x at 12.5 mm").
Program SeparateFronts(Program program, std::vector<std::string>* notes = nullptr);

// The program stretched by `scale[k]` (> 0) along axis k about the origin (the floor and the
// mirror plane x = 0 stay where they are). Exact for parts whose sketch planes lie along the
// axes (nearly all furniture): sketch points and plane origins follow the map, extrusion lengths
// stretch as the plane's normal does, and arcs keep their sweeps. A circle cannot become an
// ellipse, so its radius takes the geometric mean of its plane's two stretches; a tilted plane
// keeps its directions. Requires a validated program.
Program ScaleProgram(Program program, const Vec3& scale);

}  // namespace img2cad::program
