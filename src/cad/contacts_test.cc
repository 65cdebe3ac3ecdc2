#include <gtest/gtest.h>

#include "cad/model.h"
#include "program/builders.h"
#include "program/json_io.h"

namespace img2cad::cad {
namespace {

using program::BoxPart;

TEST(ContactsTest, TouchingOverlappingAndApart) {
  program::Program p;
  p.category = "table";
  p.parts = {BoxPart("top", 0, {0, 0, 100}, {100, 100, 110}),  // 0
             BoxPart("leg", 0, {0, 0, 0}, {10, 10, 100}),      // 1 touches the top's underside
             BoxPart("leg", 1, {50, 50, 50}, {60, 60, 105}),   // 2 pokes into the top
             BoxPart("leg", 2, {200, 0, 0}, {210, 10, 100})};  // 3 stands apart
  auto m = BuildModel(p);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto pairs = TouchingParts(*m);
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(*pairs, (std::vector<std::pair<int, int>>{{0, 1}, {0, 2}}));
  auto groups = ContactGroups(*m);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[1], std::vector<int>{3});
}

TEST(ContactsTest, APartInsideAnotherTouchesIt) {
  program::Program p;
  p.category = "table";
  p.parts = {BoxPart("top", 0, {0, 0, 0}, {100, 100, 100}),
             BoxPart("leg", 0, {40, 40, 40}, {60, 60, 60})};
  auto m = BuildModel(p);
  auto groups = ContactGroups(*m);
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(groups->size(), 1u);
}

TEST(ContactsTest, ExamplesAreConnected) {
  for (const char* name : {"chair", "table", "storage"}) {
    auto p =
        program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json");
    auto m = BuildModel(*p);
    auto groups = ContactGroups(*m);
    ASSERT_TRUE(groups.ok());
    EXPECT_EQ(groups->size(), 1u) << name;
  }
}

}  // namespace
}  // namespace img2cad::cad
