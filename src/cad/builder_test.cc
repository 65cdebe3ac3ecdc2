#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cad/model.h"
#include "program/builders.h"
#include "program/json_io.h"

namespace img2cad::cad {
namespace {

using namespace program;  // NOLINT: test vocabulary
constexpr double kPi = std::numbers::pi;

Program Single(std::vector<Feature> features, const std::string& category = "table",
               const std::string& label = "top") {
  Program p;
  p.category = category;
  p.parts.push_back(Part{label, 0, std::move(features)});
  return p;
}

double VolumeOf(const Program& p) {
  auto m = BuildModel(p);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? m->TotalVolume() : -1;
}

void ExpectVolume(const Program& p, double expected) {
  EXPECT_NEAR(VolumeOf(p), expected, expected * 1e-3);
}

TEST(BuildTest, LoopTypes) {
  ExpectVolume(
      Single({MakeFeature(HorizontalPlane(0), {RectLoop(0, 0, 40, 30)}, Extent::kOneSided, 10)}),
      40 * 30 * 10);
  ExpectVolume(
      Single({MakeFeature(HorizontalPlane(0), {CircleLoop(5, 5, 20)}, Extent::kOneSided, 10)}),
      kPi * 400 * 10);
  const double r = 8;
  ExpectVolume(Single({MakeFeature(HorizontalPlane(0), {RoundedRectLoop(0, 0, 100, 50, r)},
                                   Extent::kOneSided, 5)}),
               (100 * 50 - (4 - kPi) * r * r) * 5);
  // A D shape: a line closed by a 180-degree arc.
  Loop d = {Line{{20, 0}}, Arc{{0, 0}, 180, true}};
  ExpectVolume(Single({MakeFeature(HorizontalPlane(0), {d}, Extent::kOneSided, 3)}),
               kPi * 100 / 2 * 3);
  // Clockwise outer loop and counter-clockwise hole: orientation must not matter.
  Loop cw = {Line{{0, 30}}, Line{{40, 30}}, Line{{40, 0}}, Line{{0, 0}}};
  ExpectVolume(
      Single({MakeFeature(HorizontalPlane(0), {cw, CircleLoop(20, 15, 5)}, Extent::kOneSided, 10)}),
      (1200 - kPi * 25) * 10);
}

TEST(BuildTest, Extents) {
  auto f = [](Extent e, double d, double d2) {
    return Single({MakeFeature(HorizontalPlane(100), {RectLoop(0, 0, 10, 10)}, e, d,
                               Operation::kNewBody, d2)});
  };
  ExpectVolume(f(Extent::kOneSided, 7, 0), 700);
  ExpectVolume(f(Extent::kSymmetric, 7, 0), 1400);
  ExpectVolume(f(Extent::kTwoSided, 7, 3), 1000);
  auto m = BuildModel(f(Extent::kTwoSided, 7, 3));
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->Parts()[0].bounds.min[2], 97, 1e-6);
  EXPECT_NEAR(m->Parts()[0].bounds.max[2], 107, 1e-6);
  auto s = BuildModel(f(Extent::kSymmetric, 7, 0));
  EXPECT_NEAR(s->Parts()[0].bounds.min[2], 93, 1e-6);
}

TEST(BuildTest, Operations) {
  const Feature base =
      MakeFeature(HorizontalPlane(0), {RectLoop(0, 0, 100, 100)}, Extent::kOneSided, 10);
  const Loop corner = RectLoop(50, 50, 150, 150);
  // join: two overlapping 100x100x10 slabs sharing a 50x50 square
  ExpectVolume(Single({base, MakeFeature(HorizontalPlane(0), {corner}, Extent::kOneSided, 10,
                                         Operation::kJoin)}),
               (20000 - 2500) * 10);
  ExpectVolume(Single({base, MakeFeature(HorizontalPlane(-5), {corner}, Extent::kOneSided, 20,
                                         Operation::kCut)}),
               7500 * 10);
  ExpectVolume(Single({base, MakeFeature(HorizontalPlane(-5), {corner}, Extent::kOneSided, 20,
                                         Operation::kIntersect)}),
               2500 * 10);
  // A later new_body joins like join.
  ExpectVolume(Single({base, MakeFeature(HorizontalPlane(0), {corner}, Extent::kOneSided, 10,
                                         Operation::kNewBody)}),
               (20000 - 2500) * 10);
}

TEST(BuildTest, TiltedPlane) {
  // A plane tilted 30 degrees about x, away from the axes, with a non-unit, non-orthogonal x_dir.
  const double c = std::cos(kPi / 6), s = std::sin(kPi / 6);
  Plane tilted{{10, -20, 30}, {0, -s * 3, c * 3}, {2, 0.5, 0.1}};
  Feature f = MakeFeature(tilted, {RoundedRectLoop(-20, -10, 30, 25, 4), CircleLoop(0, 5, 3)},
                          Extent::kTwoSided, 6, Operation::kNewBody, 2.5);
  const double area = 50 * 35 - (4 - kPi) * 16 - kPi * 9;
  ExpectVolume(Single({f}), area * 8.5);
}

TEST(BuildTest, ErrorsDoNotDependOnThreads) {
  // Parts 1 and 3 both fail; the first in document order is reported whatever the schedule.
  Program p;
  p.category = "chair";
  const Feature ok =
      MakeFeature(HorizontalPlane(0), {RectLoop(0, 0, 10, 10)}, Extent::kOneSided, 10);
  const Feature empties = MakeFeature(HorizontalPlane(-1), {RectLoop(-5, -5, 20, 20)},
                                      Extent::kOneSided, 20, Operation::kCut);
  for (int i = 0; i < 4; ++i) {
    Part part{"leg", i, {ok}};
    part.features[0].sketch.plane.origin[0] = 100.0 * i;
    if (i == 1 || i == 3) {
      part.features.push_back(empties);
      part.features[1].sketch.plane.origin[0] = 100.0 * i;
    }
    p.parts.push_back(part);
  }
  for (int threads : {1, 2, 4}) {
    BuildOptions o;
    o.num_threads = threads;
    auto m = BuildModel(p, o);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().ToString(), "parts[1].features[1]: cut leaves the part empty") << threads;
  }
}

