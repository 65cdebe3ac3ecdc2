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
  image::Image mask(cam.width, cam.height, 1, 0);
  RTCIntersectContext ctx;
  rtcInitIntersectContext(&ctx);
  for (int y = 0; y < cam.height; ++y) {
    for (int x = 0; x < cam.width; ++x) {
      const Vec3d d = RayDirection(cam, x + 0.5, y + 0.5);
      RTCRay r{};
      r.org_x = static_cast<float>(cam.position[0] / scale[0]);
      r.org_y = static_cast<float>(cam.position[1] / scale[1]);
      r.org_z = static_cast<float>(cam.position[2] / scale[2]);
      r.dir_x = static_cast<float>(d[0] / scale[0]);
      r.dir_y = static_cast<float>(d[1] / scale[1]);
      r.dir_z = static_cast<float>(d[2] / scale[2]);
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
