// Closest points on a triangle mesh: for a query point, the nearest point of the surface and the
// triangle it lies on. Embree's point queries walk its BVH (Embree stays private to render/);
// eval/ uses this to label points from a predicted *surface* rather than from a sparse sample of
// it, which removes the sampling noise from part segmentation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "geom/mesh.h"

namespace img2cad::render {

struct SurfacePoint {
  int32_t triangle = -1;  // index into the mesh's triangles; -1 when the mesh is empty
  geom::Vec3f point{0, 0, 0};
  float distance = 0;  // Euclidean, in the mesh's units
};

class SurfaceIndex {
 public:
  // Builds the BVH over `mesh` (copied; the mesh need not outlive the index). Errors:
  // kInvalidArgument for a mesh without triangles or with an out-of-range vertex index;
  // kInternal when Embree fails.
  static core::Result<SurfaceIndex> Build(const geom::Mesh& mesh);

  SurfaceIndex(SurfaceIndex&&) noexcept;
  SurfaceIndex& operator=(SurfaceIndex&&) noexcept;
  ~SurfaceIndex();

  // The closest point of the surface to `p`. Ties (a point exactly between two triangles) go to
  // the lower triangle index, so results do not depend on the BVH's traversal order. Safe to
  // call from several threads at once.
  SurfacePoint Closest(const geom::Vec3f& p) const;

  // Every triangle whose closest point to `p` is within `max_distance` (>= 0), in index order;
  // used to see all parts at a point where faces of several parts coincide.
  std::vector<int32_t> TrianglesWithin(const geom::Vec3f& p, float max_distance) const;

 private:
  struct Impl;
  explicit SurfaceIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The closest point to `p` on triangle (a, b, c), including its edges and corners; degenerate
// triangles are handled (the closest point on the segment or the vertex).
geom::Vec3f ClosestPointOnTriangle(const geom::Vec3f& p, const geom::Vec3f& a, const geom::Vec3f& b,
                                   const geom::Vec3f& c);

}  // namespace img2cad::render
