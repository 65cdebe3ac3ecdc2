#include "geom/mesh.h"

#include <gtest/gtest.h>

namespace img2cad::geom {
namespace {

// Unit cube [0,1]^3 scaled by s, outward-oriented.
Mesh Cube(float s, int part) { return BoxMesh({0, 0, 0}, {s, s, s}, part); }

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
