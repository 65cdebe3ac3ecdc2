#include "geom/sampling.h"

#include <nanoflann.hpp>

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "core/rng.h"

namespace img2cad::geom {

PointCloud SampleSurface(const Mesh& mesh, int n, uint64_t seed) {
  PointCloud out;
  if (mesh.triangles.empty() || n <= 0) return out;
  std::vector<double> cdf(mesh.triangles.size());
  double total = 0;
  for (size_t i = 0; i < mesh.triangles.size(); ++i) {
    const auto& t = mesh.triangles[i];
    const Vec3f &a = mesh.vertices[t[0]], &b = mesh.vertices[t[1]], &c = mesh.vertices[t[2]];
    const double ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
    const double vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
    const double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    total += 0.5 * std::sqrt(cx * cx + cy * cy + cz * cz);
    cdf[i] = total;
  }
  if (!(total > 0)) return out;
  core::Rng rng(seed);
  out.points.reserve(n);
  out.part_ids.reserve(n);
  for (int k = 0; k < n; ++k) {
    const double r = rng.Uniform() * total;
    const size_t i =
        std::min<size_t>(std::upper_bound(cdf.begin(), cdf.end(), r) - cdf.begin(), cdf.size() - 1);
    double u = rng.Uniform(), v = rng.Uniform();
    if (u + v > 1) u = 1 - u, v = 1 - v;  // fold into the triangle
    const auto& t = mesh.triangles[i];
    const Vec3f &a = mesh.vertices[t[0]], &b = mesh.vertices[t[1]], &c = mesh.vertices[t[2]];
    Vec3f p;
    for (int d = 0; d < 3; ++d)
      p[d] = static_cast<float>(a[d] + u * (b[d] - a[d]) + v * (c[d] - a[d]));
    out.points.push_back(p);
    out.part_ids.push_back(mesh.part_ids[i]);
  }
  return out;
}

namespace {
struct CloudAdaptor {
  const std::vector<Vec3f>* pts;
  size_t kdtree_get_point_count() const { return pts->size(); }
  float kdtree_get_pt(size_t i, size_t d) const { return (*pts)[i][d]; }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};
using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, CloudAdaptor>,
                                                 CloudAdaptor, 3, uint32_t>;
}  // namespace

struct KdTree::Impl {
  std::vector<Vec3f> points;
  CloudAdaptor adaptor{&points};
  std::unique_ptr<Tree> tree;
};

KdTree::KdTree(std::vector<Vec3f> points) : impl_(std::make_unique<Impl>()) {
  impl_->points = std::move(points);
  impl_->adaptor.pts = &impl_->points;
  impl_->tree =
      std::make_unique<Tree>(3, impl_->adaptor, nanoflann::KDTreeSingleIndexAdaptorParams(10));
  impl_->tree->buildIndex();
}

KdTree::~KdTree() = default;

size_t KdTree::size() const { return impl_->points.size(); }

size_t KdTree::Nearest(const Vec3f& q, float* dist_sq) const {
  IMG2CAD_CHECK(!impl_->points.empty()) << "Nearest() on an empty tree";
  uint32_t index = 0;
  float d = 0;
  nanoflann::KNNResultSet<float, uint32_t> result(1);
  result.init(&index, &d);
  impl_->tree->findNeighbors(result, q.data(), nanoflann::SearchParams(10));
  if (dist_sq) *dist_sq = d;
  return index;
}

}  // namespace img2cad::geom
