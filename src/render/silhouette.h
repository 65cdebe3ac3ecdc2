// Silhouettes of one mesh, fast and many times over: the object's mask seen from a camera after
// the mesh is stretched along the axes, without rebuilding anything (pipeline/silhouette_fit.h
// renders a few hundred of these per photo). Embree is private to this module.
#pragma once

#include <memory>

#include "core/status.h"
#include "geom/mesh.h"
#include "image/image.h"
#include "render/camera.h"

namespace img2cad::render {

class SilhouetteRenderer {
 public:
  // Builds the ray-tracing scene of `mesh` once. Errors: kInvalidArgument for an empty mesh;
  // kInternal when Embree fails.
  static core::Result<std::unique_ptr<SilhouetteRenderer>> Create(const geom::Mesh& mesh);
  ~SilhouetteRenderer();
  SilhouetteRenderer(const SilhouetteRenderer&) = delete;
  SilhouetteRenderer& operator=(const SilhouetteRenderer&) = delete;

  // The bounds of the mesh after scaling each axis by `scale` about the origin (all > 0).
  geom::Box3 ScaledBounds(const Vec3d& scale) const;

  // The mask (1 channel, 255 = object, camera.width x camera.height; one ray per pixel centre)
  // of the mesh with each axis scaled by `scale` about the origin (all > 0), seen from `camera`.
  // The floor and everything else are absent.
  image::Image Render(const Camera& camera, const Vec3d& scale) const;

 private:
  SilhouetteRenderer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::render
