#include "program/builders.h"

#include "core/check.h"

namespace img2cad::program {

Loop RectLoop(double u0, double v0, double u1, double v1) {
  return {Line{{u1, v0}}, Line{{u1, v1}}, Line{{u0, v1}}, Line{{u0, v0}}};
}

Loop RoundedRectLoop(double u0, double v0, double u1, double v1, double r) {
  IMG2CAD_CHECK_GT(r, 0.0);
  IMG2CAD_CHECK_LT(2 * r, std::min(u1 - u0, v1 - v0));
  return {Line{{u1 - r, v0}},          Arc{{u1, v0 + r}, 90, true}, Line{{u1, v1 - r}},
          Arc{{u1 - r, v1}, 90, true}, Line{{u0 + r, v1}},          Arc{{u0, v1 - r}, 90, true},
          Line{{u0, v0 + r}},          Arc{{u0 + r, v0}, 90, true}};
}

Loop CircleLoop(double cu, double cv, double radius) { return {Circle{{cu, cv}, radius}}; }

Loop PolygonLoop(const std::vector<Vec2>& points) {
  IMG2CAD_CHECK_GE(points.size(), 3u);
  Loop loop;
  for (size_t i = 1; i <= points.size(); ++i) loop.push_back(Line{points[i % points.size()]});
  return loop;
}

Plane HorizontalPlane(double z) { return {{0, 0, z}, {0, 0, 1}, {1, 0, 0}}; }
Plane FrontPlane(double y) { return {{0, y, 0}, {0, -1, 0}, {1, 0, 0}}; }
Plane SidePlane(double x) { return {{x, 0, 0}, {1, 0, 0}, {0, 1, 0}}; }

Feature MakeFeature(const Plane& plane, std::vector<Loop> loops, Extent extent, double distance,
                    Operation op, double distance2) {
  Feature f;
  f.sketch.plane = plane;
  f.sketch.loops = std::move(loops);
  f.extrude.extent = extent;
  f.extrude.distance = distance;
  f.extrude.distance2 = extent == Extent::kTwoSided ? distance2 : 0;
  f.extrude.operation = op;
  return f;
}

Part BoxPart(const std::string& label, int instance, const Vec3& min, const Vec3& max) {
  Part p{label, instance, {}};
  p.features.push_back(MakeFeature(HorizontalPlane(min[2]),
                                   {RectLoop(min[0], min[1], max[0], max[1])}, Extent::kOneSided,
                                   max[2] - min[2]));
  return p;
}

}  // namespace img2cad::program
