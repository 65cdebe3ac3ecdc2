#include "synth/shapes.h"

#include <cmath>
#include <numbers>

#include "core/check.h"

namespace img2cad::synth {

using program::Arc;
using program::Extent;
using program::Line;
using program::MakeFeature;
using program::Operation;
using program::Plane;

namespace {
constexpr double kDeg = std::numbers::pi / 180;
}  // namespace

Part Box(const std::string& label, double x0, double y0, double z0, double x1, double y1,
         double z1) {
  return program::BoxPart(label, 0, {x0, y0, z0}, {x1, y1, z1});
}

Part VCylinder(const std::string& label, double cx, double cy, double z0, double z1, double r) {
  return Part{label,
              0,
              {MakeFeature(program::HorizontalPlane(z0), {program::CircleLoop(cx, cy, r)},
                           Extent::kOneSided, z1 - z0)}};
}

Part RodX(const std::string& label, double x0, double x1, double y, double z, double r) {
  return Part{label,
              0,
              {MakeFeature(program::SidePlane(x0), {program::CircleLoop(y, z, r)},
                           Extent::kOneSided, x1 - x0)}};
}

Part RodY(const std::string& label, double y0, double y1, double x, double z, double r) {
  const Plane plane{{0, y0, 0}, {0, 1, 0}, {-1, 0, 0}};  // u = -x, v = z
  return Part{
      label, 0, {MakeFeature(plane, {program::CircleLoop(-x, z, r)}, Extent::kOneSided, y1 - y0)}};
}

Part TaperedLeg(const std::string& label, double cx, double cy, double z0, double z1, double top_w,
                double bottom_w) {
  const double t = top_w / 2, b = bottom_w / 2;
  Part p = FrontProfile(
      label, cy, t, program::PolygonLoop({{cx - b, z0}, {cx + b, z0}, {cx + t, z1}, {cx - t, z1}}));
  p.features.push_back(
      MakeFeature(program::SidePlane(cx),
                  {program::PolygonLoop({{cy - b, z0}, {cy + b, z0}, {cy + t, z1}, {cy - t, z1}})},
                  Extent::kSymmetric, t, Operation::kIntersect));
  return p;
}

Part SideProfile(const std::string& label, double x_center, double half_t, const Loop& loop_yz) {
  return Part{
      label, 0, {MakeFeature(program::SidePlane(x_center), {loop_yz}, Extent::kSymmetric, half_t)}};
}

Part FrontProfile(const std::string& label, double y_center, double half_t, const Loop& loop_xz) {
  return Part{label,
              0,
              {MakeFeature(program::FrontPlane(y_center), {loop_xz}, Extent::kSymmetric, half_t)}};
}

Part Slab(const std::string& label, double z0, double t, std::vector<Loop> loops_xy) {
  return Part{
      label,
      0,
      {MakeFeature(program::HorizontalPlane(z0), std::move(loops_xy), Extent::kOneSided, t)}};
}

Loop ThickPath(const std::vector<Vec2>& path, double t) {
  IMG2CAD_CHECK_GE(path.size(), 2u);
  const size_t n = path.size();
  auto dir = [&](size_t i) {  // unit direction of segment i -> i+1
    const double dx = path[i + 1][0] - path[i][0], dy = path[i + 1][1] - path[i][1];
    const double len = std::hypot(dx, dy);
    return Vec2{dx / len, dy / len};
  };
  // Offset of vertex i to the left of the path (mitre at interior vertices).
  auto offset = [&](size_t i) {
    Vec2 nrm;
    double scale = t / 2;
    if (i == 0 || i == n - 1) {
      const Vec2 d = dir(i == 0 ? 0 : n - 2);
      nrm = {-d[1], d[0]};
    } else {
      const Vec2 d0 = dir(i - 1), d1 = dir(i);
      const Vec2 n0{-d0[1], d0[0]}, n1{-d1[1], d1[0]};
      nrm = {n0[0] + n1[0], n0[1] + n1[1]};
      const double len = std::hypot(nrm[0], nrm[1]);
      nrm = {nrm[0] / len, nrm[1] / len};
      scale /= std::max(0.3, nrm[0] * n0[0] + nrm[1] * n0[1]);  // mitre length
    }
    return Vec2{nrm[0] * scale, nrm[1] * scale};
  };
  std::vector<Vec2> outline;
  for (size_t i = 0; i < n; ++i) {
    const Vec2 o = offset(i);
    outline.push_back({path[i][0] + o[0], path[i][1] + o[1]});
  }
  for (size_t i = n; i-- > 0;) {
    const Vec2 o = offset(i);
    outline.push_back({path[i][0] - o[0], path[i][1] - o[1]});
  }
  return program::PolygonLoop(outline);
}

Loop SlotLoop(double cu, double cv, double length, double width) {
  const double r = width / 2, h = length / 2 - r;
  IMG2CAD_CHECK_GT(h, 0.0);
  return {Line{{cu + h, cv - r}}, Arc{{cu + h, cv + r}, 180, true}, Line{{cu - h, cv + r}},
          Arc{{cu - h, cv - r}, 180, true}};
}

Loop VSlotLoop(double cu, double cv, double length, double width) {
  const double r = width / 2, h = length / 2 - r;
  IMG2CAD_CHECK_GT(h, 0.0);
  return {Line{{cu + r, cv + h}}, Arc{{cu - r, cv + h}, 180, true}, Line{{cu - r, cv - h}},
          Arc{{cu + r, cv - h}, 180, true}};
}

Loop ArchedRect(double u0, double v0, double u1, double v1, double rise) {
  // An arc through both top corners whose middle rises by `rise`: sweep = 4 atan(2 rise / chord).
  const double sweep = 4 * std::atan(2 * rise / (u1 - u0)) / kDeg;
  return {Line{{u1, v0}}, Line{{u1, v1}}, Arc{{u0, v1}, sweep, true}, Line{{u0, v0}}};
}

Loop ArcBand(double cu, double cv, double r_in, double r_out, double a0_deg, double a1_deg) {
  auto at = [&](double r, double a) {
    return Vec2{cu + r * std::cos(a * kDeg), cv + r * std::sin(a * kDeg)};
  };
  const double sweep = a1_deg - a0_deg;
  return {Line{at(r_out, a0_deg)}, Arc{at(r_out, a1_deg), sweep, true}, Line{at(r_in, a1_deg)},
          Arc{at(r_in, a0_deg), sweep, false}};
}

Loop RotatedRect(double cu, double cv, double len, double w, double deg) {
  const double c = std::cos(deg * kDeg), s = std::sin(deg * kDeg);
  std::vector<Vec2> pts;
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {0, -w / 2}, {len, -w / 2}, {len, w / 2}, {0, w / 2}}) {
    pts.push_back({cu + a * c - b * s, cv + a * s + b * c});
  }
  return program::PolygonLoop(pts);
}

void CutFromFront(Part* part, double y_face, double depth, const Loop& loop_xz) {
  // The front plane's normal is -y; a two_sided extrude reaching `depth` behind the face and a
  // little in front of it cuts cleanly through the surface.
  part->features.push_back(MakeFeature(program::FrontPlane(y_face), {loop_xz}, Extent::kTwoSided,
                                       1.0, Operation::kCut, depth));
}

}  // namespace img2cad::synth
