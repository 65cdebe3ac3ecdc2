#include "render/silhouette.h"

#include <embree3/rtcore.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/check.h"
#include "render/mesh_scene_internal.h"

namespace img2cad::render {

struct SilhouetteRenderer::Impl {
  std::unique_ptr<internal::MeshScene> embree;
  geom::Box3 bounds;
};

SilhouetteRenderer::SilhouetteRenderer() : impl_(std::make_unique<Impl>()) {}
SilhouetteRenderer::~SilhouetteRenderer() = default;

core::Result<std::unique_ptr<SilhouetteRenderer>> SilhouetteRenderer::Create(
    const geom::Mesh& mesh) {
  std::unique_ptr<SilhouetteRenderer> r(new SilhouetteRenderer());
  IMG2CAD_ASSIGN_OR_RETURN(r->impl_->embree, internal::BuildMeshScene(mesh));
  r->impl_->bounds = geom::Bounds(mesh);
  return r;
}

geom::Box3 SilhouetteRenderer::ScaledBounds(const Vec3d& scale) const {
  geom::Box3 b = impl_->bounds;
  for (int k = 0; k < 3; ++k) {
    b.min[k] = static_cast<float>(b.min[k] * scale[k]);
    b.max[k] = static_cast<float>(b.max[k] * scale[k]);
  }
  return b;
}

image::Image SilhouetteRenderer::Render(const Camera& cam, const Vec3d& scale) const {
  IMG2CAD_CHECK(scale[0] > 0 && scale[1] > 0 && scale[2] > 0);
  IMG2CAD_CHECK(cam.width > 0 && cam.height > 0);
  // A ray o + t d meets the scaled mesh S M where S^-1 o + t S^-1 d meets M: the rays are
  // scaled instead of the mesh, so the scene is built once. Only hit or miss matters.
  auto sub = [](const Vec3d& a, const Vec3d& b) -> Vec3d {
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  };
  auto cross = [](const Vec3d& a, const Vec3d& b) -> Vec3d {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  };
  auto unit = [](const Vec3d& a) -> Vec3d {
    const double n = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    return {a[0] / n, a[1] / n, a[2] / n};
  };
  const Vec3d forward = unit(sub(cam.target, cam.position));
  const Vec3d right = unit(cross(forward, cam.up));
  const Vec3d up = cross(right, forward);
  const double tan_half = std::tan(cam.fov_y_deg * 3.14159265358979 / 360);
  const double aspect = static_cast<double>(cam.width) / cam.height;

  image::Image mask(cam.width, cam.height, 1, 0);
  RTCIntersectContext ctx;
  rtcInitIntersectContext(&ctx);
  for (int y = 0; y < cam.height; ++y) {
    for (int x = 0; x < cam.width; ++x) {
      const double sx = (2 * (x + 0.5) / cam.width - 1) * tan_half * aspect;
      const double sy = (1 - 2 * (y + 0.5) / cam.height) * tan_half;
      RTCRay r{};
      r.org_x = static_cast<float>(cam.position[0] / scale[0]);
      r.org_y = static_cast<float>(cam.position[1] / scale[1]);
      r.org_z = static_cast<float>(cam.position[2] / scale[2]);
      r.dir_x = static_cast<float>((forward[0] + right[0] * sx + up[0] * sy) / scale[0]);
      r.dir_y = static_cast<float>((forward[1] + right[1] * sx + up[1] * sy) / scale[1]);
      r.dir_z = static_cast<float>((forward[2] + right[2] * sx + up[2] * sy) / scale[2]);
      r.tnear = 0;
      r.tfar = std::numeric_limits<float>::infinity();
      r.mask = 0xFFFFFFFF;
      rtcOccluded1(impl_->embree->scene, &ctx, &r);
      if (r.tfar < 0) mask.pixels[static_cast<size_t>(y) * cam.width + x] = 255;
    }
  }
  return mask;
}

}  // namespace img2cad::render
