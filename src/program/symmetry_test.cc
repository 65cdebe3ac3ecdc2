#include "program/symmetry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "program/json_io.h"
#include "program/sketch_geometry.h"
#include "program/tokens.h"
#include "program/validate.h"
#include "program/vocabulary.h"

namespace img2cad::program {
namespace {

Program Example(const std::string& name) {
  return ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json").value();
}

// Every pair of same-label parts whose centres mirror each other has mirrored bounds.
void ExpectMirrored(const Program& p, size_t a, size_t b) {
  const Bounds3 ba = ApproxPartBounds(p.parts[a]), bb = ApproxPartBounds(p.parts[b]);
  EXPECT_NEAR(ba.min[0], -bb.max[0], 1e-6);
  EXPECT_NEAR(ba.max[0], -bb.min[0], 1e-6);
  for (int k = 1; k < 3; ++k) {
    EXPECT_NEAR(ba.min[k], bb.min[k], 1e-6);
    EXPECT_NEAR(ba.max[k], bb.max[k], 1e-6);
  }
}

TEST(SymmetryTest, MirroringTwiceGivesThePartBack) {
  for (const char* name : {"chair", "table", "storage"}) {
    const Program p = Example(name);
    for (const Part& part : p.parts) {
      const Part twice = MirrorPart(MirrorPart(part));
      EXPECT_EQ(twice, part) << name << " " << PartDisplayName(part);
      const Bounds3 a = ApproxPartBounds(part), m = ApproxPartBounds(MirrorPart(part));
      EXPECT_NEAR(a.min[0], -m.max[0], 1e-6);
      EXPECT_NEAR(a.min[1], m.min[1], 1e-6);
    }
  }
}

TEST(SymmetryTest, ASymmetricProgramIsUnchangedAndABrokenOneIsMadeExact) {
  const Program table = Example("table");
  ASSERT_EQ(table.symmetry, Symmetry::kReflectX);
  // Already exact: the shapes stay put (a right-hand loop may now start at another corner).
  const Program same = EnforceReflectX(table);
  for (size_t i = 0; i < table.parts.size(); ++i) {
    const Bounds3 a = ApproxPartBounds(table.parts[i]), b = ApproxPartBounds(same.parts[i]);
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(a.min[k], b.min[k], 1e-6) << PartDisplayName(table.parts[i]);
      EXPECT_NEAR(a.max[k], b.max[k], 1e-6) << PartDisplayName(table.parts[i]);
    }
  }

  Program broken = table;
  size_t leg = 0, top = 0;
  for (size_t i = 0; i < broken.parts.size(); ++i) {
    if (broken.parts[i].label == "leg" && broken.parts[i].instance == 0) leg = i;
    if (broken.parts[i].label == "top") top = i;
  }
  for (Feature& f : broken.parts[leg].features) f.sketch.plane.origin[0] += 8;
  for (Feature& f : broken.parts[top].features) f.sketch.plane.origin[0] += 3;
  std::vector<std::string> notes;
  const Program fixed = EnforceReflectX(broken, &notes);
  EXPECT_TRUE(Validate(fixed).ok());
  ASSERT_FALSE(notes.empty());
  EXPECT_NEAR(ApproxPartBounds(fixed.parts[top]).Center()[0], 0, 1e-6);
  // The legs pair up by mirrored centres: each has a mirror partner.
  for (size_t i = 0; i < fixed.parts.size(); ++i) {
    if (fixed.parts[i].label != "leg") continue;
    const Vec3 c = ApproxPartBounds(fixed.parts[i]).Center();
    size_t partner = i;
    for (size_t j = 0; j < fixed.parts.size(); ++j) {
      const Vec3 d = ApproxPartBounds(fixed.parts[j]).Center();
      if (j != i && fixed.parts[j].label == "leg" &&
          std::hypot(c[0] + d[0], c[1] - d[1], c[2] - d[2]) < 1e-6)
        partner = j;
    }
    ASSERT_NE(partner, i) << PartDisplayName(fixed.parts[i]);
    ExpectMirrored(fixed, i, partner);
  }
}

// A repair may turn one side's arcs into lines: the pair no longer has the same layout, and the
// left part is copied rather than aligned point by point (which once read an arc as a line).
TEST(SymmetryTest, APairWithArcsOnOneSideOnlyIsCopied) {
  Program table = Example("table");
  size_t left = table.parts.size();
  for (size_t i = 0; i < table.parts.size(); ++i) {
    const auto& loops = table.parts[i].features[0].sketch.loops;
    if (table.parts[i].label == "leg" && ApproxPartBounds(table.parts[i]).Center()[0] < 0 &&
        loops[0].size() >= 3 && std::holds_alternative<Line>(loops[0][0]))
      left = i;
  }
  ASSERT_LT(left, table.parts.size()) << "the example table needs a left leg with a line loop";
  Curve& first = table.parts[left].features[0].sketch.loops[0][0];
  first = Arc{std::get<Line>(first).to, 10, true};
  std::vector<std::string> notes;
  const Program fixed = EnforceReflectX(table, &notes);
  EXPECT_TRUE(Validate(fixed).ok());
  bool copied = false;
  for (const auto& n : notes) copied |= n.find("(left copied)") != std::string::npos;
  EXPECT_TRUE(copied);
}

TEST(SymmetryTest, OtherLabelsAreLeftAlone) {
  Program p = Example("table");
  p.symmetry = Symmetry::kNone;
  for (Feature& f : p.parts[0].features) f.sketch.plane.origin[0] += 5;
  EXPECT_EQ(EnforceReflectX(p), p);
}

}  // namespace
}  // namespace img2cad::program
