#include "render/camera.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace img2cad::render {

namespace {

constexpr double kDeg = std::numbers::pi / 180;

Vec3d Sub(const Vec3d& a, const Vec3d& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
double Dot(const Vec3d& a, const Vec3d& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3d Cross(const Vec3d& a, const Vec3d& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3d Unit(const Vec3d& a) {
  const double n = std::sqrt(Dot(a, a));
  return {a[0] / n, a[1] / n, a[2] / n};
}

struct Basis {
  Vec3d forward, right, up;
  double tan_half;
};

Basis BasisOf(const Camera& c) {
  Basis b;
  b.forward = Unit(Sub(c.target, c.position));
  b.right = Unit(Cross(b.forward, c.up));
  b.up = Cross(b.right, b.forward);
  b.tan_half = std::tan(c.fov_y_deg * kDeg / 2);
  return b;
}

}  // namespace

Camera FrameObject(const geom::Box3& bounds, double azimuth_deg, double elevation_deg,
                   double fov_y_deg, double fill, int width, int height) {
  Camera c;
  c.width = width;
  c.height = height;
  c.fov_y_deg = fov_y_deg;
  double radius = 0;
  for (int k = 0; k < 3; ++k) {
    c.target[k] = (bounds.min[k] + bounds.max[k]) / 2.0;
    radius += std::pow((bounds.max[k] - bounds.min[k]) / 2.0, 2);
  }
  radius = std::max(1.0, std::sqrt(radius));
  // The smaller half-angle of the view decides; the sphere's angular radius must be `fill` of it.
  const double half_v = fov_y_deg * kDeg / 2;
  const double half_h = std::atan(std::tan(half_v) * width / height);
  const double half = std::min(half_v, half_h);
  const double distance = radius / std::sin(std::atan(std::tan(half) * fill));
  const double az = azimuth_deg * kDeg, el = elevation_deg * kDeg;
  const Vec3d dir{std::sin(az) * std::cos(el), -std::cos(az) * std::cos(el), std::sin(el)};
  for (int k = 0; k < 3; ++k) c.position[k] = c.target[k] + distance * dir[k];
  return c;
}

std::optional<std::array<double, 2>> Project(const Camera& camera, const Vec3d& point) {
  const Basis b = BasisOf(camera);
  const Vec3d d = Sub(point, camera.position);
  const double z = Dot(d, b.forward);
  if (z <= 1e-9) return std::nullopt;
  const double aspect = static_cast<double>(camera.width) / camera.height;
  const double sx = Dot(d, b.right) / (z * b.tan_half * aspect);
  const double sy = Dot(d, b.up) / (z * b.tan_half);
  return std::array<double, 2>{(sx + 1) * camera.width / 2, (1 - sy) * camera.height / 2};
}

Vec3d RayDirection(const Camera& camera, double px, double py) {
  const Basis b = BasisOf(camera);
  const double aspect = static_cast<double>(camera.width) / camera.height;
  const double sx = (2 * px / camera.width - 1) * b.tan_half * aspect;
  const double sy = (1 - 2 * py / camera.height) * b.tan_half;
  Vec3d d;
  for (int k = 0; k < 3; ++k) d[k] = b.forward[k] + sx * b.right[k] + sy * b.up[k];
  return Unit(d);
}

}  // namespace img2cad::render
