#include "program/vocabulary.h"

#include <gtest/gtest.h>

#include "program/json_io.h"
#include "program/sketch_geometry.h"

namespace img2cad::program {
namespace {

TEST(VocabularyTest, LabelsAndIndexes) {
  EXPECT_EQ(Categories(), (std::vector<std::string>{"chair", "table", "storage"}));
  EXPECT_EQ(LabelIndex("chair", "seat"), 0);
  EXPECT_EQ(LabelIndex("storage", "leg"), 10);
  EXPECT_FALSE(LabelIndex("chair", "door"));
  EXPECT_FALSE(LabelIndex("sofa", "seat"));
  EXPECT_TRUE(LabelsOf("sofa").empty());
}

TEST(VocabularyTest, ExamplesFollowTheInstanceOrderingRule) {
  for (const char* name : {"chair", "table", "storage"}) {
    Program p =
        ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json").value();
    std::vector<Bounds3> bounds;
    for (const Part& part : p.parts) bounds.push_back(ApproxPartBounds(part));
    Program reordered = p;
    for (Part& part : reordered.parts) part.instance = 99;
    AssignInstances(bounds, &reordered);
    EXPECT_EQ(reordered, p) << name;
  }
}

TEST(VocabularyTest, OrderIsXThenYThenZWithTolerance) {
  EXPECT_TRUE(CentreOrderLess({-1, 0, 0}, {0, -5, 0}));
  EXPECT_TRUE(CentreOrderLess({0.1, -5, 0}, {0, 5, 0}));  // x within tolerance: y decides
  EXPECT_TRUE(CentreOrderLess({0, 0, 1}, {0, 0, 2}));
  EXPECT_FALSE(CentreOrderLess({0, 0, 0}, {0, 0, 0}));
}

}  // namespace
}  // namespace img2cad::program
