#include "render/closest_point.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/rng.h"

namespace img2cad::render {
namespace {

double Dist(const geom::Vec3f& a, const geom::Vec3f& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

void ExpectNear(const geom::Vec3f& got, const geom::Vec3f& want) {
  EXPECT_LT(Dist(got, want), 1e-5) << got[0] << " " << got[1] << " " << got[2];
}

TEST(ClosestPointTest, EveryRegionOfATriangle) {
  const geom::Vec3f a{0, 0, 0}, b{1, 0, 0}, c{0, 1, 0};
  ExpectNear(ClosestPointOnTriangle({0.2f, 0.2f, 5}, a, b, c), {0.2f, 0.2f, 0});  // face
  ExpectNear(ClosestPointOnTriangle({-1, -1, 0}, a, b, c), a);                    // corners
  ExpectNear(ClosestPointOnTriangle({3, -1, 1}, a, b, c), b);
  ExpectNear(ClosestPointOnTriangle({-1, 4, 0}, a, b, c), c);
  ExpectNear(ClosestPointOnTriangle({0.5f, -2, 0}, a, b, c), {0.5f, 0, 0});  // edges
  ExpectNear(ClosestPointOnTriangle({-2, 0.5f, 0}, a, b, c), {0, 0.5f, 0});
  ExpectNear(ClosestPointOnTriangle({1, 1, 0}, a, b, c), {0.5f, 0.5f, 0});
  // Degenerate: all three corners on a line, and all three the same point.
  ExpectNear(ClosestPointOnTriangle({0.5f, 1, 0}, a, b, {2, 0, 0}), {0.5f, 0, 0});
  ExpectNear(ClosestPointOnTriangle({1, 1, 1}, a, a, a), a);
}

TEST(ClosestPointTest, IndexAgreesWithBruteForce) {
  core::Rng rng(7);
  geom::Mesh mesh;
  for (int t = 0; t < 300; ++t) {
    const geom::Vec3f centre{static_cast<float>(rng.Uniform(-5, 5)),
                             static_cast<float>(rng.Uniform(-5, 5)),
                             static_cast<float>(rng.Uniform(-5, 5))};
    for (int k = 0; k < 3; ++k)
      mesh.vertices.push_back({centre[0] + static_cast<float>(rng.Uniform(-1, 1)),
                               centre[1] + static_cast<float>(rng.Uniform(-1, 1)),
                               centre[2] + static_cast<float>(rng.Uniform(-1, 1))});
    const auto base = static_cast<uint32_t>(3 * t);
    mesh.triangles.push_back({base, base + 1, base + 2});
    mesh.part_ids.push_back(t % 5);
  }
  auto index = SurfaceIndex::Build(mesh);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  for (int q = 0; q < 500; ++q) {
    const geom::Vec3f p{static_cast<float>(rng.Uniform(-8, 8)),
                        static_cast<float>(rng.Uniform(-8, 8)),
                        static_cast<float>(rng.Uniform(-8, 8))};
    double best = 1e30;
    for (const auto& t : mesh.triangles) {
      best =
          std::min(best, Dist(p, ClosestPointOnTriangle(p, mesh.vertices[t[0]], mesh.vertices[t[1]],
                                                        mesh.vertices[t[2]])));
    }
    const SurfacePoint hit = index->Closest(p);
    ASSERT_GE(hit.triangle, 0);
    EXPECT_NEAR(hit.distance, best, 1e-4);
    EXPECT_NEAR(Dist(p, hit.point), best, 1e-4);
    const auto near = index->TrianglesWithin(p, hit.distance + 1e-4f);
    EXPECT_NE(std::find(near.begin(), near.end(), hit.triangle), near.end());
    for (int32_t t : near) {
      const auto& tri = mesh.triangles[t];
      EXPECT_LE(Dist(p, ClosestPointOnTriangle(p, mesh.vertices[tri[0]], mesh.vertices[tri[1]],
                                               mesh.vertices[tri[2]])),
                hit.distance + 2e-4);
    }
  }
}

TEST(ClosestPointTest, RefusesMeshesItCannotIndex) {
  EXPECT_FALSE(SurfaceIndex::Build(geom::Mesh{}).ok());
  geom::Mesh broken;
  broken.vertices = {{0, 0, 0}, {1, 0, 0}};
  broken.triangles = {{0, 1, 2}};
  broken.part_ids = {0};
  const auto r = SurfaceIndex::Build(broken);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace img2cad::render
