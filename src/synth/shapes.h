// Furniture-sized building blocks for the generators: each returns a Part (or a Loop) in the
// program frame (mm; x across, y from front (-y) to back, z up). Internal to synth/.
#pragma once

#include <string>
#include <vector>

#include "program/builders.h"
#include "program/program.h"

namespace img2cad::synth {

using program::Loop;
using program::Part;
using program::Vec2;

// An axis-aligned box.
Part Box(const std::string& label, double x0, double y0, double z0, double x1, double y1,
         double z1);
// A vertical cylinder.
Part VCylinder(const std::string& label, double cx, double cy, double z0, double z1, double r);
// A horizontal round rod along x from x0 to x1 at (y, z).
Part RodX(const std::string& label, double x0, double x1, double y, double z, double r);
// A horizontal round rod along y from y0 to y1 at (x, z).
Part RodY(const std::string& label, double y0, double y1, double x, double z, double r);
// A square leg tapering from `bottom_w` at z0 to `top_w` at z1, made as the intersection of two
// trapezoid prisms (front and side view).
Part TaperedLeg(const std::string& label, double cx, double cy, double z0, double z1, double top_w,
                double bottom_w);
// A profile drawn on the side plane (u = y, v = z) at x = x_center, extruded `half_t` to each side.
Part SideProfile(const std::string& label, double x_center, double half_t, const Loop& loop_yz);
// A profile drawn on the front plane (u = x, v = z) at y = y_center, extruded `half_t` each side.
Part FrontProfile(const std::string& label, double y_center, double half_t, const Loop& loop_xz);
// A horizontal slab: `loop_xy` at height z0 extruded up by `t`.
Part Slab(const std::string& label, double z0, double t, std::vector<Loop> loops_xy);

// A closed outline around an open path of at least two points: the path thickened to `t`, with
// mitred corners (the bent tube of a cantilever chair, drawn in a plane).
Loop ThickPath(const std::vector<Vec2>& path, double t);
// A stadium (slot) centred at (cu, cv), `length` along u overall and `width` across: two lines
// and two half circles.
Loop SlotLoop(double cu, double cv, double length, double width);
// The same slot standing upright: `length` along v.
Loop VSlotLoop(double cu, double cv, double length, double width);
// A rectangle [u0, u1] x [v0, v1] whose top edge is an arc bulging up by `rise`.
Loop ArchedRect(double u0, double v0, double u1, double v1, double rise);
// An annular sector in the plane: radii r_in < r_out around (cu, cv), from angle a0 to a1
// (degrees, a1 > a0), as two arcs and two lines.
Loop ArcBand(double cu, double cv, double r_in, double r_out, double a0_deg, double a1_deg);
// A polygon of a rectangle of length `len` and width `w` centred at (cu, cv), rotated by `deg`.
Loop RotatedRect(double cu, double cv, double len, double w, double deg);

// Adds a cut feature to `part`: `loop_xz` on the front plane at y = y_face (the part's front
// face, facing -y), cutting `depth` into the part (toward +y).
void CutFromFront(Part* part, double y_face, double depth, const Loop& loop_xz);

}  // namespace img2cad::synth
