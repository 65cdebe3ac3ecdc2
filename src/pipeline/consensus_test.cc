#include "pipeline/consensus.h"

#include <gtest/gtest.h>

#include <string>

#include "cad/model.h"
#include "program/json_io.h"

namespace img2cad::pipeline {
namespace {

program::Program Example(const std::string& name) {
  return program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json")
      .value();
}

TEST(ConsensusTest, TheShapeClosestToTheOthersWinsOverASlightlyLikelierOutlier) {
  const program::Program table = Example("table");
  const program::Program chair = Example("chair");
  program::Program chair_less = chair;  // one part fewer: the beam's usual hesitation
  chair_less.parts.pop_back();
  auto c = ChooseByConsensus({table, chair, chair_less}, {-1.0, -1.1, -1.2});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->index, 1);
  ASSERT_EQ(c->risk.size(), 3u);
  EXPECT_GT(c->risk[0], c->risk[1]);
  EXPECT_NEAR(c->weight[0] + c->weight[1] + c->weight[2], 1.0, 1e-9);
  EXPECT_GT(c->weight[0], c->weight[1]);
  // Far likelier, the outlier holds: the others' weight no longer outvotes it.
  auto sure = ChooseByConsensus({table, chair, chair_less}, {0.0, -20.0, -20.0});
  ASSERT_TRUE(sure.ok());
  EXPECT_EQ(sure->index, 0);
}

TEST(ConsensusTest, CandidatesAlreadyBuiltGiveTheSameChoice) {
  const program::Program table = Example("table");
  const program::Program chair = Example("chair");
  program::Program chair_less = chair;
  chair_less.parts.pop_back();
  auto built_chair = cad::BuildModel(chair);
  auto built_less = cad::BuildModel(chair_less);
  ASSERT_TRUE(built_chair.ok() && built_less.ok());
  const std::vector<double> scores = {-1.0, -1.1, -1.2};
  auto fresh = ChooseByConsensus({table, chair, chair_less}, scores);
  // The table is built here; the chairs are taken as given.
  auto given =
      ChooseByConsensus({table, chair, chair_less}, scores, {nullptr, &*built_chair, &*built_less});
  ASSERT_TRUE(fresh.ok() && given.ok());
  EXPECT_EQ(given->index, fresh->index);
  EXPECT_EQ(given->risk, fresh->risk);
  EXPECT_EQ(ChooseByConsensus({table, chair}, {0.0, 0.0}, {nullptr}).status().code(),
            core::StatusCode::kInvalidArgument);
}

TEST(ConsensusTest, ACandidateThatDoesNotBuildIsNeverChosen) {
  program::Program broken = Example("chair");
  for (auto& part : broken.parts)
    for (auto& f : part.features) f.extrude.distance = 0;
  auto c = ChooseByConsensus({broken, Example("chair")}, {0.0, -5.0});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->index, 1);
  EXPECT_LT(c->risk[0], 0);
  EXPECT_EQ(c->weight[0], 0);
  // Identical candidates tie, and the tie goes to the first.
  auto tie = ChooseByConsensus({Example("chair"), Example("chair")}, {0.0, 0.0});
  ASSERT_TRUE(tie.ok());
  EXPECT_EQ(tie->index, 0);
}

TEST(ConsensusTest, BadInputIsRefused) {
  EXPECT_EQ(ChooseByConsensus({}, {}).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(ChooseByConsensus({Example("chair")}, {0.0, 1.0}).status().code(),
            core::StatusCode::kInvalidArgument);
  program::Program broken = Example("chair");
  for (auto& part : broken.parts)
    for (auto& f : part.features) f.extrude.distance = 0;
  EXPECT_EQ(ChooseByConsensus({broken}, {0.0}).status().code(), core::StatusCode::kGeometry);
}

}  // namespace
}  // namespace img2cad::pipeline
