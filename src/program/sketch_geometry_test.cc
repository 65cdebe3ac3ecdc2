#include "program/sketch_geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "program/builders.h"

namespace img2cad::program {
namespace {

TEST(SketchGeometryTest, ArcCentreAndDirection) {
  // Quarter circle of radius 1 around the origin, counter-clockwise from (1,0) to (0,1).
  auto g = ComputeArc({1, 0}, Arc{{0, 1}, 90, true});
  ASSERT_TRUE(g);
  EXPECT_NEAR(g->center[0], 0, 1e-12);
  EXPECT_NEAR(g->center[1], 0, 1e-12);
  EXPECT_NEAR(g->radius, 1, 1e-12);
  const Vec2 mid = g->PointAt(0.5);
  EXPECT_NEAR(mid[0], std::sqrt(0.5), 1e-12);
  // Clockwise with 270 degrees reaches the same end point the long way, same centre.
  auto cw = ComputeArc({1, 0}, Arc{{0, 1}, 270, false});
  ASSERT_TRUE(cw);
  EXPECT_NEAR(cw->center[0], 0, 1e-12);
  EXPECT_NEAR(cw->PointAt(0.5)[0], -std::sqrt(0.5), 1e-12);
  EXPECT_FALSE(ComputeArc({0, 0}, Arc{{0, 0}, 90, true}));
  EXPECT_FALSE(ComputeArc({0, 0}, Arc{{1, 0}, 360, true}));
}

TEST(SketchGeometryTest, AreasAreExact) {
  EXPECT_DOUBLE_EQ(LoopSignedArea(RectLoop(0, 0, 4, 3)), 12);
  EXPECT_DOUBLE_EQ(LoopSignedArea(CircleLoop(1, 1, 2)), 4 * std::numbers::pi);
  const double r = 1.5;
  EXPECT_NEAR(LoopSignedArea(RoundedRectLoop(0, 0, 10, 6, r)), 60 - (4 - std::numbers::pi) * r * r,
              1e-9);
  // Reversed orientation flips the sign.
  Loop cw = {Line{{0, 4}}, Line{{3, 4}}, Line{{3, 0}}, Line{{0, 0}}};
  EXPECT_DOUBLE_EQ(LoopSignedArea(cw), -12);
}

TEST(SketchGeometryTest, FrameOrthogonalisesXDir) {
  Plane pl{{1, 2, 3}, {0, 0, 2}, {1, 0, 1}};
  auto f = MakeFrame(pl);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->u[0], 1, 1e-12);
  EXPECT_NEAR(f->u[2], 0, 1e-12);
  EXPECT_NEAR(f->v[1], 1, 1e-12);
  const Vec3 w = f->ToWorld({2, 3});
  EXPECT_NEAR(w[0], 3, 1e-12);
  EXPECT_NEAR(w[1], 5, 1e-12);
}

TEST(SketchGeometryTest, PartBoundsCoverExtents) {
  Part p = BoxPart("leg", 0, {-1, -2, 0}, {1, 2, 30});
  Bounds3 b = ApproxPartBounds(p);
  EXPECT_DOUBLE_EQ(b.min[1], -2);
  EXPECT_DOUBLE_EQ(b.max[2], 30);
  p.features[0].extrude.extent = Extent::kSymmetric;
  EXPECT_DOUBLE_EQ(ApproxPartBounds(p).min[2], -30);
}

}  // namespace
}  // namespace img2cad::program
