// Golden files: the canonical program JSON, the structure text, the token sequence and the build
// summary of each example, and the programs the generators make for seeds 0-4 of each category,
// compared with the references in tests/golden/. They are the memory across processes and builds:
// a generator or token-form change shows up here as a diff, not as a silently stale retrieval
// index or trained model (regenerate those too when you accept one). Regenerate with
//   IMG2CAD_UPDATE_GOLDEN=1 ctest -R Golden
// A mismatch writes the new text to <reference>.out beside the reference for diffing.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cad/model.h"
#include "core/file_io.h"
#include "program/json_io.h"
#include "program/structure.h"
#include "program/structure_tokens.h"
#include "program/tokens.h"
#include "synth/generator.h"

namespace img2cad {
namespace {

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string ref = std::string(IMG2CAD_SOURCE_DIR) + "/tests/golden/" + name;
  const std::string out = ref + ".out";
  const char* update = std::getenv("IMG2CAD_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    ASSERT_TRUE(core::WriteFileAtomic(ref, actual).ok());
    std::remove(out.c_str());
    return;
  }
  auto expected = core::ReadFile(ref);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString()
                             << " (generate it with IMG2CAD_UPDATE_GOLDEN=1)";
  if (*expected != actual) {
    ASSERT_TRUE(core::WriteFileAtomic(out, actual).ok());
    ADD_FAILURE() << ref << " differs; the new output is in " << out << " (diff them)";
  } else {
    std::remove(out.c_str());
  }
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ExampleOutputs) {
  const std::string name = GetParam();
  auto p =
      program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ExpectGolden(name + ".program.json", program::ProgramToJson(*p));
  ExpectGolden(name + ".structure.txt", program::StructureToText(program::StructureOf(*p)));
  ExpectGolden(name + ".tokens.txt", program::TokensToText(program::ToTokens(*p)));
  auto structure_tokens = program::EncodeStructure(program::StructureOf(*p));
  ASSERT_TRUE(structure_tokens.ok()) << structure_tokens.status().ToString();
  ExpectGolden(name + ".structure_tokens.txt",
               program::StructureTokensToText(*structure_tokens) + "\n");
  auto m = cad::BuildModel(*p);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectGolden(name + ".summary.json", cad::ModelSummaryJson(*m));
}

INSTANTIATE_TEST_SUITE_P(Examples, GoldenTest, ::testing::Values("chair", "table", "storage"));

class GeneratorGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratorGoldenTest, SeedsZeroToFour) {
  const std::string category = GetParam();
  for (uint64_t seed = 0; seed < 5; ++seed) {
    auto s = synth::Generate(category, seed);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const std::string stem = "synth/" + category + "_" + std::to_string(seed);
    ExpectGolden(stem + ".program.json", program::ProgramToJson(s->program));
    ExpectGolden(stem + ".style.txt", s->style + "\n");
  }
}

INSTANTIATE_TEST_SUITE_P(Categories, GeneratorGoldenTest,
                         ::testing::Values("chair", "table", "storage"));

}  // namespace
}  // namespace img2cad
