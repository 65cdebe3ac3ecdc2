#include "pipeline/repair.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "cad/model.h"
#include "program/json_io.h"
#include "program/validate.h"
#include "synth/generator.h"

namespace img2cad::pipeline {
namespace {

program::Program Table() {
  return program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json").value();
}

// The repaired program must validate and build, and each repair must be recorded.
program::Program ExpectRepaired(const program::Program& broken, const std::string& expect) {
  std::vector<std::string> repairs;
  std::optional<cad::Model> built;
  auto fixed = RepairProgram(broken, &repairs, 24, true, &built);
  EXPECT_TRUE(fixed.ok()) << fixed.status().ToString();
  if (!fixed.ok()) return broken;
  EXPECT_TRUE(program::Validate(*fixed).ok());
  // The model handed out is the repaired program's, so the caller need not build it again.
  EXPECT_TRUE(built.has_value());
  if (built) EXPECT_EQ(built->program(), *fixed);
  std::string all;
  for (const auto& r : repairs) all += r + "\n";
  EXPECT_NE(all.find(expect), std::string::npos) << all;
  return *fixed;
}

TEST(RepairTest, AValidProgramIsLeftAlone) {
  std::vector<std::string> repairs;
  auto fixed = RepairProgram(Table(), &repairs);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(*fixed, Table());
  EXPECT_TRUE(repairs.empty());
}

TEST(RepairTest, HandsOutTheModelOnlyWhenItBuilds) {
  std::vector<std::string> repairs;
  std::optional<cad::Model> built;
  ASSERT_TRUE(RepairProgram(Table(), &repairs, 24, /*build=*/false, &built).ok());
  EXPECT_FALSE(built.has_value());  // nothing was built
  ASSERT_TRUE(RepairProgram(Table(), &repairs, 24, /*build=*/true, &built).ok());
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(built->NumParts(), Table().parts.size());
  EXPECT_GT(built->TotalVolume(), 0);
}

TEST(RepairTest, NegativeAndZeroDistancesAreClamped) {
  program::Program p = Table();
  p.parts[0].features[0].extrude.distance = -30;
  p.parts[1].features[0].extrude.distance = 0;
  const auto fixed = ExpectRepaired(p, "parts[1].features[0]: distance");
  EXPECT_EQ(fixed.parts[0].features[0].extrude.distance, 30);
}

TEST(RepairTest, ASelfCrossingLoopIsReordered) {
  program::Program p = Table();
  auto& loop = p.parts[0].features[0].sketch.loops[0];
  std::swap(loop[1], loop[2]);  // a bow tie
  ASSERT_FALSE(program::Validate(p).ok());
  const auto fixed = ExpectRepaired(p, "re-ordered by angle");
  EXPECT_EQ(fixed.parts[0].features[0].sketch.loops[0].size(), 4u);
}

TEST(RepairTest, AHoleOutsideItsOuterLoopIsDropped) {
  program::Program p = Table();
  p.parts[0].features[0].sketch.loops.push_back({program::Circle{{2000, 0}, 20}});
  ASSERT_FALSE(program::Validate(p).ok());
  const auto fixed = ExpectRepaired(p, "dropped the hole");
  EXPECT_EQ(fixed.parts[0].features[0].sketch.loops.size(), 1u);
}

TEST(RepairTest, AnIntersectThatEmptiesThePartIsDropped) {
  program::Program p = Table();
  // Move the top's intersect tool far away: the intersection is empty.
  p.parts[0].features[1].sketch.plane.origin = {0, 0, 5000};
  ASSERT_FALSE(cad::BuildModel(p).ok());
  const auto fixed = ExpectRepaired(p, "dropped the cut or intersect");
  EXPECT_EQ(fixed.parts[0].features.size(), 1u);
}

TEST(RepairTest, ParallelPlaneDirectionsGetAnotherAxis) {
  program::Program p = Table();
  p.parts[1].features[0].sketch.plane.x_dir = {0, 0, 2};  // parallel to the normal
  ExpectRepaired(p, "parts[1].features[0]: x direction parallel");
}

// A drawer's body (a join) pulled 40 mm back from its front leaves the part in two pieces: the
// repair moves the body onto the front, and every part keeps its features.
TEST(RepairTest, ADetachedJoinIsMovedOntoItsPart) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    program::Program p = synth::Generate("storage", seed).value().program;
    auto drawer = std::find_if(p.parts.begin(), p.parts.end(), [](const program::Part& q) {
      return q.label == "drawer" && q.features.size() == 2;
    });
    if (drawer == p.parts.end()) continue;
    drawer->features[1].sketch.plane.origin[1] += 40;
    ASSERT_FALSE(cad::BuildModel(p).ok());
    const auto fixed = ExpectRepaired(p, "moved onto the part");
    ASSERT_EQ(fixed.parts.size(), p.parts.size());
    for (size_t i = 0; i < p.parts.size(); ++i)
      EXPECT_EQ(fixed.parts[i].features.size(), p.parts[i].features.size()) << i;
    return;
  }
  FAIL() << "no storage piece with a drawer body in 200 seeds";
}

TEST(RepairTest, WhatCannotBeRepairedIsAnError) {
  program::Program p = Table();
  p.parts.clear();
  std::vector<std::string> repairs;
  auto fixed = RepairProgram(p, &repairs, 3);
  ASSERT_FALSE(fixed.ok());
  EXPECT_NE(fixed.status().ToString().find("could not be repaired"), std::string::npos);
}

}  // namespace
}  // namespace img2cad::pipeline
