#include "program/structure.h"

#include <gtest/gtest.h>

#include "program/json_io.h"

namespace img2cad::program {
namespace {

Program Example(const std::string& name) {
  return ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json").value();
}

TEST(StructureTest, StripsEveryNumberAndKeepsEverythingDiscrete) {
  const Structure s = StructureOf(Example("chair"));
  EXPECT_EQ(s.category, "chair");
  ASSERT_EQ(s.parts.size(), 10u);
  const PartStructure& back = s.parts[1];
  EXPECT_EQ(back.label, "back");
  ASSERT_EQ(back.features.size(), 2u);
  EXPECT_EQ(back.features[0].loops[0].size(), 4u);
  EXPECT_EQ(back.features[0].loops[0][2].type, CurveType::kArc);
  EXPECT_EQ(back.features[1].operation, Operation::kCut);
  EXPECT_EQ(back.features[1].extent, Extent::kSymmetric);
  const std::string json = StructureToJson(s);
  EXPECT_EQ(json.find_first_of("0123456789", json.find("\"parts\"")),
            json.find("\"instance\": ") + 12);  // the only digits are instances
}

TEST(StructureTest, JsonRoundTrip) {
  for (const char* name : {"chair", "table", "storage"}) {
    const Structure s = StructureOf(Example(name));
    auto back = ParseStructure(StructureToJson(s));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, s);
  }
}

TEST(StructureTest, ParseErrorsAreLocated) {
  auto r = ParseStructure(R"({"format": "img2cad.structure/1", "category": "chair", "parts": [
      {"label": "seat", "instance": 0, "features": [
        {"loops": [["line", "spline"]], "extent": "one_sided", "operation": "new_body"}]}]})",
                          "s.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(),
            "s.json: parts[0].features[0].loops[0][1]: unknown curve type 'spline'");
}

TEST(StructureTest, TextForm) {
  const std::string text = StructureToText(StructureOf(Example("table")));
  EXPECT_NE(text.find("# table, 10 parts, symmetry reflect_x\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find("top 0\n  sketch [line line line line]\n  extrude one_sided new_body\n"
                "  sketch [line arc line arc line arc line arc]\n  extrude symmetric intersect"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("shelf 0\n  sketch [line line line line] [circle]\n"), std::string::npos);
}

TEST(StructureTest, KeyIgnoresOrderAndInstances) {
  Program p = Example("storage");
  const std::string key = StructureKey(StructureOf(p));
  std::swap(p.parts[0], p.parts[3]);
  p.parts[0].instance = 7;
  EXPECT_EQ(StructureKey(StructureOf(p)), key);
  p.parts.pop_back();
  EXPECT_NE(StructureKey(StructureOf(p)), key);
}

// The mean of two readings of one structure averages every number and keeps the planes'
// directions orthonormal; programs of another structure are refused.
TEST(StructureTest, MeanProgramAveragesTheNumbersOfOneStructure) {
  Program a = Example("chair"), b = Example("chair");
  for (Part& p : b.parts) {
    for (Feature& f : p.features) {
      f.sketch.plane.origin[0] += 10;
      // A slightly tilted reading (the mean is renormalised, so b's need not be unit).
      for (int k = 0; k < 3; ++k) f.sketch.plane.normal[k] += 0.2 - 0.1 * k;
      f.extrude.distance += 4;
    }
  }
  auto mean = MeanProgram({a, b});
  ASSERT_TRUE(mean.ok()) << mean.status().ToString();
  EXPECT_EQ(StructureOf(*mean), StructureOf(a));
  const Feature& fa = a.parts[0].features[0];
  const Feature& fm = mean->parts[0].features[0];
  EXPECT_DOUBLE_EQ(fm.sketch.plane.origin[0], fa.sketch.plane.origin[0] + 5);
  EXPECT_DOUBLE_EQ(fm.extrude.distance, fa.extrude.distance + 2);
  const auto& n = fm.sketch.plane.normal;
  const auto& x = fm.sketch.plane.x_dir;
  EXPECT_NEAR(n[0] * n[0] + n[1] * n[1] + n[2] * n[2], 1, 1e-12);
  EXPECT_NEAR(x[0] * x[0] + x[1] * x[1] + x[2] * x[2], 1, 1e-12);
  EXPECT_NEAR(n[0] * x[0] + n[1] * x[1] + n[2] * x[2], 0, 1e-12);
  EXPECT_EQ(*MeanProgram({a}), a);

  Program other = a;
  other.parts.pop_back();
  EXPECT_EQ(MeanProgram({a, other}).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(MeanProgram({}).status().code(), core::StatusCode::kInvalidArgument);
  Program flipped = a;
  for (Part& p : flipped.parts)
    for (Feature& f : p.features)
      for (double& v : f.sketch.plane.normal) v = -v;
  EXPECT_EQ(MeanProgram({a, flipped}).status().code(), core::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace img2cad::program