TEST(BuildTest, EmptyResultsAreRefused) {
  const Feature base =
      MakeFeature(HorizontalPlane(0), {RectLoop(0, 0, 10, 10)}, Extent::kOneSided, 10);
  auto cut = BuildModel(Single({base, MakeFeature(HorizontalPlane(-1), {RectLoop(-5, -5, 20, 20)},
                                                  Extent::kOneSided, 20, Operation::kCut)}));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().ToString(), "parts[0].features[1]: cut leaves the part empty");
  auto common =
      BuildModel(Single({base, MakeFeature(HorizontalPlane(0), {RectLoop(50, 50, 60, 60)},
                                           Extent::kOneSided, 10, Operation::kIntersect)}));
  ASSERT_FALSE(common.ok());
  EXPECT_EQ(common.status().ToString(), "parts[0].features[1]: intersect leaves the part empty");
  auto apart = BuildModel(Single({base, MakeFeature(HorizontalPlane(0), {RectLoop(50, 50, 60, 60)},
                                                    Extent::kOneSided, 10, Operation::kJoin)}));
  ASSERT_FALSE(apart.ok());
  EXPECT_EQ(apart.status().code(), core::StatusCode::kGeometry);
  EXPECT_NE(apart.status().ToString().find("2 separate solids"), std::string::npos);
}

TEST(BuildTest, InvalidProgramsNeverReachTheKernel) {
  Program bow =
      Single({MakeFeature(HorizontalPlane(0), {PolygonLoop({{0, 0}, {10, 10}, {10, 0}, {0, 10}})},
                          Extent::kOneSided, 10)});
  auto m = BuildModel(bow);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().ToString().find("loop crosses itself"), std::string::npos);
}

TEST(BuildTest, ExamplesBuildIntoNamedValidParts) {
  for (const char* name : {"chair", "table", "storage"}) {
    auto p = ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json");
    ASSERT_TRUE(p.ok());
    BuildOptions strict;
    strict.self_interference = SelfInterferenceCheck::kEveryPart;
    strict.num_threads = 1;
    auto m = BuildModel(*p, strict);
    ASSERT_TRUE(m.ok()) << name << ": " << m.status().ToString();
    ASSERT_EQ(m->NumParts(), p->parts.size());
    // The default (parallel, checks after booleans) gives the same parts.
    auto fast = BuildModel(*p);
    ASSERT_TRUE(fast.ok());
    for (size_t i = 0; i < m->NumParts(); ++i) {
      EXPECT_EQ(fast->Parts()[i].name, m->Parts()[i].name);
      EXPECT_DOUBLE_EQ(fast->Parts()[i].volume_mm3, m->Parts()[i].volume_mm3);
    }
    for (const auto& r : m->Parts()) {
      EXPECT_TRUE(r.valid) << r.name;
      EXPECT_GT(r.volume_mm3, 0) << r.name;
    }
    EXPECT_NEAR(m->Bounds().min[2], 0, 1e-6) << name << " stands on z = 0";
  }
}

TEST(TessellateTest, MeshVolumeMatchesBrep) {
  auto p = ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json");
  auto m = BuildModel(*p);
  ASSERT_TRUE(m.ok());
  auto mesh = Tessellate(*m);
  ASSERT_TRUE(mesh.ok()) << mesh.status().ToString();
  EXPECT_EQ(mesh->triangles.size(), mesh->part_ids.size());
  for (size_t i = 0; i < m->NumParts(); ++i) {
    const double brep = m->Parts()[i].volume_mm3;
    EXPECT_NEAR(geom::EnclosedVolume(*mesh, static_cast<int>(i)), brep, brep * 0.02)
        << m->Parts()[i].name;
  }
}

}  // namespace
}  // namespace img2cad::cad
