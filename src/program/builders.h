// Small constructors for common sketch pieces, used by the generators, tests and benchmarks.
// Units: mm. Loops are counter-clockwise in (u, v) unless said otherwise.
#pragma once

#include "program/program.h"

namespace img2cad::program {

// Axis-aligned rectangle [u0, u1] x [v0, v1] as four lines.
Loop RectLoop(double u0, double v0, double u1, double v1);

// Rectangle with all four corners rounded by `radius` (0 < radius < half the shorter side):
// four lines and four 90-degree arcs.
Loop RoundedRectLoop(double u0, double v0, double u1, double v1, double radius);

// A circle loop.
Loop CircleLoop(double cu, double cv, double radius);

// Closed polygon through `points` (at least three, in order).
Loop PolygonLoop(const std::vector<Vec2>& points);

// Sketch planes with the usual orientations. Horizontal: u = +x, v = +y, normal +z, at height z.
Plane HorizontalPlane(double z);
// Front plane (normal -y): u = +x, v = +z, at y.
Plane FrontPlane(double y);
// Side plane (normal +x): u = +y, v = +z, at x.
Plane SidePlane(double x);

// One feature: the sketch of `loops` on `plane`, extruded.
Feature MakeFeature(const Plane& plane, std::vector<Loop> loops, Extent extent, double distance,
                    Operation op = Operation::kNewBody, double distance2 = 0);

// A box part [x0, x1] x [y0, y1] x [z0, z1] as one horizontal one_sided extrude.
Part BoxPart(const std::string& label, int instance, const Vec3& min, const Vec3& max);

}  // namespace img2cad::program
