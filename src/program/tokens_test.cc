#include "program/tokens.h"

#include <gtest/gtest.h>

#include "program/json_io.h"

namespace img2cad::program {
namespace {

TEST(TokensTest, RoundTripIsExact) {
  for (const char* name : {"chair", "table", "storage"}) {
    Program p =
        ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json").value();
    auto tokens = ToTokens(p);
    ASSERT_EQ(tokens.size(), p.parts.size());
    auto back = FromTokens(p.category, p.symmetry, tokens);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, p) << name;
  }
}

TEST(TokensTest, SkeletonIsTheTokensWithTheNumbersLeftOut) {
  for (const char* name : {"chair", "table", "storage"}) {
    Program p =
        ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json").value();
    auto want = ToTokens(p);
    for (auto& part : want)
      for (auto& cmd : part.commands)
        for (int k = 0; k < kNumArgs; ++k)
          if (!IsDiscreteArg(cmd.type, k)) cmd.args[k] = 0;
    EXPECT_EQ(SkeletonTokens(StructureOf(p)), want) << name;
  }
}

TEST(TokensTest, LayoutOfAFeature) {
  Program p = ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json").value();
  // shelf: SOL, 4 lines, SOL, circle, Extrude
  const PartTokens shelf = ToTokens(p).back();
  ASSERT_EQ(shelf.commands.size(), 8u);
  std::string types;
  for (const auto& c : shelf.commands) types += std::string(CommandName(c.type)) + " ";
  EXPECT_EQ(types, "SOL Line Line Line Line SOL Circle Extrude ");
  const Command& e = shelf.commands.back();
  EXPECT_EQ(e.args[2], 150);  // origin z
  EXPECT_EQ(e.args[10], 20);  // distance
  for (int k = 0; k < kNumArgs; ++k) {
    for (const auto& c : shelf.commands) {
      if (k >= ArgCount(c.type)) EXPECT_EQ(c.args[k], 0.0);
    }
  }
}

TEST(TokensTest, MalformedSequencesAreRefused) {
  auto cmd = [](CommandType t) { return Command{t, {}}; };
  std::vector<PartTokens> parts = {{"seat", 0, {cmd(CommandType::kLine)}}};
  EXPECT_EQ(FromTokens("chair", Symmetry::kNone, parts).status().ToString(),
            "parts[0].commands[0]: Line before any SOL");
  parts[0].commands = {cmd(CommandType::kSol), cmd(CommandType::kCircle), cmd(CommandType::kLine)};
  EXPECT_EQ(FromTokens("chair", Symmetry::kNone, parts).status().ToString(),
            "parts[0].commands[2]: a circle must be the only curve of its loop");
  parts[0].commands = {cmd(CommandType::kSol), cmd(CommandType::kCircle)};
  EXPECT_EQ(FromTokens("chair", Symmetry::kNone, parts).status().ToString(),
            "parts[0].commands[2]: a part's commands must end with Extrude");
  Command e = cmd(CommandType::kExtrude);
  e.args[12] = 7;
  parts[0].commands = {cmd(CommandType::kSol), cmd(CommandType::kCircle), e};
  EXPECT_EQ(FromTokens("chair", Symmetry::kNone, parts).status().ToString(),
            "parts[0].commands[2]: operation must be 0, 1, 2 or 3");
}

TEST(TokensTest, TextFormListsUsedArgumentsExactly) {
  Command arc{CommandType::kArc, {}};
  arc.args = {0.1, 30, 90, 1};
  Command sol{CommandType::kSol, {}};
  const std::string text = TokensToText({{"back", 1, {sol, arc}}});
  EXPECT_EQ(text, "back 1\n  SOL\n  Arc 0.1 30 90 1\n");
  Command third{CommandType::kLine, {}};
  third.args[0] = 1.0 / 3.0;
  EXPECT_EQ(TokensToText({{"leg", 0, {third}}}), "leg 0\n  Line 0.33333333333333331 0\n");
}

}  // namespace
}  // namespace img2cad::program
