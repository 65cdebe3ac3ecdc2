#include "synth/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "cad/model.h"
#include "program/json_io.h"
#include "program/sketch_geometry.h"
#include "program/structure.h"
#include "program/structure_tokens.h"
#include "program/validate.h"
#include "program/vocabulary.h"

namespace img2cad::synth {
namespace {

class GeneratorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratorTest, SameSeedSameProgram) {
  for (uint64_t seed : {0, 1, 99}) {
    auto a = Generate(GetParam(), seed), b = Generate(GetParam(), seed);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(program::ProgramToJson(a->program), program::ProgramToJson(b->program));
  }
  EXPECT_NE(program::ProgramToJson(Generate(GetParam(), 1)->program),
            program::ProgramToJson(Generate(GetParam(), 2)->program));
}

// Every sampled program validates and builds into one valid solid per part that stands on the
// floor, with no part floating free of the others. The default suite checks 60 seeds per category;
// the heavy label checks thousands (synth_validity_heavy).
void ExpectValidStandingSolid(const Sample& s, uint64_t seed) {
  cad::BuildOptions options;
  options.num_threads = 1;
  const auto errors = program::ValidateProgram(s.program);
  ASSERT_TRUE(errors.empty()) << s.style << " seed " << seed << ": " << errors[0].ToString();
  auto m = cad::BuildModel(s.program, options);
  ASSERT_TRUE(m.ok()) << s.style << " seed " << seed << ": " << m.status().ToString();
  EXPECT_NEAR(m->Bounds().min[2], 0, 1.0) << s.style << " seed " << seed;
  EXPECT_NEAR(m->Bounds().min[0], -m->Bounds().max[0], 1.0) << "centred in x";
  // No part floats: all parts form one group of touching solids.
  auto groups = cad::ContactGroups(*m);
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(groups->size(), 1u) << s.style << " seed " << seed << ": a part floats";
}

TEST_P(GeneratorTest, ProgramsBuildIntoValidSolids) {
  for (uint64_t seed = 1000; seed < 1060; ++seed) {
    auto s = Generate(GetParam(), seed);
    ASSERT_TRUE(s.ok());
    ExpectValidStandingSolid(*s, seed);
  }
}

TEST_P(GeneratorTest, AtLeastTwelveStructuresInAnyFortySamples) {
  for (uint64_t start : {0, 400, 8000}) {
    std::set<std::string> keys;
    std::map<std::string, int> styles;
    for (uint64_t seed = start; seed < start + 40; ++seed) {
      auto s = Generate(GetParam(), seed);
      keys.insert(program::StructureKey(program::StructureOf(s->program)));
      styles[s->style.substr(0, s->style.find('/'))]++;
    }
    EXPECT_GE(keys.size(), 12u) << GetParam() << " from seed " << start;
    EXPECT_GE(styles.size(), 3u) << GetParam() << " from seed " << start;
  }
}

TEST_P(GeneratorTest, LabelsComeFromTheVocabulary) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    auto s = Generate(GetParam(), seed);
    EXPECT_EQ(s->program.category, GetParam());
    EXPECT_TRUE(program::Validate(s->program).ok());
  }
}

// Stage 1 writes structures in the token language: everything the generators make must be
// expressible in it, well inside its length limit.
TEST_P(GeneratorTest, StructuresFitTheTokenLanguage) {
  size_t longest = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    auto s = Generate(GetParam(), seed);
    ASSERT_TRUE(s.ok());
    const program::Structure st = program::StructureOf(s->program);
    auto tokens = program::EncodeStructure(st);
    ASSERT_TRUE(tokens.ok()) << "seed " << seed << ": " << tokens.status().ToString();
    longest = std::max(longest, tokens->size());
    auto back = program::DecodeStructure(*tokens);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(program::StructureKey(*back), program::StructureKey(st));
  }
  EXPECT_LT(longest, static_cast<size_t>(program::kMaxStructureTokens) * 3 / 4);
}

// The instance rule orders a label's parts by the first axis (x, then y, then z) on which their
// centres differ. Stage 2 can only learn where instance k goes when that difference is one it can
// see: parts that line up on an axis must line up exactly, not by a few millimetres of noise.
TEST_P(GeneratorTest, InstancesAreOrderedByVisibleGaps) {
  constexpr double kVisible = 10;  // mm
  for (uint64_t seed = 0; seed < 300; ++seed) {
    auto s = Generate(GetParam(), seed);
    ASSERT_TRUE(s.ok());
    std::map<std::pair<std::string, int>, program::Vec3> centre;
    for (const auto& p : s->program.parts)
      centre[{p.label, p.instance}] = program::ApproxPartBounds(p).Center();
    for (const auto& [key, c] : centre) {
      auto next = centre.find({key.first, key.second + 1});
      if (next == centre.end()) continue;
      for (int axis = 0; axis < 3; ++axis) {
        const double d = next->second[axis] - c[axis];
        if (std::abs(d) <= program::kOrderTolerance) continue;
        EXPECT_GE(d, kVisible) << s->style << " seed " << seed << ": " << key.first << " "
                               << key.second << " and " << key.second + 1 << " differ by " << d
                               << " mm on axis " << axis;
        break;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Categories, GeneratorTest, ::testing::Values("chair", "table", "storage"));

// Lounge chairs are drawn only on request; every chair not drawn as one is the default chair of
// its seed, and the option leaves other categories alone.
TEST(GenerateTest, LoungeChairsOnRequest) {
  GenerateOptions all, half;
  all.lounge = 1;
  half.lounge = 0.5;
  int lounges = 0;
  std::set<std::string> keys;
  for (uint64_t seed = 1000; seed < 1040; ++seed) {
    auto s = Generate("chair", seed, all);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->style.substr(0, 6), "lounge");
    ExpectValidStandingSolid(*s, seed);
    keys.insert(program::StructureKey(program::StructureOf(s->program)));
    auto h = Generate("chair", seed, half), plain = Generate("chair", seed);
    if (h->style.substr(0, 6) == "lounge") {
      ++lounges;
      EXPECT_EQ(program::ProgramToJson(h->program), program::ProgramToJson(s->program));
    } else {
      EXPECT_EQ(program::ProgramToJson(h->program), program::ProgramToJson(plain->program));
    }
    EXPECT_EQ(program::ProgramToJson(Generate("table", seed, all)->program),
              program::ProgramToJson(Generate("table", seed)->program));
  }
  EXPECT_GT(lounges, 8);
  EXPECT_LT(lounges, 32);
  EXPECT_GE(keys.size(), 2u);  // with and without the headrest
}

TEST(GenerateTest, UnknownCategory) {
  auto s = Generate("sofa", 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), core::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace img2cad::synth
