#include "program/paper_text.h"

#include <gtest/gtest.h>

namespace img2cad::program {
namespace {

// A chair as a language model might write it: prose, a fence, `$<SOL>$`, `L (` forms, numbers.
constexpr char kChair[] = R"(Here is the CAD program for the chair in the image:

```
# Seat
<SOL>
L: 0, 0
L: 450, 0
L: 450, 420
L: 0, 420
E: NewBody OneSided 40

// backrest
$<SOL>$
L (0, 0)
A (20, 20, 90) CW
L (20, 500)
L (0, 500)
E: 20 Symmetric

# Leg 1
<SOL>
R: 15
E: 430

# leg 2
<SOL>
R: 15
E: 430
<CUT>
<SOL>
R: 5
E: Cut OneSided 10
```
That's all.
)";

TEST(PaperTextTest, ReadsAForgivingChair) {
  auto s = ParsePaperText(kChair, "chair.txt");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->category, "chair");  // decided by "backrest" and "seat" together
  ASSERT_EQ(s->parts.size(), 4u);
  EXPECT_EQ(s->parts[0].label, "seat");
  EXPECT_EQ(s->parts[1].label, "back");
  EXPECT_EQ(s->parts[2].label, "leg");
  EXPECT_EQ(s->parts[3].label, "leg");
  EXPECT_EQ(s->parts[3].instance, 1);
  const auto& back = s->parts[1].features[0];
  ASSERT_EQ(back.loops[0].size(), 4u);
  EXPECT_EQ(back.loops[0][1].type, CurveType::kArc);
  EXPECT_FALSE(back.loops[0][1].ccw);
  EXPECT_EQ(back.extent, Extent::kSymmetric);
  ASSERT_EQ(s->parts[3].features.size(), 2u);
  EXPECT_EQ(s->parts[3].features[1].operation, Operation::kCut);
  EXPECT_EQ(s->parts[3].features[0].loops[0][0].type, CurveType::kCircle);
}

TEST(PaperTextTest, CategoryFromTheFlagOrTheFallback) {
  const char* text = "# top\n<SOL>\nR: 400\nE: 30\n\n# leg\n<SOL>\nR: 20\nE: 700\n";
  // "top" and "leg" fit tables and storage: undecided without help.
  auto undecided = ParsePaperText(text, "t.txt");
  ASSERT_FALSE(undecided.ok());
  EXPECT_NE(undecided.status().ToString().find("category"), std::string::npos);
  EXPECT_EQ(ParsePaperText(text, "t.txt", "table").value().category, "table");
  EXPECT_EQ(ParsePaperText(text, "t.txt", "", "storage").value().category, "storage");
  EXPECT_EQ(LabelForPartName("table", "Table Top"), "top");
  EXPECT_EQ(ParsePaperText("# table top\n<SOL>\nR: 4\nE: 3\n", "t.txt").value().category, "table");
  EXPECT_EQ(
      ParsePaperText("# cabinet top\n<SOL>\nR: 4\nE: 3\n", "t.txt", "", "chair").value().category,
      "storage");
  EXPECT_FALSE(ParsePaperText(text, "t.txt", "", "chair").ok());  // chairs have no top
  EXPECT_EQ(LabelForPartName("storage", "door knob 2"), "handle");
  EXPECT_EQ(LabelForPartName("table", "base"), "foot");
  EXPECT_EQ(LabelForPartName("chair", "wing"), "");
}

TEST(PaperTextTest, BrokenInputsGetALocatedError) {
  struct Case {
    const char* text;
    const char* where;
    const char* what;
  };
  const Case cases[] = {
      {"# seat\nL: 1, 2\n", "line 2", "before any <SOL>"},
      {"# seat\nE: 40\n", "line 2", "without loops"},
      {"# seat\n<SOL>\nR: 5\nL: 1, 2\nE: 3\n", "line 4", "circle"},
      {"<SOL>\nL: 1\n", "line 1", "without a part name"},
      {"# wing\n<SOL>\nR: 5\nE: 3\n", "line 1", "wing"},
      {"# seat\n<SOL>\nL: 1\nL: 2\nL: 3\n", "line 5", "without an E: line"},
      {"Just prose, no program.\n", "line 1", "no part"},
      {"###\n<SOL>\nR: 5\nE: 3\n", "line 2", "without a part name"},
  };
  for (const Case& c : cases) {
    auto s = ParsePaperText(c.text, "bad.txt", "chair");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().code(), core::StatusCode::kParse);
    EXPECT_EQ(s.status().where(), c.where) << c.text << s.status().ToString();
    EXPECT_NE(s.status().ToString().find(c.what), std::string::npos) << s.status().ToString();
    EXPECT_NE(s.status().ToString().find("bad.txt"), std::string::npos);
  }
}

}  // namespace
}  // namespace img2cad::program
