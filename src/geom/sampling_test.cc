#include "geom/sampling.h"

#include <gtest/gtest.h>

#include <cmath>

namespace img2cad::geom {
namespace {

Mesh UnitSquarePair() {
  // Two unit squares in z = 0: part 0 at x in [0,1], part 1 (four times the area) at x in [2,4].
  Mesh m;
  m.vertices = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0},
                {2, 0, 0}, {4, 0, 0}, {4, 2, 0}, {2, 2, 0}};
  m.triangles = {{0, 1, 2}, {0, 2, 3}, {4, 5, 6}, {4, 6, 7}};
  m.part_ids = {0, 0, 1, 1};
  return m;
}

TEST(SamplingTest, UniformByAreaAndReproducible) {
  const Mesh m = UnitSquarePair();
  const PointCloud a = SampleSurface(m, 10000, 3), b = SampleSurface(m, 10000, 3);
  EXPECT_EQ(a.points, b.points);
  int part1 = 0;
  for (size_t i = 0; i < a.points.size(); ++i) {
    part1 += a.part_ids[i] == 1;
    EXPECT_EQ(a.points[i][2], 0.f);
    EXPECT_EQ(a.part_ids[i] == 1, a.points[i][0] >= 2);
  }
  EXPECT_NEAR(part1 / 10000.0, 0.8, 0.02);
  EXPECT_TRUE(SampleSurface(Mesh(), 10, 1).points.empty());
}

TEST(KdTreeTest, MatchesBruteForce) {
  const PointCloud c = SampleSurface(UnitSquarePair(), 500, 9);
  KdTree tree(c.points);
  const PointCloud q = SampleSurface(UnitSquarePair(), 200, 10);
  for (const Vec3f& p : q.points) {
    float best = 1e30f;
    for (const Vec3f& r : c.points) {
      const float d = (p[0] - r[0]) * (p[0] - r[0]) + (p[1] - r[1]) * (p[1] - r[1]) +
                      (p[2] - r[2]) * (p[2] - r[2]);
      best = std::min(best, d);
    }
    float got;
    tree.Nearest(p, &got);
    EXPECT_FLOAT_EQ(got, best);
  }
}

}  // namespace
}  // namespace img2cad::geom
