#include "program/layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <variant>

#include "program/builders.h"
#include "program/sketch_geometry.h"
#include "program/validate.h"
#include "program/vocabulary.h"

namespace img2cad::program {
namespace {

// A carcass 800 wide with the given fronts (x0, x1, z0, z1 at the front, y -218..-200), each
// drawer with a body joined behind its panel, and a round knob centred on each front.
Program Chest(const std::vector<std::array<double, 4>>& fronts, const std::string& label) {
  Program p;
  p.category = "storage";
  p.parts.push_back(BoxPart("side", 0, {-400, -200, 0}, {-382, 200, 900}));
  p.parts.push_back(BoxPart("side", 1, {382, -200, 0}, {400, 200, 900}));
  int n = 0;
  for (const auto& [x0, x1, z0, z1] : fronts) {
    Part front = BoxPart(label, n, {x0, -218, z0}, {x1, -200, z1});
    if (label == "drawer") {
      front.features.push_back(MakeFeature(HorizontalPlane(z0 + 10),
                                           {RectLoop(x0 + 10, -200, x1 - 10, 100)},
                                           Extent::kOneSided, z1 - z0 - 20, Operation::kJoin));
    }
    p.parts.push_back(front);
    p.parts.push_back(
        Part{"handle",
             n++,
             {MakeFeature(FrontPlane(-218), {CircleLoop((x0 + x1) / 2, (z0 + z1) / 2, 12)},
                          Extent::kOneSided, 25)}});
  }
  return p;
}

Bounds3 Panel(const Part& part) {
  Part panel;
  panel.features = {part.features.front()};
  return ApproxPartBounds(panel);
}

TEST(SeparateFrontsTest, SideBySideDrawersMeetInTheMiddleOfTheirOverlap) {
  // Two drawers that overlap by 60 mm across x and fully in z: they now meet at x = 10.
  const Program p = Chest({{-380, 40, 100, 300}, {-20, 380, 110, 300}}, "drawer");
  std::vector<std::string> notes;
  const Program q = SeparateFronts(p, &notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "drawer 0 and drawer 1 separated along x at 10.0 mm");
  const Bounds3 a = Panel(q.parts[2]), b = Panel(q.parts[4]);
  EXPECT_NEAR(a.min[0], -380, 1e-6);
  EXPECT_NEAR(a.max[0], 10, 1e-6);
  EXPECT_NEAR(b.min[0], 10, 1e-6);
  EXPECT_NEAR(b.max[0], 380, 1e-6);
  // Thickness and height are the drawers' own; the body shrank with its panel.
  for (const Bounds3& box : {a, b}) {
    EXPECT_NEAR(box.min[1], -218, 1e-6);
    EXPECT_NEAR(box.max[1], -200, 1e-6);
  }
  EXPECT_NEAR(a.max[2], 300, 1e-6);
  Part body;
  body.features = {q.parts[2].features[1]};
  EXPECT_NEAR(ApproxPartBounds(body).max[1], 100, 1e-6);
  EXPECT_NEAR(ApproxPartBounds(body).max[0], -380 + (30 + 380) * 390.0 / 420, 1e-6);
  EXPECT_NEAR(q.parts[2].features[1].extrude.distance, 180, 1e-6);
  // Each knob stays at the middle of its drawer's new width, at its height.
  const Vec3 knob0 = ApproxPartBounds(q.parts[3]).Center(),
             knob1 = ApproxPartBounds(q.parts[5]).Center();
  EXPECT_NEAR(knob0[0], (-380 + 10) / 2.0, 1e-6);
  EXPECT_NEAR(knob1[0], (10 + 380) / 2.0, 1e-6);
  EXPECT_NEAR(knob1[2], 205, 1e-6);
  EXPECT_TRUE(ValidateProgram(q).empty());
  // The carcass did not move.
  EXPECT_EQ(q.parts[0], p.parts[0]);
  EXPECT_EQ(q.parts[1], p.parts[1]);
}

TEST(SeparateFrontsTest, StackedDoorsSeparateAlongTheirHeight) {
  const Program p = Chest({{-380, 380, 20, 480}, {-375, 380, 400, 880}}, "door");
  const Program q = SeparateFronts(p);
  const Bounds3 low = Panel(q.parts[2]), high = Panel(q.parts[4]);
  EXPECT_NEAR(low.max[2], 440, 1e-6);
  EXPECT_NEAR(high.min[2], 440, 1e-6);
  EXPECT_NEAR(high.min[0], -375, 1e-6);  // x is left alone
  EXPECT_TRUE(ValidateProgram(q).empty());
}

TEST(SeparateFrontsTest, TilingFrontsAndFrontsAtDifferentDepthsAreLeftAlone) {
  const Program tiled =
      Chest({{-380, 0, 20, 400}, {0, 380, 20, 400}, {-380, 380, 400, 880}}, "drawer");
  std::vector<std::string> notes;
  EXPECT_EQ(SeparateFronts(tiled, &notes), tiled);
  EXPECT_TRUE(notes.empty());
  // A drawer at the back of a table does not collide with one at the front.
  Program table = Chest({{-200, 200, 600, 700}}, "drawer");
  table.category = "table";
  table.parts.push_back(BoxPart("drawer", 1, {-200, 300, 600}, {200, 318, 700}));
  EXPECT_EQ(SeparateFronts(table), table);
}

TEST(ScaleProgramTest, StretchesEveryAxisAboutTheOrigin) {
  const Program p = Chest({{-380, 0, 20, 400}, {0, 380, 20, 400}}, "drawer");
  const Program q = ScaleProgram(p, {1.25, 0.8, 1.1});
  ASSERT_EQ(q.parts.size(), p.parts.size());
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const Bounds3 a = ApproxPartBounds(p.parts[i]), b = ApproxPartBounds(q.parts[i]);
    const double s[3] = {1.25, 0.8, 1.1};
    for (int k = 0; k < 3; ++k) {
      // A knob (a circle in x and z) keeps its round shape: only its centre follows the map.
      if (p.parts[i].label == "handle" && k != 1) {
        EXPECT_NEAR(b.Center()[k], s[k] * a.Center()[k], 1e-6) << i << " " << k;
        continue;
      }
      EXPECT_NEAR(b.min[k], s[k] * a.min[k], 1e-6) << i << " " << k;
      EXPECT_NEAR(b.max[k], s[k] * a.max[k], 1e-6) << i << " " << k;
    }
  }
  // A knob's circle lies in the front plane (x and z): its radius takes sqrt(1.25 * 1.1).
  const auto& knob = std::get<Circle>(q.parts[3].features[0].sketch.loops[0][0]);
  EXPECT_NEAR(knob.radius, 12 * std::sqrt(1.25 * 1.1), 1e-9);
  EXPECT_TRUE(ValidateProgram(q).empty());
  EXPECT_EQ(ScaleProgram(p, {1, 1, 1}), p);
}

}  // namespace
}  // namespace img2cad::program
