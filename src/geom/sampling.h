// Point sampling on meshes and nearest-neighbour search, for the metrics (DESIGN §6).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "geom/mesh.h"

namespace img2cad::geom {

struct PointCloud {
  std::vector<Vec3f> points;
  std::vector<int32_t> part_ids;  // the part of the triangle each point lies on
};

// `n` points uniformly distributed by area over the mesh surface (area-weighted triangle choice,
// uniform barycentric coordinates), reproducible from `seed`. An empty mesh gives no points.
PointCloud SampleSurface(const Mesh& mesh, int n, uint64_t seed);

// Exact nearest neighbours in 3D (a k-d tree; nanoflann stays private).
class KdTree {
 public:
  explicit KdTree(std::vector<Vec3f> points);
  ~KdTree();
  KdTree(const KdTree&) = delete;
  KdTree& operator=(const KdTree&) = delete;

  // Index of the point nearest to `q`, and its squared distance. The tree must not be empty.
  size_t Nearest(const Vec3f& q, float* dist_sq) const;
  size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::geom
