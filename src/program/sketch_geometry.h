// Plain 2D geometry of sketches, without a CAD kernel: arc centres, loop polylines, areas,
// crossings, plane frames and approximate part bounds.
//
// Used by validation (to refuse bad loops with a located message before OpenCASCADE sees them),
// by cad/ (to place arc mid points) and by the instance-ordering rule. Units: mm; angles inside
// in radians.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"
#include "program/program.h"
#include "program/vocabulary.h"

namespace img2cad::program {

// The circle an arc lies on, and its start angle (radians, measured in (u, v) from +u).
struct ArcGeometry {
  Vec2 center{};
  double radius = 0;
  double start_angle = 0;
  double signed_sweep = 0;  // radians: positive counter-clockwise
  // Point at fraction t in [0, 1] along the arc.
  Vec2 PointAt(double t) const;
};

// Geometry of an arc from `start` to arc.to. nullopt when the chord is degenerate (start and end
// closer than 1e-9 mm) or the sweep is outside (0, 360).
std::optional<ArcGeometry> ComputeArc(const Vec2& start, const Arc& arc);

// The start point of curve `i` of a line/arc chain: the end of the previous curve (the last one
// for i == 0). Must not be called for circle loops.
Vec2 ChainStart(const Loop& loop, size_t i);

// The loop as a closed polyline (last point not repeated). Arcs and circles are split so that no
// chord spans more than `max_step_deg`. `curve_of_point[k]` names the curve point k starts.
struct Polyline {
  std::vector<Vec2> points;
  std::vector<int> curve_of_point;
};
Polyline LoopPolyline(const Loop& loop, double max_step_deg = 5.0);

// Signed area (mm²) of a closed polyline: positive when counter-clockwise.
double SignedArea(const std::vector<Vec2>& points);

// Signed area of a loop, exact for circles and arcs (polygon of the chain's vertices plus each
// arc's circular segment).
double LoopSignedArea(const Loop& loop);

// True when point p lies strictly inside the closed polyline (even-odd rule).
bool PointInPolygon(const Vec2& p, const std::vector<Vec2>& polygon);

// True when the closed segments [a, b] and [c, d] touch or cross.
bool SegmentsIntersect(const Vec2& a, const Vec2& b, const Vec2& c, const Vec2& d);

// First pair of non-adjacent segments of a closed polyline that touch or cross, as the curve
// indexes of the two segments; nullopt when the polyline is simple.
std::optional<std::pair<int, int>> FindSelfCrossing(const Polyline& poly);

// True when any segment of `a` touches or crosses any segment of `b`.
bool PolylinesIntersect(const Polyline& a, const Polyline& b);

// An orthonormal frame for a sketch plane: u = x_dir made orthogonal to the normal, v = n x u.
struct Frame {
  Vec3 origin{}, u{}, v{}, n{};
  Vec3 ToWorld(const Vec2& p) const;
};
// Errors (kInvalidArgument, place "normal" or "x_dir"): a zero-length direction, or x_dir
// parallel to the normal.
core::Result<Frame> MakeFrame(const Plane& plane);

// Calls fn(point) for every sketch point of a feature (line and arc ends, circle centres); with a
// non-const feature the points can be changed in place.
template <typename F, typename Fn>
void ForEachPoint(F& feature, Fn fn) {
  for (auto& loop : feature.sketch.loops)
    for (auto& c : loop) {
      if (auto* l = std::get_if<Line>(&c)) fn(l->to);
      if (auto* a = std::get_if<Arc>(&c)) fn(a->to);
      if (auto* ci = std::get_if<Circle>(&c)) fn(ci->center);
    }
}

// Axis-aligned bounds of a part from its sketches and extrusions: the union over new_body and
// join features of each extruded profile's box. Cuts and intersections can only shrink a part,
// so they are ignored; the result is exact for boxes and slightly conservative otherwise.
// Requires a validated part.
Bounds3 ApproxPartBounds(const Part& part);

}  // namespace img2cad::program
