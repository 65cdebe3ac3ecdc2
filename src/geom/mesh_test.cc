#include "geom/mesh.h"

#include <gtest/gtest.h>

namespace img2cad::geom {
namespace {

// Unit cube [0,1]^3 scaled by s, outward-oriented.
Mesh Cube(float s, int part) {
  Mesh m;
  for (int i = 0; i < 8; ++i)
    m.vertices.push_back({s * (i & 1), s * ((i >> 1) & 1), s * ((i >> 2) & 1)});
  m.triangles = {{0, 2, 1}, {1, 2, 3}, {4, 5, 6}, {5, 7, 6}, {0, 1, 4}, {1, 5, 4},
                 {2, 6, 3}, {3, 6, 7}, {0, 4, 2}, {2, 4, 6}, {1, 3, 5}, {3, 7, 5}};
  m.part_ids.assign(m.triangles.size(), part);
  return m;
}

TEST(MeshTest, VolumeAreaBounds) {
  Mesh m = Cube(2, 0);
  EXPECT_NEAR(EnclosedVolume(m), 8, 1e-9);
  EXPECT_NEAR(SurfaceArea(m), 24, 1e-9);
  EXPECT_EQ(Bounds(m).max[2], 2);
}

TEST(MeshTest, AppendKeepsPartsApart) {
  Mesh m = Cube(1, 0);
  m.Append(Cube(2, 1));
  EXPECT_EQ(m.NumTriangles(), 24u);
  EXPECT_NEAR(EnclosedVolume(m, 0), 1, 1e-9);
  EXPECT_NEAR(EnclosedVolume(m, 1), 8, 1e-9);
  EXPECT_NEAR(EnclosedVolume(m), 9, 1e-9);
}

}  // namespace
}  // namespace img2cad::geom
