#include "program/validate.h"

#include <gtest/gtest.h>

#include "program/builders.h"
#include "program/json_io.h"

namespace img2cad::program {
namespace {

Program OnePart(std::vector<Loop> loops, Extent extent = Extent::kOneSided, double d = 10) {
  Program p;
  p.category = "table";
  Part part{"top", 0, {}};
  part.features.push_back(MakeFeature(HorizontalPlane(0), std::move(loops), extent, d));
  p.parts.push_back(part);
  return p;
}

std::string FirstError(const Program& p) { return Validate(p).ToString(); }

TEST(ValidateTest, ExamplesAreValid) {
  for (const char* name : {"chair", "table", "storage"}) {
    auto r = ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto errors = ValidateProgram(*r);
    EXPECT_TRUE(errors.empty()) << name << ": " << errors.front().ToString();
  }
}

TEST(ValidateTest, UnknownCategoryAndLabel) {
  Program p = OnePart({RectLoop(0, 0, 10, 10)});
  p.category = "sofa";
  EXPECT_EQ(FirstError(p), "category: unknown category 'sofa' (known: chair, table, storage)");
  p.category = "table";
  p.parts[0].label = "cushion";
  EXPECT_EQ(FirstError(p),
            "parts[0].label: unknown label 'cushion' for category 'table' (known: top, leg, "
            "apron, stretcher, shelf, column, foot, drawer)");
}

TEST(ValidateTest, ArcSweepOutsideRange) {
  for (double sweep : {0.0, 360.0, -10.0, 400.0}) {
    Loop loop = {Line{{10, 0}}, Arc{{0, 0}, sweep, true}};
    EXPECT_EQ(FirstError(OnePart({loop})),
              "parts[0].features[0].sketch.loops[0][1]: arc sweep must be in (0, 360)")
        << sweep;
  }
}

TEST(ValidateTest, NonPositiveRadiusAndDistance) {
  EXPECT_EQ(FirstError(OnePart({CircleLoop(0, 0, 0)})),
            "parts[0].features[0].sketch.loops[0][0]: circle radius must be positive");
  EXPECT_EQ(FirstError(OnePart({CircleLoop(0, 0, 5)}, Extent::kOneSided, -1)),
            "parts[0].features[0].extrude.distance: distance must be positive");
  Program p = OnePart({CircleLoop(0, 0, 5)}, Extent::kTwoSided, 3);
  EXPECT_EQ(FirstError(p), "parts[0].features[0].extrude.distance2: distance2 must be positive");
}

TEST(ValidateTest, ParallelPlaneAxes) {
  Program p = OnePart({RectLoop(0, 0, 10, 10)});
  p.parts[0].features[0].sketch.plane.x_dir = {0, 0, -3};
  EXPECT_EQ(FirstError(p),
            "parts[0].features[0].sketch.plane.x_dir: x_dir is parallel to the normal");
  p.parts[0].features[0].sketch.plane.normal = {0, 0, 0};
  EXPECT_EQ(FirstError(p), "parts[0].features[0].sketch.plane.normal: normal has zero length");
}

TEST(ValidateTest, SelfCrossingLoop) {
  // A bow tie: (0,0) -> (10,10) -> (10,0) -> (0,10) -> back.
  Loop bow = PolygonLoop({{0, 0}, {10, 10}, {10, 0}, {0, 10}});
  EXPECT_EQ(FirstError(OnePart({bow})),
            "parts[0].features[0].sketch.loops[0]: loop crosses itself (curves 0 and 2)");
  // A rounded rectangle whose corner radius (8) exceeds half its width (5): the arcs overlap.
  Loop bad = {Line{{2, 0}},   Arc{{10, 8}, 90, true}, Line{{10, 92}}, Arc{{2, 100}, 90, true},
              Line{{8, 100}}, Arc{{0, 92}, 90, true}, Line{{0, 8}},   Arc{{8, 0}, 90, true}};
  EXPECT_NE(FirstError(OnePart({bad})).find("loop crosses itself"), std::string::npos);
}

TEST(ValidateTest, ZeroAreaLoop) {
  Loop flat = PolygonLoop({{0, 0}, {10, 0}, {20, 0}});
  EXPECT_EQ(FirstError(OnePart({flat})),
            "parts[0].features[0].sketch.loops[0]: loop has zero area");
  Loop two = {Line{{10, 0}}, Line{{0, 0}}};
  EXPECT_EQ(FirstError(OnePart({two})), "parts[0].features[0].sketch.loops[0]: loop has zero area");
}

TEST(ValidateTest, HoleOutsideOrCrossing) {
  EXPECT_EQ(FirstError(OnePart({RectLoop(0, 0, 10, 10), CircleLoop(50, 50, 2)})),
            "parts[0].features[0].sketch.loops[1]: hole lies outside its outer loop");
  EXPECT_EQ(FirstError(OnePart({RectLoop(0, 0, 10, 10), CircleLoop(10, 5, 2)})),
            "parts[0].features[0].sketch.loops[1]: hole crosses the outer loop");
  EXPECT_EQ(FirstError(OnePart({RectLoop(0, 0, 10, 10), CircleLoop(5, 5, 2), CircleLoop(6, 5, 2)})),
            "parts[0].features[0].sketch.loops[2]: hole overlaps hole loops[1]");
  EXPECT_TRUE(
      Validate(OnePart({RectLoop(0, 0, 10, 10), CircleLoop(3, 5, 1), CircleLoop(7, 5, 1)})).ok());
}

TEST(ValidateTest, CircleMustStandAlone) {
  Loop mixed = {Line{{10, 0}}, Circle{{0, 0}, 3}, Line{{0, 0}}};
  EXPECT_EQ(FirstError(OnePart({mixed})),
            "parts[0].features[0].sketch.loops[0][1]: a circle must be the only curve of its loop");
}

TEST(ValidateTest, InstancesAndFirstOperation) {
  Program p;
  p.category = "chair";
  p.parts = {BoxPart("leg", 0, {0, 0, 0}, {1, 1, 1}), BoxPart("leg", 2, {5, 0, 0}, {6, 1, 1})};
  EXPECT_EQ(FirstError(p),
            "parts[1].instance: instances of 'leg' must be 0..1, each once; found 2");
  p.parts[1].instance = 1;
  EXPECT_TRUE(Validate(p).ok());
  p.parts[1].features[0].extrude.operation = Operation::kCut;
  EXPECT_EQ(FirstError(p),
            "parts[1].features[0].extrude.operation: the first feature of a part must be new_body");
}

TEST(ValidateTest, ReportsEveryProblem) {
  Program p = OnePart({CircleLoop(0, 0, -1)}, Extent::kOneSided, 0);
  EXPECT_EQ(ValidateProgram(p).size(), 2u);
}

}  // namespace
}  // namespace img2cad::program
