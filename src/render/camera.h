// Perspective cameras in the program frame (mm, z up; DESIGN §3): azimuth 0 looks at the
// object's front from -y, growing toward +x; elevation is the angle above the floor plane.
#pragma once

#include <array>
#include <optional>

#include "geom/mesh.h"

namespace img2cad::render {

using Vec3d = std::array<double, 3>;

struct Camera {
  Vec3d position{0, -3000, 1000};
  Vec3d target{0, 0, 400};
  Vec3d up{0, 0, 1};
  double fov_y_deg = 40;  // vertical field of view
  int width = 128;
  int height = 128;
};

// A camera on a sphere around the object's bounding box: looking at its centre from
// (azimuth, elevation), at the distance where the bounding sphere's radius spans `fill` of half
// the image's smaller side (fill 0.9: the object nearly touches the border).
Camera FrameObject(const geom::Box3& bounds, double azimuth_deg, double elevation_deg,
                   double fov_y_deg, double fill, int width, int height);

// Pixel position (x right, y down, pixel centres at +0.5) of a world point; nullopt when the
// point is behind the camera.
std::optional<std::array<double, 2>> Project(const Camera& camera, const Vec3d& point);

// The world-space direction through pixel position (px, py), unit length.
Vec3d RayDirection(const Camera& camera, double px, double py);

}  // namespace img2cad::render
