// Exact reflection symmetry for programs labelled `reflect_x` (issue 8 §2): stage 2 predicts
// each part on its own, so mirrored pairs come out slightly different and parts meant to sit on
// the mirror plane drift off it. EnforceReflectX makes them exact.
//
// The mirror is the plane x = 0 of the program frame (DESIGN §3). Per label:
//  - a part whose bounding-box centre lies within `tolerance` of the plane (a fraction of the
//    program's x extent) is moved along x onto it;
//  - the other parts are paired left (x < 0) to right greedily by the distance between one's
//    centre and the other's mirrored centre; each pair becomes exact mirror images: the average
//    of the left part and the mirror of the right one when their sketches correspond point by
//    point (same commands; line-only loops may start at another corner or run the other way;
//    corresponding points within a tenth of the sketch's size), else the left part mirrored
//    onto the right;
//  - parts left without a partner are left alone.
// Mirroring a feature negates x of its plane origin and normal, takes -M(x_dir) as the new x
// direction, negates the sketch u coordinates and flips each arc's direction.
#pragma once

#include <string>
#include <vector>

#include "program/program.h"

namespace img2cad::program {

// The part mirrored in the plane x = 0 (label and instance unchanged).
Part MirrorPart(const Part& part);

// Requires a validated program; returns it unchanged unless it is labelled reflect_x. `notes`
// (optional) receives one line per change ("leg 0 and leg 2 mirrored (averaged)").
Program EnforceReflectX(Program program, std::vector<std::string>* notes = nullptr,
                        double tolerance = 0.02);

}  // namespace img2cad::program
