#include "program/structure_tokens.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/rng.h"
#include "program/json_io.h"
#include "program/vocabulary.h"

namespace img2cad::program {
namespace {

int Token(const std::string& name) {
  for (int t = 0; t < StructureVocabularySize(); ++t)
    if (StructureTokenName(t) == name) return t;
  ADD_FAILURE() << "no token " << name;
  return -1;
}

std::vector<int> Tokens(const std::string& text) {
  std::vector<int> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(Token(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

// Accepts the prefix, then returns the names of the allowed next tokens.
std::vector<std::string> AllowedAfter(const std::string& prefix) {
  StructureGrammar g;
  for (int t : Tokens(prefix)) EXPECT_TRUE(g.Accept(t).ok()) << StructureTokenName(t);
  std::vector<unsigned char> mask;
  g.AllowedNext(&mask);
  std::vector<std::string> names;
  for (int t = 0; t < StructureVocabularySize(); ++t)
    if (mask[t]) names.push_back(StructureTokenName(t));
  return names;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(StructureTokensTest, TheExamplesRoundTripInCanonicalOrder) {
  for (const char* name : {"chair", "table", "storage"}) {
    auto p = ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json");
    ASSERT_TRUE(p.ok());
    const Structure s = StructureOf(*p);
    auto tokens = EncodeStructure(s);
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    EXPECT_EQ(tokens->front(), kBosToken);
    EXPECT_EQ(tokens->back(), kEosToken);
    auto back = DecodeStructure(*tokens);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    // Same structure up to the order of the parts.
    EXPECT_EQ(StructureKey(*back), StructureKey(s));
    EXPECT_EQ(back->parts.size(), s.parts.size());
    // Shuffling the parts does not change the sequence.
    Structure shuffled = s;
    std::reverse(shuffled.parts.begin(), shuffled.parts.end());
    EXPECT_EQ(EncodeStructure(shuffled).value(), *tokens);
    // The decoded (canonical) structure encodes to the same sequence and is valid JSON structure.
    EXPECT_EQ(EncodeStructure(*back).value(), *tokens);
    EXPECT_TRUE(ParseStructure(StructureToJson(*back)).ok());
  }
}

TEST(StructureTokensTest, MaskFollowsTheGrammar) {
  EXPECT_EQ(AllowedAfter(""), std::vector<std::string>{"BOS"});
  EXPECT_EQ(AllowedAfter("BOS"),
            (std::vector<std::string>{"CAT_chair", "CAT_table", "CAT_storage"}));
  EXPECT_EQ(AllowedAfter("BOS CAT_chair").size(), 3u);  // the symmetries
  // Only the category's labels can start a part.
  auto first = AllowedAfter("BOS CAT_chair SYM_reflect_x");
  EXPECT_TRUE(Has(first, "PART_seat"));
  EXPECT_TRUE(Has(first, "PART_spoke"));
  EXPECT_FALSE(Has(first, "PART_top"));
  EXPECT_FALSE(Has(first, "PART_door"));
  EXPECT_FALSE(Has(first, "EOS"));
  // A circle is alone in its loop; a chain continues or closes.
  auto circle = AllowedAfter("BOS CAT_table SYM_none PART_top LOOP CIRCLE");
  EXPECT_FALSE(Has(circle, "LINE"));
  EXPECT_FALSE(Has(circle, "CIRCLE"));
  EXPECT_TRUE(Has(circle, "LOOP"));
  // The first feature of a part is new_body, later ones are not.
  EXPECT_TRUE(Has(circle, "EXTRUDE_one_sided_new_body"));
  EXPECT_FALSE(Has(circle, "EXTRUDE_one_sided_cut"));
  auto later = AllowedAfter(
      "BOS CAT_table SYM_none PART_top LOOP CIRCLE EXTRUDE_one_sided_new_body LOOP CIRCLE");
  EXPECT_FALSE(Has(later, "EXTRUDE_one_sided_new_body"));
  EXPECT_TRUE(Has(later, "EXTRUDE_symmetric_intersect"));
  // Two lines enclose nothing: the chain must go on.
  auto two_lines = AllowedAfter("BOS CAT_table SYM_none PART_top LOOP LINE LINE");
  EXPECT_TRUE(Has(two_lines, "LINE"));
  EXPECT_TRUE(Has(two_lines, "ARC_CW"));
  EXPECT_FALSE(Has(two_lines, "EXTRUDE_one_sided_new_body"));
  EXPECT_FALSE(Has(two_lines, "LOOP"));
  auto line_arc = AllowedAfter("BOS CAT_table SYM_none PART_top LOOP LINE ARC_CCW");
  EXPECT_TRUE(Has(line_arc, "EXTRUDE_one_sided_new_body"));
  // After a feature: another feature, a later label, or the end; never an earlier label.
  auto after =
      AllowedAfter("BOS CAT_table SYM_none PART_leg LOOP CIRCLE EXTRUDE_two_sided_new_body");
  EXPECT_TRUE(Has(after, "EOS"));
  EXPECT_TRUE(Has(after, "LOOP"));
  EXPECT_TRUE(Has(after, "PART_leg"));
  EXPECT_TRUE(Has(after, "PART_apron"));
  EXPECT_FALSE(Has(after, "PART_top"));
  EXPECT_TRUE(
      AllowedAfter("BOS CAT_table SYM_none PART_leg LOOP CIRCLE EXTRUDE_one_sided_new_body EOS")
          .empty());
}

TEST(StructureTokensTest, RefusalsAreExplained) {
  StructureGrammar g;
  EXPECT_FALSE(g.Accept(Token("CAT_chair")).ok());
  ASSERT_TRUE(g.Accept(kBosToken).ok());
  EXPECT_EQ(g.length(), 1);
  auto bad = DecodeStructure(Tokens("BOS CAT_chair SYM_none PART_top"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().where(), "tokens[3]");
  EXPECT_NE(bad.status().message().find("not a chair label"), std::string::npos);
  auto unfinished = DecodeStructure(Tokens("BOS CAT_chair SYM_none PART_seat LOOP CIRCLE"));
  ASSERT_FALSE(unfinished.ok());
  EXPECT_NE(unfinished.status().message().find("before EOS"), std::string::npos);
  Structure two_lines;
  two_lines.category = "chair";
  two_lines.parts.push_back({"seat", 0, {{{{{CurveType::kLine}, {CurveType::kLine}}}}}});
  auto enc = EncodeStructure(two_lines);
  ASSERT_FALSE(enc.ok());
  EXPECT_EQ(enc.status().where(), "parts[0].features[0].extrude");
}

// Random walks through the mask always end, within the length limit, in a valid structure.
TEST(StructureTokensTest, EveryMaskedWalkDecodesToAValidStructure) {
  core::Rng rng(7);
  const int line = Token("LINE");
  for (int walk = 0; walk < 200; ++walk) {
    StructureGrammar g;
    std::vector<int> tokens;
    std::vector<unsigned char> mask;
    // Some walks favour long chains to run into the length limit.
    const bool long_walk = walk % 10 == 0;
    while (!g.complete()) {
      g.AllowedNext(&mask);
      std::vector<int> allowed;
      for (int t = 0; t < StructureVocabularySize(); ++t)
        if (mask[t]) allowed.push_back(t);
      ASSERT_FALSE(allowed.empty()) << "dead end after " << StructureTokensToText(tokens);
      // The mask's fast path agrees with the explained one.
      for (int t = 0; t < StructureVocabularySize(); ++t) {
        StructureGrammar copy = g;
        ASSERT_EQ(mask[t] == 1, copy.Accept(t).ok())
            << StructureTokenName(t) << " after " << StructureTokensToText(tokens);
      }
      if (long_walk && allowed.size() > 1) {  // no EOS while anything else is allowed
        allowed.erase(std::remove(allowed.begin(), allowed.end(), kEosToken), allowed.end());
      }
      int pick = allowed[rng.UniformInt(0, static_cast<int>(allowed.size()) - 1)];
      if (long_walk && mask[line]) pick = line;
      ASSERT_TRUE(g.Accept(pick).ok());
      tokens.push_back(pick);
    }
    ASSERT_LE(tokens.size(), static_cast<size_t>(kMaxStructureTokens));
    auto s = DecodeStructure(tokens);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE(ParseStructure(StructureToJson(*s)).ok());
    EXPECT_EQ(EncodeStructure(*s).value(), tokens);
    if (long_walk) EXPECT_GT(tokens.size(), 500u);  // it ran into the limit and still ended
  }
}

TEST(StructureTokensTest, TokensNameTheirCategoryAndLabelIndex) {
  const int storage = 2;
  ASSERT_EQ(Categories()[storage], "storage");
  EXPECT_EQ(StructureTokenCategory(Token("CAT_storage")), storage);
  EXPECT_EQ(StructureTokenCategory(Token("PART_leg")), -1);
  EXPECT_EQ(StructureTokenLabelIndex(storage, Token("PART_drawer")),
            *LabelIndex("storage", "drawer"));
  EXPECT_EQ(StructureTokenLabelIndex(0, Token("PART_drawer")), -1);  // not a chair label
  EXPECT_EQ(StructureTokenLabelIndex(storage, Token("LOOP")), -1);
  EXPECT_EQ(StructureTokenLabelIndex(7, Token("PART_leg")), -1);

  int category = -1;
  const auto counts = StructureLabelCounts(
      Tokens("BOS CAT_storage SYM_none PART_side LOOP CIRCLE EXTRUDE_one_sided_new_body PART_side "
             "LOOP CIRCLE EXTRUDE_one_sided_new_body PART_drawer LOOP CIRCLE "
             "EXTRUDE_one_sided_new_body EOS"),
      &category);
  EXPECT_EQ(category, storage);
  std::vector<int> expected(LabelsOf("storage").size(), 0);
  expected[*LabelIndex("storage", "side")] = 2;
  expected[*LabelIndex("storage", "drawer")] = 1;
  EXPECT_EQ(counts, expected);
  EXPECT_TRUE(StructureLabelCounts(Tokens("BOS EOS"), &category).empty());
  EXPECT_EQ(category, -1);
}

// A label's first part is what follows its first PART token; later instances are not read.
TEST(StructureTokensTest, FirstPartsAreEachLabelsFirstInstance) {
  const auto parts = StructureFirstParts(
      Tokens("BOS CAT_storage SYM_none PART_side LOOP LINE ARC_CCW LINE EXTRUDE_one_sided_new_body "
             "PART_side LOOP CIRCLE EXTRUDE_one_sided_new_body PART_drawer LOOP CIRCLE "
             "EXTRUDE_one_sided_new_body LOOP CIRCLE EXTRUDE_one_sided_cut EOS"));
  ASSERT_EQ(parts.size(), LabelsOf("storage").size());
  for (size_t l = 0; l < parts.size(); ++l) {
    if (l == *LabelIndex("storage", "side")) {
      EXPECT_EQ(parts[l], Tokens("LOOP LINE ARC_CCW LINE EXTRUDE_one_sided_new_body"));
    } else if (l == *LabelIndex("storage", "drawer")) {
      EXPECT_EQ(parts[l], Tokens("LOOP CIRCLE EXTRUDE_one_sided_new_body LOOP CIRCLE "
                                 "EXTRUDE_one_sided_cut"));
    } else {
      EXPECT_TRUE(parts[l].empty()) << LabelsOf("storage")[l];
    }
  }
  EXPECT_TRUE(StructureFirstParts(Tokens("BOS EOS")).empty());
}

}  // namespace
}  // namespace img2cad::program
